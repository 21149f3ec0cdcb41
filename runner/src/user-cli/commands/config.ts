import type { Command } from 'commander';
import { openApi } from '../api-client.ts';
import { ConfigEntry, ConfigList } from '../api-schemas.ts';
import { type CliContext, printJson } from '../cli-context.ts';
import { CliError } from '../cli-error.ts';
import { formatTable } from '../table.ts';

type LayerOpts = { app?: string; env?: string };

export const maskedSecret = '••••••';

export function registerConfigCommands(program: Command, ctx: CliContext): void {
  const config = program
    .command('config')
    .description(
      'configuration and secrets, passed to apps as environment variables; layers: global, --env, --app, --app with --env (most specific wins)',
    );

  config
    .command('set')
    .description('set values in one layer (global unless --app and/or --env); secrets are write-only')
    .argument('<KEY=VALUE...>', 'one or more assignments, e.g. LOG_LEVEL=info')
    .option('--app <name>', 'the layer of this app')
    .option('--env <name>', 'the layer of this environment')
    .option('--secret', 'store encrypted; never shown again')
    .action((pairs: string[], opts: LayerOpts & { secret?: boolean }) => setConfig(ctx, pairs, opts));

  config
    .command('unset')
    .description('remove keys from one layer')
    .argument('<KEY...>', 'the keys to remove')
    .option('--app <name>', 'the layer of this app')
    .option('--env <name>', 'the layer of this environment')
    .action((keys: string[], opts: LayerOpts) => unsetConfig(ctx, keys, opts));

  config
    .command('list')
    .description('list one layer, or with --resolved what an app gets in an environment')
    .option('--app <name>', 'the layer of this app')
    .option('--env <name>', 'the layer of this environment')
    .option('--resolved', 'the effective values of --app in --env, and the layer each comes from')
    .option('--json', 'print the entries as JSON')
    .action((opts: LayerOpts & { resolved?: boolean; json?: boolean }) => listConfig(ctx, opts));
}

function layerQuery(opts: LayerOpts): string {
  const q = new URLSearchParams();
  if (opts.env) q.set('environment', opts.env);
  if (opts.app) q.set('app', opts.app);
  return q.size ? `?${q}` : '';
}

function layerName(opts: LayerOpts): string {
  if (opts.app && opts.env) return `app ${opts.app} in ${opts.env}`;
  if (opts.app) return `app ${opts.app}`;
  if (opts.env) return `environment ${opts.env}`;
  return 'global';
}

function parseAssignment(pair: string): [string, string] {
  const at = pair.indexOf('=');
  if (at <= 0) throw new CliError(`Expected KEY=VALUE, got ${JSON.stringify(pair.split('=')[0])}`);
  return [pair.slice(0, at), pair.slice(at + 1)];
}

async function setConfig(ctx: CliContext, pairs: string[], opts: LayerOpts & { secret?: boolean }) {
  const assignments = pairs.map(parseAssignment);
  const api = await openApi(ctx);
  for (const [key, value] of assignments) {
    const body = opts.secret ? { value, secret: true } : { value };
    await api.put(api.tenantPath(`/config/${encodeURIComponent(key)}${layerQuery(opts)}`), body, ConfigEntry);
    ctx.write(`Set ${opts.secret ? 'secret ' : ''}${key} (${layerName(opts)}).\n`);
  }
  ctx.write('Deploy again (or promote) for running apps to see the change.\n');
}

async function unsetConfig(ctx: CliContext, keys: string[], opts: LayerOpts) {
  const api = await openApi(ctx);
  for (const key of keys) {
    await api.delete(api.tenantPath(`/config/${encodeURIComponent(key)}${layerQuery(opts)}`));
    ctx.write(`Removed ${key} (${layerName(opts)}).\n`);
  }
}

async function listConfig(ctx: CliContext, opts: LayerOpts & { resolved?: boolean; json?: boolean }) {
  const api = await openApi(ctx);
  if (opts.resolved && (!opts.app || !opts.env))
    throw new CliError('--resolved needs --app and --env: the values an app gets in one environment');
  const path = opts.resolved
    ? `/apps/${encodeURIComponent(opts.app ?? '')}/config/resolved?environment=${encodeURIComponent(opts.env ?? '')}`
    : `/config${layerQuery(opts)}`;
  const { items } = await api.get(api.tenantPath(path), ConfigList);
  if (opts.json) return printJson(ctx, items);
  if (items.length === 0) {
    ctx.write(`No configuration (${opts.resolved ? `${layerName(opts)}, resolved` : layerName(opts)}).\n`);
    return;
  }
  const rows = items.map((e) => [e.key, e.secret ? maskedSecret : (e.value ?? ''), e.layer]);
  ctx.write(formatTable(['KEY', 'VALUE', 'LAYER'], rows));
}
