import { type Command, InvalidArgumentError } from 'commander';
import { openApi } from '../api-client.ts';
import { TraceDetail, TraceList } from '../api-schemas.ts';
import { type CliContext, printJson } from '../cli-context.ts';
import { formatMs, parseDuration, sinceParam } from '../duration.ts';
import { relativeAge } from '../relative-age.ts';
import { formatTable } from '../table.ts';
import { renderTraceTree } from './trace-tree.ts';

type TracesOptions = {
  app: string;
  env: string;
  status?: 'ok' | 'error';
  minDuration?: number;
  since: number;
  limit: number;
  json?: boolean;
};

/** `cameleer traces` lists an app's recent traces; `cameleer trace ID` shows one as a span tree. */
export function registerTracesCommands(program: Command, ctx: CliContext): void {
  program
    .command('traces')
    .description('list the recent traces of an app in an environment, newest first')
    .requiredOption('--app <name>', 'the app')
    .requiredOption('--env <name>', 'the environment')
    .option('--status <status>', 'only traces that failed (error) or did not (ok)', parseStatus)
    .option('--min-duration <duration>', 'only traces at least this long, e.g. 100ms', parseDuration)
    .option('--since <duration>', 'how far back, e.g. 15m, 2h, 1d', parseDuration, 3_600_000)
    .option('--limit <count>', 'at most this many traces (1-500)', parseLimit, 50)
    .option('--json', 'print the traces as JSON')
    .action(async (opts: TracesOptions) => {
      const api = await openApi(ctx);
      const query = new URLSearchParams({
        app: opts.app,
        environment: opts.env,
        from: sinceParam(ctx.now(), opts.since),
        limit: String(opts.limit),
      });
      if (opts.status) query.set('status', opts.status);
      if (opts.minDuration !== undefined) query.set('minDurationMs', String(opts.minDuration));
      const { items } = await api.get(api.tenantPath(`/telemetry/traces?${query}`), TraceList);
      if (opts.json) return printJson(ctx, items);
      if (items.length === 0) return ctx.write('No traces in that time.\n');
      const now = ctx.now();
      ctx.write(
        formatTable(
          ['TRACE', 'STARTED', 'APP', 'ENV', 'ROOT', 'DURATION', 'SPANS', 'STATUS'],
          items.map((t) => [
            t.traceId,
            relativeAge(new Date(t.startTime), now),
            t.app,
            t.environment,
            t.route && t.route !== t.name ? `${t.name} (${t.route})` : t.name,
            formatMs(t.durationMs),
            String(t.spanCount),
            t.error ? `error (${t.errorCount})` : 'ok',
          ]),
        ),
      );
    });

  program
    .command('trace')
    .description('show one trace as a span tree with a waterfall of when each span ran')
    .argument('<traceId>', 'the trace id, as `cameleer traces` lists it')
    .option('--json', 'print the span tree as JSON')
    .action(async (traceId: string, opts: { json?: boolean }) => {
      const api = await openApi(ctx);
      const trace = await api.get(
        api.tenantPath(`/telemetry/traces/${encodeURIComponent(traceId)}`),
        TraceDetail,
      );
      if (opts.json) return printJson(ctx, trace);
      ctx.write(renderTraceTree(trace));
    });
}

function parseStatus(value: string): 'ok' | 'error' {
  if (value !== 'ok' && value !== 'error') throw new InvalidArgumentError('expected ok or error');
  return value;
}

function parseLimit(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 500)
    throw new InvalidArgumentError('expected a whole number from 1 to 500');
  return count;
}
