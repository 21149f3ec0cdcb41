import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSampleJar, buildTestAgentJar } from '../../../runner/test/java-fixtures.ts';
import { type EdgeProcess, startEdgeProcess } from '../../test/edge-process.ts';
import { keepsRunningLines } from './local-runner.ts';

const token = 'ci-admin-token-stop-message-0123456789';
const auth = { authorization: `Bearer ${token}` };

describe('Ctrl-C on npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cameleer-stop-'));
  let edge: EdgeProcess | undefined;
  /** The pids of the JVMs the local runner started, from its process orchestrator's state file. */
  const appPids = (): number[] => {
    try {
      const state = readFileSync(join(dataDir, 'runner', 'apps', 'state.json'), 'utf8');
      return [...state.matchAll(/"pid":\s*(\d+)/g)].map((m) => Number(m[1]));
    } catch {
      return [];
    }
  };
  afterAll(async () => {
    await edge?.stop();
    // They outlive the edge by design: this test stops them itself.
    for (const pid of appPids()) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says which apps keep running, and how to stop them', { timeout: 180_000 }, async () => {
    edge = await startEdgeProcess(dataDir, {
      CAMELEER_ADMIN_TOKEN: token,
      CAMELEER_LOCAL_RUNNER: 'true',
      CAMELEER_ORCHESTRATOR: 'process',
      CAMELEER_AGENT_JAR: await buildTestAgentJar(),
      CAMELEER_TELEMETRY: 'false',
      CAMELEER_FRONT_PORT: '0',
    });
    const api = `${edge.url}/api/tenants/default`;
    const json = { ...auth, 'content-type': 'application/json' };
    expect(
      (await fetch(`${api}/apps`, { method: 'POST', headers: json, body: '{"name":"orders"}' })).status,
    ).toBe(201);
    const uploaded = await fetch(`${api}/apps/orders/versions?filename=orders.jar`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/java-archive' },
      body: readFileSync(await buildSampleJar({ version: '1' })),
    });
    expect(uploaded.status).toBe(201);
    const version = (await uploaded.json()) as { id: string };
    const created = await fetch(`${api}/apps/orders/deployments`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ environment: 'dev', version: version.id }),
    });
    expect(created.status).toBe(202);
    const deployment = (await created.json()) as { id: string };
    await expect
      .poll(
        async () =>
          (
            (await (await fetch(`${api}/deployments/${deployment.id}`, { headers: auth })).json()) as {
              state: string;
            }
          ).state,
        { timeout: 120_000, interval: 500 },
      )
      .toBe('RUNNING');
    const [pid] = appPids();
    expect(pid).toBeGreaterThan(0);

    await edge.stop('SIGINT');
    const said = edge.output();
    const instance = /1 app keeps running as a java process: default\/dev\/orders \(instance (\S+)\)\./.exec(
      said,
    )?.[1];
    expect(instance).toBeDefined();
    expect(said).toContain(`pkill -f 'cameleer.instance=${instance}'`);
    expect(said).toContain('cameleer stop --app orders --env dev');
    expect(said).toContain(
      'The next `npm start` takes them over; until then their URLs at the front do not answer.',
    );
    // Truthful: the JVM leads its own process group, so Ctrl-C did not reach it.
    expect(() => process.kill(pid ?? 0, 0)).not.toThrow();
  });
});

it('names the containers that keep running, and the label that finds them all', () => {
  const instance = (app: string, id: string, state: 'running' | 'stopped' = 'running') => ({
    ref: { tenant: 'default', environment: 'dev', app },
    deploymentId: `dep_${app}`,
    version: 'v1',
    state,
    id,
  });
  const lines = keepsRunningLines(
    {
      orchestrator: 'docker',
      instances: [
        instance('orders', 'a'.repeat(64)),
        instance('billing', 'b'.repeat(64)),
        instance('old', 'c', 'stopped'),
      ],
    },
    { front: false },
  );
  expect(lines[0]).toBe(
    `  2 apps keep running in Docker containers: default/dev/orders (container ${'a'.repeat(12)}), default/dev/billing (container ${'b'.repeat(12)}).`,
  );
  expect(lines.join('\n')).toContain('docker rm -f $(docker ps -q --filter label=cameleer.managed=true)');
  expect(lines.join('\n')).toContain('cameleer stop --app orders --env dev');
  expect(keepsRunningLines({ orchestrator: 'process', instances: [] }, { front: true })).toEqual([
    '  No apps keep running.',
  ]);
});
