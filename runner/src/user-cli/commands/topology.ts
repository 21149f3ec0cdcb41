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
    .description(
      "show an app's Camel route topology: each endpoint → route, route → endpoint and route → route edge",
    )
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
      if (topology.nodes.length === 0) return ctx.write('No Camel route calls in that time.\n');
      // A route by its id where the data tells it, else by its `from` URI; an endpoint by its URI.
      const names = new Map(
        topology.nodes.map((n) => [
          n.id,
          n.type === 'route' ? `route ${n.routeId || n.uri || n.id}` : (n.uri ?? n.id),
        ]),
      );
      const name = (id: string, fallback: string) => names.get(id) ?? fallback;
      ctx.write(
        formatTable(
          ['FROM', 'TO', 'CALLS', 'ERRORS', 'P50', 'P99'],
          topology.edges.map((e) => [
            name(e.from, e.endpoint),
            name(e.to, e.endpoint),
            String(e.calls),
            `${(e.errorRate * 100).toFixed(1)}%`,
            formatMs(e.p50Ms),
            formatMs(e.p99Ms),
          ]),
        ),
      );
      const called = new Set(topology.edges.flatMap((e) => [e.from, e.to]));
      const alone = topology.nodes.filter((n) => n.type === 'route' && !called.has(n.id));
      for (const n of alone) ctx.write(`${name(n.id, n.id)}: calls no endpoint\n`);
      for (const note of topology.notes ?? []) ctx.write(`note: ${note}\n`);
    });
}
