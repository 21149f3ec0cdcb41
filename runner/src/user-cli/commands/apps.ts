import type { Command } from 'commander';
import { openApi } from '../api-client.ts';
import { App, AppList } from '../api-schemas.ts';
import { type CliContext, printJson } from '../cli-context.ts';
import { CliError } from '../cli-error.ts';
import { relativeAge } from '../relative-age.ts';
import { formatTable } from '../table.ts';

type SettingsOpts = {
  description?: string;
  private?: boolean;
  public?: boolean;
  healthPath?: string;
  /** false when --no-health-check was given. */
  healthCheck?: boolean;
  volume?: string[];
  clearVolumes?: boolean;
  memory?: string;
  cpus?: string;
  json?: boolean;
};

/** The deploy settings both `apps create` and `apps update` take. */
function withSettingsOptions(command: Command): Command {
  return command
    .option('--description <text>', 'what the app does')
    .option('--private', 'reachable only by signed-in members of the tenant')
    .option('--public', 'reachable by anyone (the default)')
    .option('--health-path <path>', 'HTTP path that answers 2xx when the app is healthy (default /health)')
    .option('--no-health-check', 'no HTTP health check: healthy once the process runs')
    .option(
      '--volume <path>',
      'a writeable directory that survives redeploys (repeatable)',
      collect,
      undefined,
    )
    .option('--clear-volumes', 'no writeable volumes')
    .option('--memory <mb>', 'memory limit in MB (64-65536, default 512)')
    .option('--cpus <n>', 'CPU limit (0.1-64, default 1)')
    .option('--json', 'print the app as JSON');
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function registerAppsCommands(program: Command, ctx: CliContext): void {
  const apps = program.command('apps').description('create, update and list apps');

  withSettingsOptions(
    apps
      .command('create')
      .description('create an app: the name JARs are uploaded to and deployments refer to')
      .argument('<name>', 'lowercase letters, digits and hyphens, e.g. orders'),
  ).action((name: string, opts: SettingsOpts) => createApp(ctx, name, opts));

  withSettingsOptions(
    apps
      .command('update')
      .description('change an app’s description and deploy settings; they apply from its next deployment')
      .argument('<name>', 'the app'),
  ).action((name: string, opts: SettingsOpts) => updateApp(ctx, name, opts));

  apps
    .command('list')
    .description('list the apps of the tenant')
    .option('--json', 'print the apps as JSON')
    .action((opts: { json?: boolean }) => listApps(ctx, opts));
}

function number(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new CliError(`${flag} takes a number, got ${value}`);
  return n;
}

/** The request body for the flags given; flags not given are left out, so the edge keeps the current values. */
function settingsBody(opts: SettingsOpts): Record<string, unknown> {
  if (opts.private && opts.public) throw new CliError('Choose --private or --public, not both');
  if (opts.healthCheck === false && opts.healthPath !== undefined)
    throw new CliError('Choose --health-path or --no-health-check, not both');
  if (opts.clearVolumes && opts.volume) throw new CliError('Choose --volume or --clear-volumes, not both');
  const body: Record<string, unknown> = {};
  if (opts.description !== undefined) body.description = opts.description;
  if (opts.private) body.private = true;
  if (opts.public) body.private = false;
  if (opts.healthPath !== undefined) body.healthPath = opts.healthPath;
  if (opts.healthCheck === false) body.healthPath = null;
  if (opts.volume) body.writeableVolumes = opts.volume;
  if (opts.clearVolumes) body.writeableVolumes = [];
  if (opts.memory !== undefined) body.memoryMb = number('--memory', opts.memory);
  if (opts.cpus !== undefined) body.cpus = number('--cpus', opts.cpus);
  return body;
}

async function createApp(ctx: CliContext, name: string, opts: SettingsOpts) {
  const body = { name, ...settingsBody(opts) };
  const api = await openApi(ctx);
  const app = await api.post(api.tenantPath('/apps'), body, App);
  if (opts.json) return printJson(ctx, app);
  ctx.write(
    `Created app ${app.name} (${app.id}).\n` +
      `Deploy a JAR to it with:\n  cameleer deploy app.jar --app ${app.name} --env dev --wait\n`,
  );
}

async function updateApp(ctx: CliContext, name: string, opts: SettingsOpts) {
  const body = settingsBody(opts);
  if (Object.keys(body).length === 0) throw new CliError('Nothing to change: give at least one option');
  const api = await openApi(ctx);
  const app = await api.patch(api.tenantPath(`/apps/${encodeURIComponent(name)}`), body, App);
  if (opts.json) return printJson(ctx, app);
  ctx.write(
    `Updated app ${app.name}: ${describeSettings(app)}.\nThe settings apply from its next deployment.\n`,
  );
}

function describeSettings(app: App): string {
  const volumes = app.writeableVolumes?.length ? app.writeableVolumes.join(', ') : 'none';
  return [
    app.private ? 'private' : 'public',
    app.healthPath ? `health check ${app.healthPath}` : 'no health check',
    `volumes ${volumes}`,
    `${app.memoryMb} MB`,
    `${app.cpus} CPU`,
  ].join(', ');
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
