import { generateSigningKeyJwk, importSigningKey } from '@cameleer/shared';
import { count, eq } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentTokenRefused, agentTokenVerifier } from '../../../../runner/test/runner-internals.ts';
import { createTestEdge, databaseKinds, registerTestRunner, type TestEdge } from '../../../test/fixtures.ts';
import { minimalJar, uploadJar } from '../../../test/jars.ts';
import { withTenant } from '../../db/client.ts';
import { agentRegistrations, auditLog, commands } from '../../db/schema/index.ts';
import { type AgentScope, type DeployTelemetry, mintDeployTelemetry } from '../../services/agent-tokens.ts';
import { deploymentResult } from '../../services/deployments/index.ts';
import { signCommand } from '../../tunnel/command-signing.ts';

type Tenant = Awaited<ReturnType<TestEdge['tenant']>>;

describe.each(databaseKinds)('agent registration on %s', (kind) => {
  let edge: TestEdge;
  let t: Tenant;
  let other: Tenant;

  /** A new deployment of `orders` to dev, and the telemetry section of its signed deploy command. */
  const deploy = async () => {
    const res = await edge.request('/api/tenants/agents/apps/orders/deployments', {
      method: 'POST',
      token: t.tokens.developer,
      json: { environment: 'dev' },
    });
    expect(res.status).toBe(202);
    const { id, commandId } = (await res.json()) as { id: string; commandId: string };
    const [row] = await withTenant(edge.db, t.id, (tx) =>
      tx.select().from(commands).where(eq(commands.id, commandId)),
    );
    if (!row) throw new Error('no command');
    expect(row.payload).not.toHaveProperty('telemetry');
    const claims = decodeJwt(await signCommand(edge.services, row, edge.clock.now())) as {
      cmd: { payload: { telemetry: DeployTelemetry } };
    };
    return { deploymentId: id, commandId, telemetry: claims.cmd.payload.telemetry };
  };
  const register = (
    token: string | undefined,
    init: { body?: unknown; headers?: Record<string, string> } = {},
  ) =>
    edge.request('/api/agent/register', {
      method: 'POST',
      token,
      json: init.body ?? { hostname: 'orders-1', agentVersion: '0.1.0' },
      headers: init.headers,
    });
  const registrations = () =>
    withTenant(edge.db, t.id, async (tx) => {
      const [row] = await tx.select({ n: count() }).from(agentRegistrations);
      const [audit] = await tx.select({ n: count() }).from(auditLog).where(eq(auditLog.outcome, 'success'));
      return { registrations: row?.n, audit: audit?.n };
    });
  const runnerVerifier = () => agentTokenVerifier(() => edge.services.commandKeys.map((k) => k.publicJwk));
  const scopeOf = (deploymentId: string, over: Partial<AgentScope> = {}): AgentScope => ({
    tenantId: t.id,
    environment: 'dev',
    app: 'orders',
    deploymentId,
    retentionDays: 90,
    ...over,
  });
  const bootstrapFor = async (scope: AgentScope, opts: { now?: Date; forged?: boolean } = {}) => {
    const key = opts.forged ? await otherKey() : edge.services.commandKeys[0];
    if (!key) throw new Error('no key');
    return (await mintDeployTelemetry(key, scope, opts.now ?? edge.clock.now())).bootstrapToken;
  };
  const otherKey = async () => importSigningKey(await generateSigningKeyJwk());

  async function expectRefused(res: Response, status: number) {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(((await res.json()) as { detail: string }).detail.length).toBeGreaterThan(0);
  }

  beforeAll(async () => {
    edge = await createTestEdge(kind);
    t = await edge.tenant('agents');
    other = await edge.tenant('others');
    await registerTestRunner(edge, t);
    const created = await edge.request('/api/tenants/agents/apps', {
      method: 'POST',
      token: t.tokens.developer,
      json: { name: 'orders' },
    });
    expect(created.status).toBe(201);
    const upload = await uploadJar(
      edge,
      '/api/tenants/agents/apps/orders/versions',
      t.tokens.developer,
      minimalJar(),
    );
    expect(upload.status).toBe(201);
  });
  afterAll(() => edge.close());

  it('signs agent tokens into the deploy command that the runner accepts with the deployment scope', async () => {
    const { deploymentId, telemetry } = await deploy();
    expect(telemetry).toMatchObject({ tenantId: t.id, retentionDays: 90 });
    const verify = runnerVerifier();
    expect(await verify(telemetry.agentToken)).toEqual(scopeOf(deploymentId));
    // The bootstrap token is for the edge's register route only: the intake refuses it.
    await expect(verify(telemetry.bootstrapToken)).rejects.toBeInstanceOf(AgentTokenRefused);
    // A runner that stopped trusting the edge's key refuses the agent token too.
    const stranger = (await otherKey()).publicJwk;
    await expect(agentTokenVerifier(() => [stranger])(telemetry.agentToken)).rejects.toMatchObject({
      reason: 'invalid',
    });
  });

  it('trades a bootstrap token once for an agent session scoped to its deployment', async () => {
    const { deploymentId, telemetry } = await deploy();
    const before = await registrations();
    const res = await register(telemetry.bootstrapToken, {
      headers: { 'x-cameleer-intake-url': 'http://host.docker.internal:4318' },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, string>;
    expect(body).toMatchObject({
      tenantId: t.id,
      environment: 'dev',
      app: 'orders',
      deploymentId,
      endpoint: 'http://host.docker.internal:4318',
    });
    expect(body.agentId).toMatch(/^agt_/);
    const days = (Date.parse(body.expiresAt ?? '') - edge.clock.now().getTime()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    expect(await runnerVerifier()(body.token ?? '')).toEqual(scopeOf(deploymentId));
    expect(await registrations()).toEqual({
      registrations: (before.registrations ?? 0) + 1,
      audit: (before.audit ?? 0) + 1,
    });
    const [row] = await withTenant(edge.db, t.id, (tx) =>
      tx
        .select()
        .from(agentRegistrations)
        .where(eq(agentRegistrations.id, body.agentId ?? '')),
    );
    expect(row).toMatchObject({ deploymentId, hostname: 'orders-1', agentVersion: '0.1.0' });

    // Reused, by bearer or in the body: refused, nothing more stored.
    await expectRefused(await register(telemetry.bootstrapToken), 409);
    await expectRefused(
      await register(undefined, { body: { bootstrapToken: telemetry.bootstrapToken } }),
      409,
    );
    expect((await registrations()).registrations).toBe((before.registrations ?? 0) + 1);
  });

  it('takes the token from the body and answers no endpoint when called directly', async () => {
    const { telemetry } = await deploy();
    const res = await register(undefined, { body: { bootstrapToken: telemetry.bootstrapToken } });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { endpoint: string | null }).endpoint).toBeNull();
  });

  it('refuses missing, expired, forged and wrong-kind tokens, storing nothing', async () => {
    const { deploymentId, telemetry } = await deploy();
    const scope = scopeOf(deploymentId);
    const before = await registrations();
    const sixteenMinutesAgo = new Date(edge.clock.now().getTime() - 16 * 60_000);
    await expectRefused(await register(undefined), 401);
    await expectRefused(await register('not-a-token'), 401);
    await expectRefused(await register(await bootstrapFor(scope, { now: sixteenMinutesAgo })), 401);
    await expectRefused(await register(await bootstrapFor(scope, { forged: true })), 401);
    await expectRefused(await register(telemetry.agentToken), 401);
    // The genuine token still works afterwards: refusals spent nothing.
    expect(await registrations()).toEqual(before);
    expect((await register(telemetry.bootstrapToken)).status).toBe(201);
  });

  it('refuses tokens whose scope is foreign or whose deployment is over, storing nothing', async () => {
    const { deploymentId, commandId } = await deploy();
    const before = await registrations();
    // Another tenant, another environment or app, a deployment that does not exist.
    await expectRefused(
      await register(await bootstrapFor(scopeOf(deploymentId, { tenantId: other.id }))),
      404,
    );
    await expectRefused(
      await register(await bootstrapFor(scopeOf(deploymentId, { environment: 'prod' }))),
      403,
    );
    await expectRefused(await register(await bootstrapFor(scopeOf(deploymentId, { app: 'billing' }))), 403);
    await expectRefused(await register(await bootstrapFor(scopeOf('dep_unknown'))), 404);
    // A failed deployment's agent may no longer register.
    await withTenant(edge.db, t.id, (db) =>
      deploymentResult(
        { db, tenantId: t.id, clock: edge.clock },
        { commandId, status: 'failed', error: 'x' },
      ),
    );
    await expectRefused(await register(await bootstrapFor(scopeOf(deploymentId))), 403);
    expect(await registrations()).toEqual(before);
    const others = await withTenant(edge.db, other.id, async (tx) => {
      const [row] = await tx.select({ n: count() }).from(agentRegistrations);
      return row?.n;
    });
    expect(others).toBe(0);
  });
});
