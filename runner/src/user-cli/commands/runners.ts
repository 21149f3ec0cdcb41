import { type Command, InvalidArgumentError } from 'commander';
import { openApi } from '../api-client.ts';
import { type Runner, RunnerList, RunnerToken } from '../api-schemas.ts';
import { type CliContext, printJson } from '../cli-context.ts';
import { relativeAge } from '../relative-age.ts';
import { formatTable } from '../table.ts';

export function registerRunnersCommands(program: Command, ctx: CliContext): void {
  const runners = program.command('runners').description('register, list and revoke runners');

  runners
    .command('token')
    .description('create a one-time registration token for a new runner')
    .option('--env <names...>', 'environments the runner may serve (repeatable; default: all)')
    .option('--ttl <minutes>', 'minutes until the token expires (1–1440; default 60)', parseTtl)
    .option('--json', 'print the token, its expiry and the register command as JSON')
    .action((opts: { env?: string[]; ttl?: number; json?: boolean }) => createToken(ctx, opts));

  runners
    .command('list')
    .description('list the runners of the tenant: status, transport, version, last seen')
    .option('--json', 'print the runners as JSON')
    .action((opts: { json?: boolean }) => listRunners(ctx, opts));

  runners
    .command('revoke')
    .description('revoke a runner: its credentials stop working and its connection is dropped at once')
    .argument('<id>', 'the runner id, as shown by `cameleer runners list`')
    .action((id: string) => revokeRunner(ctx, id));
}

async function createToken(ctx: CliContext, opts: { env?: string[]; ttl?: number; json?: boolean }) {
  const api = await openApi(ctx);
  const created = await api.post(
    api.tenantPath('/runner-tokens'),
    { environments: opts.env ?? [], ...(opts.ttl === undefined ? {} : { ttlMinutes: opts.ttl }) },
    RunnerToken,
  );
  if (opts.json) return printJson(ctx, created);
  const environments = created.environments.length > 0 ? created.environments.join(', ') : 'all';
  ctx.write(
    `${created.token}\n\n` +
      `Single use, expires ${created.expiresAt}, environments: ${environments}.\n` +
      `On the machine that will run apps:\n  ${created.register}\n`,
  );
}

async function listRunners(ctx: CliContext, opts: { json?: boolean }) {
  const api = await openApi(ctx);
  const { items } = await api.get(api.tenantPath('/runners'), RunnerList);
  if (opts.json) return printJson(ctx, items);
  if (items.length === 0) {
    ctx.write('No runners yet. Create a registration token with `cameleer runners token`.\n');
    return;
  }
  const headers = ['ID', 'NAME', 'STATUS', 'TRANSPORT', 'VERSION', 'LAST SEEN', 'ENVIRONMENTS'];
  ctx.write(
    formatTable(
      headers,
      items.map((r) => runnerRow(r, ctx.now())),
    ),
  );
}

function runnerRow(runner: Runner, now: Date): string[] {
  return [
    runner.id,
    runner.name,
    runner.status,
    runner.transport ?? '-',
    runner.version || '-',
    runner.lastSeenAt ? relativeAge(new Date(runner.lastSeenAt), now) : 'never',
    runner.environments.length > 0 ? runner.environments.join(',') : '(all)',
  ];
}

async function revokeRunner(ctx: CliContext, id: string) {
  const api = await openApi(ctx);
  await api.delete(api.tenantPath(`/runners/${encodeURIComponent(id)}`));
  ctx.write(`Revoked runner ${id}.\n`);
}

function parseTtl(value: string): number {
  const minutes = Number(value);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
    throw new InvalidArgumentError('expected whole minutes from 1 to 1440');
  }
  return minutes;
}
