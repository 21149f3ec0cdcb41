import { hasIdentity, readIdentity } from '../state/identity.ts';
import { describeStateDir, type StateDirChoice } from '../state/state-dir-lookup.ts';
import { isProcessAlive, readStatus, type TelemetryStatus } from '../state/status-file.ts';
import { checkRunnerVersion, versionLine } from '../update/version-check.ts';

export function ago(iso: string | null, now = Date.now()): string {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

/** Prints the runner's state; exits 0 only when it runs and is connected. */
export async function statusCommand(opts: { stateDir: StateDirChoice; json?: boolean }): Promise<void> {
  const stateDir = opts.stateDir.dir;
  if (!hasIdentity(stateDir)) throw new Error(noRunnerIn(opts.stateDir));
  const identity = readIdentity(stateDir);
  const status = readStatus(stateDir);
  const running = !!status?.running && isProcessAlive(status.pid);
  const online = running && !!status?.connected;
  const state = online ? 'online' : running ? 'offline' : 'stopped';
  const version = await checkRunnerVersion(identity.edgeUrl);
  if (opts.json) {
    const { runnerId, tenantId, tenantSlug, name, edgeUrl, environments } = identity;
    process.stdout.write(
      `${JSON.stringify({ state, runnerId, tenantId, tenantSlug, name, edgeUrl, environments, stateDir, ...status, running, ...version }, null, 2)}\n`,
    );
  } else {
    const lines = [
      `Runner ${identity.runnerId} (${identity.name}), tenant ${identity.tenantSlug}`,
      `  edge:       ${identity.edgeUrl}`,
      `  state dir:  ${describeStateDir(opts.stateDir)}`,
      versionLine(version),
    ];
    if (online && status) {
      lines.push(`  state:      online over ${status.transport} since ${status.since}`);
      lines.push(`  heartbeat:  ${ago(status.lastHeartbeatAt)}`);
      if (status.telemetry) lines.push(...telemetryLines(status.telemetry));
    } else if (running && status) {
      lines.push(`  state:      offline (reconnecting) since ${status.since}`);
      if (status.lastError) lines.push(`  last error: ${status.lastError}`);
      if (status.telemetry) lines.push(...telemetryLines(status.telemetry));
      lines.push(
        '  The runner keeps retrying; run `cameleer-runner doctor` to see why it cannot reach the edge.',
      );
    } else {
      lines.push('  state:      stopped');
      if (status?.lastError) lines.push(`  last error: ${status.lastError}`);
      lines.push(
        opts.stateDir.from === 'npm start'
          ? '  It runs inside `npm start`: start that again.'
          : `  Start it with: cameleer-runner start --state-dir ${stateDir}`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (!online) process.exitCode = 1;
}

/** No identity where the command looked: say where, and how to get one. */
export function noRunnerIn(choice: StateDirChoice): string {
  const where = choice.searched.length > 0 ? choice.searched.join(', nor in ') : choice.dir;
  return (
    `no runner registered in ${where}: run \`cameleer-runner register --url URL --token TOKEN\`, ` +
    'or name the state directory with --state-dir or CAMELEER_STATE_DIR'
  );
}

const count = (n: number) => n.toLocaleString('en-US');
const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(bytes < 2 ** 30 ? 3 : 1)} GiB`;

/** Where apps' telemetry goes and whether any waits or was refused, since the runner started. */
export function telemetryLines(t: TelemetryStatus): string[] {
  const lines = [
    `  telemetry:  intake ${t.intakeUrl}, ClickHouse ${t.clickhouse}`,
    `              ${count(t.accepted)} records taken, ${count(t.stored)} stored; ` +
      `spool ${count(t.spool.rows)} records (${gib(t.spool.bytes)} of ${gib(t.spool.budgetBytes)})` +
      (t.pending ? `; ${count(t.pending)} in memory, not sent yet` : ''),
  ];
  if (t.refused > 0)
    lines.push(
      `              ${count(t.refused)} records refused with 429: the spool is full; raise CAMELEER_TELEMETRY_SPOOL_BYTES or bring ClickHouse back`,
    );
  if (t.malformedRequests + t.unauthorizedRequests > 0)
    lines.push(
      `              ${count(t.malformedRequests)} malformed and ${count(t.unauthorizedRequests)} unauthorized OTLP requests refused`,
    );
  if (t.setAside)
    lines.push(
      `              ${count(t.setAside)} records set aside: ClickHouse refused them (${oneLine(t.setAsideReason ?? 'no reason given')}); they are kept in the spool's dead/ folder`,
    );
  const hops = t.camelHops;
  if (hops && hops.orphaned + hops.dropped > 0)
    lines.push(
      `              ${count(hops.orphaned)} Camel spans placed without their route (an ancestor span never came), ${count(hops.dropped)} route hops dropped while the spool was full`,
    );
  if (t.carriedOver)
    lines.push(
      `              ${count(t.carriedOver)} records were on the spool from before this start (counted as stored or set aside, not as taken)`,
    );
  return lines;
}

/** ClickHouse's errors run over lines and carry a stack; the status shows their first 160 characters. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 159)}…` : flat;
}
