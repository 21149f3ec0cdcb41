import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { deployPayload, runCommand, startArtifactServer } from '../../test/deploy-support.ts';
import { buildSampleJar, buildTestAgentJar } from '../../test/java-fixtures.ts';
import { deployHandlers } from '../deploy/deploy-handlers.ts';
import { DockerOrchestrator } from '../orchestrators/docker/docker-orchestrator.ts';
import type { DeploySpec, Orchestrator } from '../orchestrators/orchestrator.ts';
import { ProcessOrchestrator } from '../orchestrators/process/index.ts';
import { agentEnv } from './agent-env.ts';
import { TelemetryScopes } from './scopes.ts';

const ref = { tenant: 'acme', environment: 'prod', app: 'orders' };
const telemetry = {
  bootstrapToken: 'boot.strap.token',
  agentToken: 'agent.session.token',
  tenantId: 'tnt_acme',
  retentionDays: 30,
};

type Seen = { path: string; headers: IncomingHttpHeaders; body: string };

/** Stands in for the runner's intake: answers the registration with a session, records what the agent sends. */
async function startIntake() {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(req.url === '/api/agent/register' ? 201 : 200, { 'content-type': 'application/json' });
      res.end(
        req.url === '/api/agent/register'
          ? JSON.stringify({ token: 'session-from-edge', endpoint: url })
          : '{}',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function until(check: () => boolean, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} not seen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('telemetry variables of an app', () => {
  it('names the intake, the agent token and the scope the OpenTelemetry way', () => {
    expect(
      agentEnv({ intakeUrl: 'http://host.docker.internal:4318/', ref, deploymentId: 'dep_1', telemetry }),
    ).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://host.docker.internal:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20agent.session.token',
      OTEL_SERVICE_NAME: 'orders',
      OTEL_RESOURCE_ATTRIBUTES:
        'deployment.environment=prod,service.namespace=acme,cameleer.deployment.id=dep_1',
      CAMELEER_BOOTSTRAP_TOKEN: 'boot.strap.token',
      CAMELEER_AGENT_REGISTER_URL: 'http://host.docker.internal:4318/api/agent/register',
    });
  });

  it('reach a real app process: its agent registers with the bootstrap token and exports with the session', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'cameleer-agent-env-'));
    const intake = await startIntake();
    const artifacts = await startArtifactServer();
    const orchestrator = await ProcessOrchestrator.open({ stateDir: join(stateDir, 'apps'), drainMs: 100 });
    try {
      const scopes = await TelemetryScopes.open(stateDir);
      const kinds: string[] = [];
      const handlers = deployHandlers({
        orchestrator,
        stateDir,
        agentJarPath: await buildTestAgentJar(),
        telemetry: {
          intakeUrl: ({ kind }) => {
            kinds.push(kind);
            return intake.url;
          },
          scopes,
        },
      });
      const artifact = await artifacts.serve(await buildSampleJar({ version: '1' }));
      const payload = deployPayload(ref, '1', artifact);
      const deployed = await runCommand(handlers, 'deploy', {
        ...payload,
        // The tenant cannot point the app elsewhere: the platform's variables win.
        env: {
          ...payload.env,
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://evil.example',
          CAMELEER_AGENT_METRICS_INTERVAL_MS: '200',
        },
        telemetry,
      });
      expect(deployed).toMatchObject({ state: 'RUNNING' });
      expect(kinds).toEqual(['process']);
      expect(scopes.get(payload.deploymentId)).toEqual({
        tenantId: 'tnt_acme',
        environment: 'prod',
        app: 'orders',
        deploymentId: payload.deploymentId,
        retentionDays: 30,
      });

      await until(() => intake.seen.some((s) => s.path === '/v1/metrics'), 'metrics');
      const registration = intake.seen.find((s) => s.path === '/api/agent/register');
      expect(registration?.headers.authorization).toBe('Bearer boot.strap.token');
      expect(JSON.parse(registration?.body ?? '{}')).toMatchObject({ bootstrapToken: 'boot.strap.token' });
      const metrics = intake.seen.find((s) => s.path === '/v1/metrics');
      expect(metrics?.headers.authorization).toBe('Bearer session-from-edge');
      expect(metrics?.body).toContain('"cameleer.deployment.id"');
      expect(metrics?.body).toContain(payload.deploymentId);

      // A later deployment takes over the app's telemetry; remove forgets it all.
      const next = deployPayload(ref, '1', artifact);
      await runCommand(handlers, 'deploy', { ...next, telemetry });
      expect(scopes.list().map((s) => s.deploymentId)).toEqual([next.deploymentId]);
      await runCommand(handlers, 'remove', { ref });
      expect((await TelemetryScopes.open(stateDir)).list()).toEqual([]);
    } finally {
      for (const instance of await orchestrator.list()) await orchestrator.remove(instance.ref);
      await orchestrator.close();
      await artifacts.close();
      await intake.close();
      await rm(stateDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('gives no telemetry variables without a telemetry section or without an intake', async () => {
    const specs: DeploySpec[] = [];
    const orchestrator = recordingOrchestrator(specs);
    const stateDir = await mkdtemp(join(tmpdir(), 'cameleer-agent-env-'));
    const artifacts = await startArtifactServer();
    try {
      const artifact = await artifacts.serve(await buildSampleJar({ version: '1' }));
      const scopes = await TelemetryScopes.open(stateDir);
      const withIntake = deployHandlers({
        orchestrator,
        stateDir,
        agentJarPath: 'agent.jar',
        telemetry: { intakeUrl: () => 'http://127.0.0.1:1', scopes },
      });
      await runCommand(withIntake, 'deploy', deployPayload(ref, '1', artifact));
      const without = deployHandlers({ orchestrator, stateDir, agentJarPath: 'agent.jar' });
      await runCommand(without, 'deploy', { ...deployPayload(ref, '1', artifact), telemetry });
      for (const spec of specs)
        expect(Object.keys(spec.env).filter((k) => /^OTEL_|BOOTSTRAP/.test(k))).toEqual([]);
      expect(scopes.list()).toEqual([]);
    } finally {
      await artifacts.close();
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('tells the orchestrator which variables are secrets: the tenant’s the edge names, the agent’s tokens', async () => {
    const specs: DeploySpec[] = [];
    const stateDir = await mkdtemp(join(tmpdir(), 'cameleer-agent-env-'));
    const artifacts = await startArtifactServer();
    try {
      const artifact = await artifacts.serve(await buildSampleJar({ version: '1' }));
      const handlers = deployHandlers({
        orchestrator: recordingOrchestrator(specs),
        stateDir,
        agentJarPath: 'agent.jar',
        telemetry: { intakeUrl: () => 'http://127.0.0.1:1', scopes: await TelemetryScopes.open(stateDir) },
      });
      const payload = { ...deployPayload(ref, '1', artifact), telemetry };
      await runCommand(handlers, 'deploy', {
        ...payload,
        env: { ...payload.env, DB_PASSWORD: 'p' },
        secretKeys: ['DB_PASSWORD'],
      });
      // An edge from before `secretKeys`: every variable of the tenant may be a secret.
      await runCommand(handlers, 'deploy', payload);
      expect(specs.map((spec) => spec.secretKeys)).toEqual([
        ['CAMELEER_BOOTSTRAP_TOKEN', 'DB_PASSWORD', 'OTEL_EXPORTER_OTLP_HEADERS'],
        ['CAMELEER_BOOTSTRAP_TOKEN', 'GREETING', 'OTEL_EXPORTER_OTLP_HEADERS'],
      ]);
    } finally {
      await artifacts.close();
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('lets Docker containers reach the intake on the host as host.docker.internal', async () => {
    const created: Array<{ HostConfig?: { ExtraHosts?: string[] } }> = [];
    // Only what deploy calls before the container exists; creating it is where this check ends.
    const docker = {
      listContainers: async () => [],
      listNetworks: async () => [{ Name: 'cameleer-acme-prod' }],
      createNetwork: async () => ({}),
      createContainer: async (options: (typeof created)[number]) => {
        created.push(options);
        throw Object.assign(new Error('stop here'), { statusCode: 500 });
      },
    } as unknown as Docker;
    const orchestrator = new DockerOrchestrator({ docker, domain: 'apps.test' });
    const spec: DeploySpec = {
      ref,
      deploymentId: 'dep_1',
      version: 'v1',
      agentPath: 'agent.jar',
      jarPath: 'app.jar',
      image: 'cameleer/app:v1',
      env: {},
      resources: { memoryMb: 256, cpus: 1, pids: 256 },
      writeableVolumes: [],
      healthCheck: { timeoutSeconds: 1 },
      private: false,
    };
    await expect(orchestrator.deploy(spec, () => {})).rejects.toThrow('stop here');
    expect(created[0]?.HostConfig?.ExtraHosts).toEqual(['host.docker.internal:host-gateway']);
  });
});

/** An orchestrator that records what it was asked to deploy. */
function recordingOrchestrator(specs: DeploySpec[]): Orchestrator {
  const unused = () => Promise.reject(new Error('not used'));
  return {
    kind: 'process',
    capabilities: ['process'],
    runnerAddress: { bindHost: '127.0.0.1', urlHost: '127.0.0.1' },
    maxReplicas: 1,
    watchChanges: () => () => {},
    close: async () => {},
    deploy: async (spec: DeploySpec) => {
      specs.push(spec);
      return {
        ref: spec.ref,
        deploymentId: spec.deploymentId,
        version: spec.version,
        state: 'running' as const,
        id: 'x',
      };
    },
    stop: unused,
    restart: unused,
    remove: unused,
    status: async () => undefined,
    list: async () => [],
    logs: async function* () {},
  };
}
