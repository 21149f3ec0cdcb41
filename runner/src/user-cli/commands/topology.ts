import type { Command } from 'commander';
import { openApi } from '../api-client.ts';
import { Topology } from '../api-schemas.ts';
import { type CliContext, printJson } from '../cli-context.ts';
import { formatMs, parseDuration, sinceParam } from '../duration.ts';
import { formatTable } from '../table.ts';

type TopologyOptions = { app: string; env: string; since: number; json?: boolean };

/** `cameleer topology`: an app's Camel routes and the endpoints they consume and call, with their numbers. */
export function registerTopologyCommand(program: Command, ctx: CliContext): void {
  program
    .command('topology')
    .description("show an app's Camel route topology: each endpoint → route and route → endpoint edge")
    .requiredOption('--app <name>', 'the app')
    .requiredOption('--env <name>', 'the environment')
    .option('--since <duration>', 'over how long, e.g. 15m, 2h, 1d', parseDuration, 3_600_000)
    .option('--json', 'print the nodes and edges as JSON')
    .action(async (opts: TopologyOptions) => {
      const api = await openApi(ctx);
      const query = new URLSearchParams({
        app: opts.app,
        environment: opts.env,
        from: sinceParam(ctx.now(), opts.since),
      });
      const topology = await api.get(api.tenantPath(`/telemetry/topology?${query}`), Topology);
      if (opts.json) return printJson(ctx, topology);
      if (topology.edges.length === 0) return ctx.write('No Camel route calls in that time.\n');
      const route = (id: string) => `route ${id}`;
      ctx.write(
        formatTable(
          ['FROM', 'TO', 'CALLS', 'ERRORS', 'P50', 'P99'],
          topology.edges.map((e) => [
            e.direction === 'from' ? e.endpoint : route(e.routeId),
            e.direction === 'from' ? route(e.routeId) : e.endpoint,
            String(e.calls),
            `${(e.errorRate * 100).toFixed(1)}%`,
            formatMs(e.p50Ms),
            formatMs(e.p99Ms),
          ]),
        ),
      );
    });
}
