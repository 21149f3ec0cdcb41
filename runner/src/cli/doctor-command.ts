import { readIdentity } from '../state/identity.ts';
import { describeStateDir, type StateDirChoice } from '../state/state-dir-lookup.ts';
import { readStatus } from '../state/status-file.ts';
import {
  type CheckResult,
  checkDocker,
  checkEdge,
  checkIdentity,
  checkKubernetes,
  checkProxy,
} from './doctor-checks.ts';
import { checkTelemetry } from './doctor-telemetry.ts';

const marks = { ok: '✓', warn: '!', fail: '✗' } as const;

/** Runs every check, prints one actionable line each, exits non-zero when any failed. */
export async function doctorCommand(opts: { stateDir: StateDirChoice; url?: string }): Promise<void> {
  const stateDir = opts.stateDir.dir;
  const results: CheckResult[] = [
    { name: 'state dir', status: 'ok', message: describeStateDir(opts.stateDir) },
    checkIdentity(stateDir),
  ];
  let edgeUrl = opts.url;
  if (!edgeUrl) {
    try {
      edgeUrl = readIdentity(stateDir).edgeUrl;
    } catch {
      results.push({
        name: 'edge reachable',
        status: 'fail',
        message: 'no edge URL: register first, or pass --url URL',
      });
    }
  }
  if (edgeUrl) {
    results.push(...(await checkEdge(edgeUrl)));
    results.push(checkProxy(edgeUrl));
  }
  results.push(
    await checkDocker(),
    checkKubernetes(),
    ...(await checkTelemetry(process.env, readStatus(stateDir))),
  );
  for (const r of results) process.stdout.write(`${marks[r.status]} ${r.name.padEnd(15)} ${r.message}\n`);
  const failed = results.filter((r) => r.status === 'fail').length;
  if (failed > 0) {
    process.stdout.write(`\n${failed} check${failed > 1 ? 's' : ''} failed.\n`);
    process.exitCode = 1;
  }
}
