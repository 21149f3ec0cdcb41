import { readFileSync } from 'node:fs';
import type { RunnerOptions } from '@cameleer/runner';
import { expect } from 'vitest';
import { buildSampleJar } from '../../runner/test/java-fixtures.ts';
import { createTestEdge, type DatabaseKind, listenTestEdge } from './fixtures.ts';
import { uploadJar } from './jars.ts';
import { startRealRunner, until } from './runners.ts';

export type Deployment = {
  id: string;
  state: string;
  reason: string;
  url: string | null;
  commandId: string;
  events: Array<{ state: string; reason: string }>;
};

export type DeployStackOptions = {
  tenant: string;
  orchestrator: 'process' | 'docker';
  database?: DatabaseKind;
  /** Created at start and used when a call names no app. */
  app?: { name: string } & Record<string, unknown>;
  runner?: Partial<RunnerOptions> & { name?: string };
  /** How long `settled` waits for RUNNING or FAILED. */
  settleMs?: number;
};

type ApiInit = { method?: string; json?: unknown; token?: string };

/**
 * A test edge over real HTTP with one tenant and a real runner taking deployments on the given
 * orchestrator, with the calls the end-to-end tests make. `close` leaves the tenant's apps alone:
 * each test removes what it deployed its own way first.
 */
export async function startDeployStack(opts: DeployStackOptions) {
  const saved = process.env.CAMELEER_ORCHESTRATOR;
  const restoreOrchestrator = () => {
    if (saved === undefined) delete process.env.CAMELEER_ORCHESTRATOR;
    else process.env.CAMELEER_ORCHESTRATOR = saved;
  };
  process.env.CAMELEER_ORCHESTRATOR = opts.orchestrator;
  const edge = await createTestEdge(opts.database ?? 'pglite');
  const server = await listenTestEdge(edge);
  edge.services.settings.publicUrl = server.url;
  let begun: Awaited<ReturnType<typeof startRealRunner>> | undefined;
  const begin = async () => {
    const tenant = await edge.tenant(opts.tenant);
    begun = await startRealRunner(server.url, tenant.tokens.admin, opts.tenant, {
      deployments: true,
      ...opts.runner,
    });
    await begun.runner.connected(10_000);
    return { t: tenant, started: begun };
  };
  const { t, started } = await begin().catch(async (error: unknown) => {
    await begun?.runner.stop();
    await server.close();
    await edge.close();
    restoreOrchestrator();
    throw error;
  });
  let runner = started.runner;
  const defaultApp = opts.app?.name ?? '';

  /** A call under the tenant, as a developer unless another token is given. */
  const api = (path: string, init: ApiInit = {}) =>
    edge.request(`/api/tenants/${opts.tenant}/${path}`, { token: t.tokens.developer, ...init });
  const createApp = async (json: { name: string } & Record<string, unknown>) => {
    expect((await api('apps', { method: 'POST', json })).status).toBe(201);
  };
  const upload = async (version: string, { broken = false, app = defaultApp } = {}) => {
    const jar = new Uint8Array(readFileSync(await buildSampleJar({ version, broken })));
    const label = broken ? `${version}-broken` : version;
    const path = `/api/tenants/${opts.tenant}/apps/${app}/versions?label=${label}`;
    const res = await uploadJar(edge, path, t.tokens.developer, jar);
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; label: string };
  };
  /** Posts a deployment (of the newest version when none is named) and returns it as accepted. */
  const deploy = async (version?: string, { environment = 'dev', app = defaultApp } = {}) => {
    const res = await api(`apps/${app}/deployments`, { method: 'POST', json: { environment, version } });
    expect(res.status).toBe(202);
    return (await res.json()) as Deployment;
  };
  const deployment = async (id: string) =>
    (await (await api(`deployments/${id}`, { token: t.tokens.viewer })).json()) as Deployment;
  const settled = async (id: string) => {
    const final = async () => ['RUNNING', 'FAILED'].includes((await deployment(id)).state);
    await until(final, opts.settleMs ?? 90_000, 'a final state');
    return deployment(id);
  };
  /** An app action (`promote`, `rollback`, `stop`, `remove`, …) that must be accepted. */
  const action = async (path: string, json: unknown, app = defaultApp) => {
    const res = await api(`apps/${app}/${path}`, { method: 'POST', json });
    expect(res.status).toBe(202);
    return (await res.json()) as { id: string };
  };
  /** Waits for a command to succeed or fail and returns which. */
  const commandDone = async (id: string, timeoutMs = 60_000) => {
    let state = '';
    const finished = async () => {
      ({ state } = (await (await api(`commands/${id}`, { token: t.tokens.viewer })).json()) as {
        state: string;
      });
      return state === 'succeeded' || state === 'failed';
    };
    await until(finished, timeoutMs, `command ${id} finished`);
    return state;
  };
  /** Stops the runner, does `whileDown`, then starts it again with the same identity and state. */
  const restartRunner = async (whileDown: () => void | Promise<void> = () => {}) => {
    await runner.stop();
    await whileDown();
    runner = started.make();
    await runner.start();
    await runner.connected(10_000);
  };

  if (opts.app) await createApp(opts.app);
  return {
    edge,
    server,
    t,
    get runner() {
      return runner;
    },
    runnerId: started.runnerId,
    stateDir: started.stateDir,
    api,
    createApp,
    upload,
    deploy,
    deployment,
    settled,
    action,
    commandDone,
    restartRunner,
    close: async () => {
      await runner.stop();
      await server.close();
      await edge.close();
      restoreOrchestrator();
    },
  };
}

export type DeployStack = Awaited<ReturnType<typeof startDeployStack>>;
