/**
 * The runner's telemetry intake alone in a process (OTLP/HTTP → token check → decode → pipeline →
 * ClickHouse), so the bench can count the CPU time it uses apart from the load generator's.
 * Env: CLICKHOUSE_URL, STATE_DIR, AGENT_PUBLIC_JWK. Prints `{ url, pid }` when it listens; each line
 * `drain` on stdin is answered with a line `drained` once ClickHouse holds everything accepted.
 */

import { createInterface } from 'node:readline';
import type { JWK } from 'jose';
import { agentTokenVerifier } from '../runner/src/telemetry/agent-token.ts';
import { startIntakeServer } from '../runner/src/telemetry/intake-server.ts';
import { createTelemetryPipeline } from '../runner/src/telemetry/pipeline/index.ts';

const { CLICKHOUSE_URL, STATE_DIR, AGENT_PUBLIC_JWK } = process.env;
if (!CLICKHOUSE_URL || !STATE_DIR || !AGENT_PUBLIC_JWK) {
  throw new Error('set CLICKHOUSE_URL, STATE_DIR and AGENT_PUBLIC_JWK');
}
const publicJwk = JSON.parse(AGENT_PUBLIC_JWK) as JWK;
const pipeline = await createTelemetryPipeline({ stateDir: STATE_DIR, clickhouse: { url: CLICKHOUSE_URL } });
const intake = await startIntakeServer({
  verifyToken: agentTokenVerifier(() => [publicJwk]),
  sink: pipeline,
});
process.stdout.write(`${JSON.stringify({ url: intake.url, pid: process.pid })}\n`);

const stop = async () => {
  await intake.close();
  await pipeline.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() !== 'drain') return;
  pipeline.drain().then(
    () => process.stdout.write('drained\n'),
    (err: unknown) => process.stdout.write(`drain failed: ${String(err)}\n`),
  );
});
lines.on('close', () => void stop());
