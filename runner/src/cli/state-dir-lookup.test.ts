import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runRunnerCli } from '../../test/runner-cli.ts';
import { liveRunnerStatus } from '../../test/runner-status.ts';

/** What `npm start` leaves in a project: its local runner's identity, key and status. */
function npmStartRunner(projectDir: string, opts: { telemetry: boolean }): string {
  const stateDir = join(projectDir, '.cameleer', 'runner');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const now = new Date().toISOString();
  writeFileSync(
    join(stateDir, 'identity.json'),
    JSON.stringify({
      edgeUrl: 'http://127.0.0.1:9/',
      runnerId: 'run_local',
      tenantId: 'ten_default',
      tenantSlug: 'default',
      environments: [],
      name: 'local',
      registeredAt: now,
      commandKeys: [{ kty: 'OKP', crv: 'Ed25519', x: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }],
    }),
  );
  writeFileSync(join(stateDir, 'runner-key.json'), '{}', { mode: 0o600 });
  writeFileSync(
    join(stateDir, 'status.json'),
    // This test's process: alive, as the edge process of `npm start` would be.
    JSON.stringify(
      liveRunnerStatus({
        pid: process.pid,
        ...(opts.telemetry ? { telemetry: { clickhouse: 'up', taken: 10, budgetBytes: 6 * 2 ** 30 } } : {}),
      }),
    ),
  );
  return stateDir;
}

describe('cameleer-runner finds the runner of `npm start`', () => {
  let project: string;
  // No CAMELEER_* of the machine running the tests: the lookup is what is tested.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('CAMELEER_')));
  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), 'cameleer-project-'));
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  it('status, run in the project directory, shows the local runner and says which state dir it read', async () => {
    const stateDir = npmStartRunner(project, { telemetry: true });
    const run = await runRunnerCli(['status'], { cwd: project, env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Runner run_local (local), tenant default');
    expect(run.stdout).toContain(`state dir:  ${resolve(stateDir)} (the local runner of \`npm start\`)`);
    expect(run.stdout).toMatch(/state: {6}online over websocket/);
  });

  it('doctor sees the embedded ClickHouse the running runner uses, instead of warning that telemetry is off', async () => {
    const stateDir = npmStartRunner(project, { telemetry: true });
    const run = await runRunnerCli(['doctor'], { cwd: project, env });
    expect(run.stdout).toContain(
      `state dir ${' '.repeat(5)} ${resolve(stateDir)} (the local runner of \`npm start\`)`,
    );
    expect(run.stdout).toContain('registered as run_local for tenant default');
    expect(run.stdout).not.toContain('CAMELEER_CLICKHOUSE_URL is not set');
    expect(run.stdout).toMatch(
      /^✓ telemetry {7}the running runner \(pid \d+\) stores telemetry in ClickHouse at http:\/\/127\.0\.0\.1:38123\/, up/m,
    );
  });

  it('an explicit --state-dir or CAMELEER_STATE_DIR wins over the lookup', async () => {
    npmStartRunner(project, { telemetry: false });
    const elsewhere = join(project, 'elsewhere');
    const byOption = await runRunnerCli(['status', '--state-dir', elsewhere], { cwd: project, env });
    expect(byOption.code).toBe(1);
    expect(byOption.stderr).toContain(`no runner registered in ${elsewhere}`);
    const byEnv = await runRunnerCli(['status'], {
      cwd: project,
      env: { ...env, CAMELEER_STATE_DIR: elsewhere },
    });
    expect(byEnv.code).toBe(1);
    expect(byEnv.stderr).toContain(`no runner registered in ${elsewhere}`);
  });

  it('with no runner anywhere, says where it looked', async () => {
    const run = await runRunnerCli(['status'], { cwd: project, env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(resolve(project, '.cameleer-runner'));
    expect(run.stderr).toContain(resolve(project, '.cameleer', 'runner'));
  });
});
