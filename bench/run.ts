import { benchConsoleFirstLoad, consoleReport } from './console.ts';
import { benchConsoleLighthouse, lighthouseReport } from './console-lighthouse.ts';
import { benchDeploy } from './deploy.ts';
import { deployReport } from './deploy-report.ts';
import { check, fmt, ms } from './format.ts';
import { benchForwardAuth, type ForwardAuthBench } from './forward-auth.ts';
import { benchHotPaths } from './hot-paths.ts';
import { hotPathsReport } from './hot-paths-report.ts';
import { intakeMemory } from './intake-memory-part.ts';
import { benchStartupPart } from './startup-part.ts';
import { recordedTargets, targetsTable } from './targets.ts';
import { benchTelemetry } from './telemetry.ts';
import { telemetryReport } from './telemetry-report.ts';
import { benchTunnel } from './tunnel.ts';
import { tunnelReport } from './tunnel-report.ts';
import { benchWorkers } from './workers.ts';
import { workersReport } from './workers-report.ts';

const targets = { ratio: 0.6, addedP50Ms: 1, addedP99Ms: 3 };

/** `npm run bench`: a report, so it exits 0 whether or not targets are met; non-zero only if it could not measure. */
async function main() {
  const only = process.env.BENCH_ONLY;
  if (only && !parts.includes(only)) throw new Error(`BENCH_ONLY must be one of ${parts.join(', ')}`);
  if (!only || only === 'forward-auth') await forwardAuth();
  if (!only || only === 'tunnel') await tunnel();
  if (!only || only === 'deploy') await deploy();
  if (!only || only === 'telemetry') await telemetry();
  if (!only || only === 'console') await consoleBench();
  if (!only || only === 'workers') await workers();
  if (!only || only === 'hot-paths') await hotPaths();
  if (!only || only === 'startup') await benchStartupPart(log);
  if (!only || only === 'intake-memory') await intakeMemory(envInt, log);
  log(targetsTable(recordedTargets()));
}

async function consoleBench() {
  log('Console bench: JavaScript of the first load of the overview and of an app page, from a fresh build');
  log(consoleReport(await benchConsoleFirstLoad()));
  const presets = (process.env.BENCH_LIGHTHOUSE_PRESETS ?? 'mobile,desktop')
    .split(',')
    .filter((p): p is 'mobile' | 'desktop' => p === 'mobile' || p === 'desktop');
  const plan = {
    runs: envInt('BENCH_LIGHTHOUSE_RUNS', 3),
    presets,
    ...(process.env.BENCH_LIGHTHOUSE_REPORTS ? { reportDir: process.env.BENCH_LIGHTHOUSE_REPORTS } : {}),
  };
  log(
    `Lighthouse: ${plan.runs} run(s) per page and preset (${presets.join(', ')}), median performance reported`,
  );
  log(lighthouseReport(await benchConsoleLighthouse(plan)));
}

const parts = [
  'forward-auth',
  'tunnel',
  'deploy',
  'telemetry',
  'console',
  'workers',
  'hot-paths',
  'startup',
  'intake-memory',
];

async function forwardAuth() {
  const plan = {
    connections: envInt('BENCH_CONNECTIONS', 50),
    durationSeconds: envInt('BENCH_SECONDS', 5),
    warmupSeconds: envInt('BENCH_WARMUP_SECONDS', 2),
    rounds: envInt('BENCH_ROUNDS', 3),
  };
  log(
    `ForwardAuth bench: ${plan.connections} connections, pipelining 1, ` +
      `${plan.rounds} × (bare, verify) rounds of ${plan.durationSeconds} s after ${plan.warmupSeconds} s warm-up each`,
  );
  const result = await benchForwardAuth(plan, (name, r) =>
    log(
      `  ${name.padEnd(6)} ${fmt(r.requestsPerSecond, 0).padStart(8)} req/s  p50 ${ms(r.p50Ms)}  p99 ${ms(r.p99Ms)}`,
    ),
  );
  log(report(result));
}

async function tunnel() {
  const plan = {
    latency: {
      commands: envInt('BENCH_COMMANDS', 300),
      warmup: envInt('BENCH_COMMAND_WARMUP', 30),
      rounds: envInt('BENCH_ROUNDS', 3),
    },
    idle: { runners: envInt('BENCH_RUNNERS', 1000), concurrency: 20 },
  };
  log(
    `Tunnel bench: ${plan.latency.commands} sequential no-op commands after ${plan.latency.warmup} warm-up, ` +
      `in ${plan.latency.rounds} blocks alternating with as many ws echoes; then ${plan.idle.runners} idle runners`,
  );
  log(tunnelReport(await benchTunnel(plan, log)));
}

async function hotPaths() {
  const forwardAuth = {
    connections: envInt('BENCH_CONNECTIONS', 50),
    durationSeconds: envInt('BENCH_SECONDS', 5),
    warmupSeconds: envInt('BENCH_WARMUP_SECONDS', 2),
    rounds: envInt('BENCH_ROUNDS', 3),
  };
  const commands = {
    commands: envInt('BENCH_COMMANDS', 300),
    warmup: envInt('BENCH_COMMAND_WARMUP', 30),
    rounds: envInt('BENCH_ROUNDS', 3),
  };
  log(
    `Hot-paths bench (issue 17): ForwardAuth ${forwardAuth.rounds} × (bare, verify) rounds of ` +
      `${forwardAuth.durationSeconds} s; then ${commands.commands} echo (fsynced journal) and as many noop ` +
      'commands (journal without fsync), each in blocks alternating with ws echoes',
  );
  log(hotPathsReport(await benchHotPaths({ forwardAuth, commands }, log)));
}

async function deploy() {
  const plan = { rounds: envInt('BENCH_DEPLOY_ROUNDS', 5) };
  log(
    `Deploy bench: ${plan.rounds} rounds of (first and next version of an app, plain docker build + run, ` +
      'a new app) on the Docker engine, after one warm-up of each',
  );
  log(deployReport(await benchDeploy(plan, log)));
}

async function telemetry() {
  const plan = {
    intake: {
      spans: envInt('BENCH_INTAKE_SPANS', 200_000),
      spansPerRequest: 500,
      concurrency: 8,
      rounds: envInt('BENCH_ROUNDS', 3),
    },
    queries: {
      tenantSpans: envInt('BENCH_TENANT_SPANS', 10_000_000),
      otherTenants: 9,
      otherTenantSpans: envInt('BENCH_OTHER_TENANT_SPANS', 1_000_000),
      calls: envInt('BENCH_QUERY_CALLS', 200),
    },
  };
  log(
    `Telemetry bench: ${plan.intake.rounds} rounds of ${plan.intake.spans} spans inserted directly, then sent ` +
      `to the runner intake as OTLP protobuf (${plan.intake.spansPerRequest} per request, ` +
      `${plan.intake.concurrency} at a time); then ${plan.queries.calls} trace-list and topology queries over ` +
      `${plan.queries.tenantSpans} spans of one tenant among ${plan.queries.otherTenants + 1}, on chDB`,
  );
  log(telemetryReport(await benchTelemetry(plan, log)));
}

async function workers() {
  const plan = {
    forwardAuth: {
      connections: envInt('BENCH_CONNECTIONS', 50),
      durationSeconds: envInt('BENCH_SECONDS', 5),
      warmupSeconds: envInt('BENCH_WARMUP_SECONDS', 2),
      rounds: envInt('BENCH_ROUNDS', 3),
    },
    roundTrip: {
      commands: envInt('BENCH_WORKERS_COMMANDS', 90),
      warmup: envInt('BENCH_COMMAND_WARMUP', 10),
      rounds: envInt('BENCH_ROUNDS', 3),
    },
    idle: {
      runners: envInt('BENCH_WORKERS_RUNNERS', 5),
      windowSeconds: envInt('BENCH_WORKERS_IDLE_SECONDS', 20),
    },
  };
  if (!process.env.CAMELEER_TEST_PG_URL)
    throw new Error('the workers bench needs PostgreSQL: set CAMELEER_TEST_PG_URL as for the tests');
  log(
    `Workers bench (wrangler dev, workerd): bundle; ForwardAuth ${plan.forwardAuth.rounds} × (bare, verify) ` +
      `rounds of ${plan.forwardAuth.durationSeconds} s at ${plan.forwardAuth.connections} connections; ` +
      `${plan.roundTrip.commands} no-op commands each through the Durable Object and the Node hub; ` +
      `${plan.idle.runners} idle runners over ${plan.idle.windowSeconds} s windows`,
  );
  log(workersReport(await benchWorkers(plan, log)));
}

function report({ bare, verify }: ForwardAuthBench): string {
  const ratio = verify.requestsPerSecond / bare.requestsPerSecond;
  const addedP50 = verify.p50Ms - bare.p50Ms;
  const addedP99 = verify.p99Ms - bare.p99Ms;
  // At saturation each request costs the server 1/rps of a second; the difference is what verify adds.
  const addedCostUs = 1e6 / verify.requestsPerSecond - 1e6 / bare.requestsPerSecond;
  const row = (name: string, rps: string, p50: string, p99: string) =>
    `  ${name.padEnd(22)}${rps.padStart(12)}${p50.padStart(12)}${p99.padStart(12)}`;
  return [
    '',
    'Medians over rounds (latency from every response, ms):',
    row('', 'req/s', 'p50 ms', 'p99 ms'),
    row('bare (GET /__bench/bare)', fmt(bare.requestsPerSecond, 0), ms(bare.p50Ms), ms(bare.p99Ms)),
    row('verify (GET /auth/verify)', fmt(verify.requestsPerSecond, 0), ms(verify.p50Ms), ms(verify.p99Ms)),
    '',
    check('throughput ratio verify/bare', fmt(ratio, 2), `≥ ${targets.ratio}`, ratio >= targets.ratio),
    check('added latency p50', ms(addedP50), `≤ ${targets.addedP50Ms} ms`, addedP50 <= targets.addedP50Ms),
    check('added latency p99', ms(addedP99), `≤ ${targets.addedP99Ms} ms`, addedP99 <= targets.addedP99Ms),
    `  (server time added per request, from throughput: ${fmt(addedCostUs, 1)} µs)`,
    '',
  ].join('\n');
}

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

const log = (line: string) => process.stdout.write(`${line}\n`);

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
