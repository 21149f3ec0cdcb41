import { ReplayResult } from '@cameleer/shared';
import { type Command, InvalidArgumentError } from 'commander';
import { openApi } from '../api-client.ts';
import { Command as RunnerCommand } from '../api-schemas.ts';
import { type CliContext, printJson } from '../cli-context.ts';
import { CliError } from '../cli-error.ts';
import { parseDuration, sinceParam } from '../duration.ts';
import {
  FailedExchangeDetail as Detail,
  type FailedExchangeDetail,
  FailedExchangeList,
  type Replay,
} from '../failed-exchange-schemas.ts';
import { followCommand, parseSeconds } from '../follow.ts';
import { relativeAge } from '../relative-age.ts';
import { formatTable } from '../table.ts';

type ListOptions = {
  app?: string;
  env?: string;
  route?: string;
  since: number;
  limit: number;
  json?: boolean;
};

/**
 * `cameleer failed-exchanges` lists failed exchanges, `cameleer failed-exchange ID` shows one (its
 * headers and body as the app's agent redacted them), `cameleer replay ID` replays one and waits.
 */
export function registerFailedExchangeCommands(program: Command, ctx: CliContext): void {
  program
    .command('failed-exchanges')
    .description('list the exchanges that failed in your apps, newest first')
    .option('--app <name>', 'only this app')
    .option('--env <name>', 'only this environment')
    .option('--route <id>', 'only exchanges of this route (id or from URI)')
    .option('--since <duration>', 'how far back, e.g. 15m, 2h, 1d', parseDuration, 86_400_000)
    .option('--limit <count>', 'at most this many (1-500)', parseLimit, 50)
    .option('--json', 'print them as JSON')
    .action(async (opts: ListOptions) => {
      const api = await openApi(ctx);
      const query = new URLSearchParams({
        from: sinceParam(ctx.now(), opts.since),
        limit: String(opts.limit),
      });
      if (opts.app) query.set('app', opts.app);
      if (opts.env) query.set('environment', opts.env);
      if (opts.route) query.set('route', opts.route);
      const { items } = await api.get(api.tenantPath(`/failed-exchanges?${query}`), FailedExchangeList);
      if (opts.json) return printJson(ctx, items);
      if (items.length === 0) return ctx.write('No failed exchanges in that time.\n');
      const now = ctx.now();
      ctx.write(
        formatTable(
          ['EXCHANGE', 'FAILED', 'APP', 'ENV', 'ROUTE', 'ENDPOINT', 'EXCEPTION', 'REPLAY'],
          items.map((x) => [
            x.exchangeId,
            relativeAge(new Date(x.time), now),
            x.app,
            x.environment,
            x.routeId || x.fromUri,
            x.failedEndpoint,
            shortException(x.exceptionType, x.exceptionMessage),
            replayLabel(x.lastReplay),
          ]),
        ),
      );
    });

  program
    .command('failed-exchange')
    .description('show one failed exchange: exception, route, endpoint, redacted headers and body, replays')
    .argument('<id>', 'the exchange id, as `cameleer failed-exchanges` lists it')
    .option('--json', 'print it as JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const api = await openApi(ctx);
      const x = await api.get(api.tenantPath(`/failed-exchanges/${encodeURIComponent(id)}`), Detail);
      if (opts.json) return printJson(ctx, x);
      ctx.write(renderDetail(x));
    });

  program
    .command('replay')
    .description("replay a failed exchange from its route's start and wait for the outcome")
    .argument('<id>', 'the exchange id, as `cameleer failed-exchanges` lists it')
    .option('--timeout <seconds>', 'how long to wait for the outcome', parseSeconds, 120)
    .option('--json', 'print the finished command as JSON')
    .action(async (id: string, opts: { timeout: number; json?: boolean }) => {
      const api = await openApi(ctx);
      const say = opts.json ? (text: string) => process.stderr.write(text) : ctx.write;
      const command = await api.post(
        api.tenantPath(`/failed-exchanges/${encodeURIComponent(id)}/replay`),
        {},
        RunnerCommand,
      );
      say(`Asked the runner to replay exchange ${id}: command ${command.id}.\n`);
      const done = await followCommand(api, command.id, opts.timeout, say);
      if (opts.json) printJson(ctx, done);
      if (done.state === 'failed') {
        throw new CliError(`Could not replay ${id}: ${done.error ?? 'the runner gave no reason'}`);
      }
      const result = ReplayResult.safeParse(done.output);
      if (!result.success) throw new CliError(`The runner answered no replay outcome for ${id}`);
      const r = result.data;
      if (r.outcome === 'completed') {
        if (!opts.json) ctx.write(`Replayed ${id}: completed (as exchange ${r.replayExchangeId ?? '?'}).\n`);
        return;
      }
      if (r.outcome === 'failed') {
        throw new CliError(
          `Replayed ${id}: it failed again with ${shortException(r.exceptionType ?? '', r.exceptionMessage ?? '')}` +
            (r.replayExchangeId ? ` (listed as failed exchange ${r.replayExchangeId})` : ''),
        );
      }
      throw new CliError(`Not replayed: ${r.message ?? 'the app no longer holds the original exchange'}`);
    });
}

function renderDetail(x: FailedExchangeDetail): string {
  const lines = [
    `Exchange   ${x.exchangeId}${x.replayOf ? ` (a replay of ${x.replayOf})` : ''}`,
    `Failed     ${x.time} in ${x.app} (${x.environment})`,
    `Route      ${x.routeId} from ${x.fromUri}`,
    `Endpoint   ${x.failedEndpoint || '(the route itself)'}`,
    `Exception  ${shortException(x.exceptionType, x.exceptionMessage)}`,
    ...(x.traceId ? [`Trace      ${x.traceId}`] : []),
    `Masked     ${x.redactions} value(s), by the app's agent`,
    '',
    `Headers${x.headersTruncated ? ' (truncated)' : ''}:`,
    ...Object.entries(x.headers).map(([k, v]) => `  ${k}: ${v}`),
    '',
    `Body (${x.bodySize} bytes${x.bodyTruncated ? ', truncated' : ''}):`,
    x.body,
    '',
  ];
  if (x.replays.length > 0) {
    lines.push('Replays:');
    for (const r of x.replays) lines.push(`  ${r.requestedAt}  ${replayLabel(r)}  (command ${r.commandId})`);
  }
  return `${lines.join('\n')}\n`;
}

function replayLabel(r: Replay | null): string {
  if (!r) return '-';
  if (r.outcome === 'failed') return `failed again${r.exceptionType ? ` (${r.exceptionType})` : ''}`;
  if (r.outcome) return r.outcome;
  return r.state === 'failed' ? `not run: ${r.error ?? ''}`.trim() : r.state;
}

function shortException(type: string, message: string): string {
  const name = type.slice(type.lastIndexOf('.') + 1);
  return message ? `${name}: ${message}` : name;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw new InvalidArgumentError('expected 1-500');
  return n;
}
