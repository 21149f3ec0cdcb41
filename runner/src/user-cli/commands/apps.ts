import type { Command } from 'commander';
import { openApi } from '../api-client.ts';
import { App, AppList } from '../api-schemas.ts';
import { type CliContext, printJson } from '../cli-context.ts';
import { relativeAge } from '../relative-age.ts';
import { formatTable } from '../table.ts';

export function registerAppsCommands(program: Command, ctx: CliContext): void {
  const apps = program.command('apps').description('create and list apps');

  apps
    .command('create')
    .description('create an app: the name JARs are uploaded to and deployments refer to')
    .argument('<name>', 'lowercase letters, digits and hyphens, e.g. orders')
    .option('--description <text>', 'what the app does')
    .option('--json', 'print the created app as JSON')
    .action((name: string, opts: { description?: string; json?: boolean }) => createApp(ctx, name, opts));

  apps
    .command('list')
    .description('list the apps of the tenant')
    .option('--json', 'print the apps as JSON')
    .action((opts: { json?: boolean }) => listApps(ctx, opts));
}

async function createApp(ctx: CliContext, name: string, opts: { description?: string; json?: boolean }) {
  const api = await openApi(ctx);
  const body = opts.description === undefined ? { name } : { name, description: opts.description };
  const app = await api.post(api.tenantPath('/apps'), body, App);
  if (opts.json) return printJson(ctx, app);
  ctx.write(
    `Created app ${app.name} (${app.id}).\n` +
      `Deploy a JAR to it with:\n  cameleer deploy app.jar --app ${app.name} --env dev --wait\n`,
  );
}

async function listApps(ctx: CliContext, opts: { json?: boolean }) {
  const api = await openApi(ctx);
  const { items } = await api.get(api.tenantPath('/apps'), AppList);
  if (opts.json) return printJson(ctx, items);
  if (items.length === 0) {
    ctx.write('No apps yet. Create one with `cameleer apps create NAME`.\n');
    return;
  }
  const rows = items.map((app) => [
    app.name,
    app.id,
    relativeAge(new Date(app.createdAt), ctx.now()),
    app.description || '-',
  ]);
  ctx.write(formatTable(['NAME', 'ID', 'CREATED', 'DESCRIPTION'], rows));
}
