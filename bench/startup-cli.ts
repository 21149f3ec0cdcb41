import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, fmt } from './format.ts';
import { freePort, median, startProcess, timeProcess } from './startup-process.ts';
import { timingProxy } from './startup-proxy.ts';
import { recordTarget } from './targets.ts';
import { spanDataSql } from './telemetry-data.ts';

const root = join(import.meta.dirname, '..');
// What node_modules/.bin/cameleer (npx cameleer) links to, in this checkout.
const cameleer = join(root, 'runner', 'bin', 'cameleer.js');
export const cliTargets = { p50Ms: 300, requestMs: 50 };

const commands: Record<string, string[]> = {
  status: ['status', '--app', 'app-0'],
  'logs -n 20': ['logs', '--app', 'app-0', '--env', 'dev', '-n', '20'],
  traces: ['traces', '--app', 'app-0', '--env', 'dev'],
};

export type CliRow = { command: string; wallMs: number[]; requestMs: number[]; exitOk: boolean };
export type CliBench = { rows: CliRow[]; nodeFloor: number[] };

/**
 * The `cameleer` bin as `npx cameleer` runs it, one process per run, against an
 * edge started by `npm start` (no local runner) with an app `app-0` that has traces in the
 * embedded ClickHouse. The CLI reaches the edge through a timing proxy, so each run's wall time
 * is set against the time its requests took the edge. Commands and `node -e 0` alternate per round.
 */
export async function benchCli(plan: { runs: number }, log: (line: string) => void): Promise<CliBench> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cameleer-bench-cli-'));
  const token = randomBytes(24).toString('hex');
  const chPort = await freePort();
  const edge = startProcess('npm', ['start'], {
    cwd: root,
    env: {
      PORT: '0',
      CAMELEER_DATA_DIR: dataDir,
      CAMELEER_ADMIN_TOKEN: token,
      CAMELEER_LOCAL_RUNNER: 'false',
      CAMELEER_CLICKHOUSE_EMBEDDED_PORT: String(chPort),
    },
    until: /auth\/login\?ticket=\S+/,
  });
  try {
    const { output } = await edge.ready;
    const url = /running at (http:\/\/\S+)/.exec(output)?.[1] ?? '';
    await seed(url, token, `http://127.0.0.1:${chPort}`);
    const proxy = await timingProxy(url);
    const env = {
      CAMELEER_URL: proxy.url,
      CAMELEER_TOKEN: token,
      CAMELEER_TENANT: 'default',
      CAMELEER_CONFIG: join(dataDir, 'cli-config.json'),
    };
    const rows = Object.keys(commands).map((command) => ({
      command,
      wallMs: [],
      requestMs: [],
      exitOk: true,
    }));
    const nodeFloor: number[] = [];
    try {
      for (let i = 0; i < plan.runs; i++) {
        for (const row of rows as CliRow[]) {
          const run = await timeProcess(cameleer, commands[row.command] ?? [], { cwd: root, env });
          row.wallMs.push(run.ms);
          row.requestMs.push(proxy.take().reduce((a, b) => a + b, 0));
          if (/^cameleer: /m.test(run.output)) row.exitOk = false;
          if (i === 0 && !row.exitOk) log(`  (${row.command}: ${run.output.trim().split('\n')[0]})`);
        }
        nodeFloor.push((await timeProcess(process.execPath, ['-e', '0'], { cwd: root, env: {} })).ms);
      }
    } finally {
      await proxy.close();
    }
    return { rows, nodeFloor };
  } finally {
    await edge.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The app `app-0` in tenant `default`, with 1,000 traces of the last hour in the embedded ClickHouse. */
async function seed(url: string, token: string, clickhouse: string): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const tenant = (await (await fetch(`${url}/api/tenants/default`, { headers })).json()) as { id: string };
  const created = await fetch(`${url}/api/tenants/default/apps`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'app-0' }),
  });
  if (!created.ok) throw new Error(`creating app-0: ${created.status} ${await created.text()}`);
  const sql = spanDataSql(
    { tenantId: tenant.id, spans: 4_000, apps: 1, hours: 1 },
    Date.now() / 1000,
    0,
    1_000,
  );
  const inserted = await fetch(clickhouse, { method: 'POST', body: sql });
  if (!inserted.ok) throw new Error(`inserting traces: ${inserted.status} ${await inserted.text()}`);
}

export function cliReport(r: CliBench): string {
  const floor = median(r.nodeFloor);
  const lines = r.rows.map((row) => {
    const wall = median(row.wallMs);
    const request = median(row.requestMs);
    const met = wall <= cliTargets.p50Ms;
    const note = `${row.exitOk ? '' : ', answered with an error'}; requests ${fmt(request, 0)} ms`;
    return {
      row,
      wall,
      request,
      met,
      text: `${check(`cameleer ${row.command}`, `${fmt(wall, 0)} ms`, `≤ ${cliTargets.p50Ms} ms`, met)}${note}`,
    };
  });
  const worst = Math.max(...lines.map((l) => l.wall));
  recordTarget({
    where: 'a `cameleer` CLI command (p50, worst of 3)',
    now: `${fmt(worst / 1000, 2)} s`,
    target: '≤ 0.3 s',
    met: lines.every((l) => l.met || l.request >= cliTargets.requestMs),
  });
  return [
    '',
    `Medians over ${r.nodeFloor.length} runs of each (wall time of the process; its requests' time at the edge):`,
    ...lines.map((l) => l.text),
    `  (node -e 0 on this machine now: ${fmt(floor, 0)} ms)`,
    '',
  ].join('\n');
}
