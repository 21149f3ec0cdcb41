import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, databaseKinds, registerTestRunner, type TestEdge } from '../../../test/fixtures.ts';

type Runner = { id: string; commandsInFlight: number };

describe.each(databaseKinds)('runner list and install commands on %s', (kind) => {
  let edge: TestEdge;
  beforeAll(async () => {
    edge = await createTestEdge(kind);
  });
  afterAll(() => edge.close());

  it('gives the npm and Docker commands for a new token, and no Helm command while there is no chart', async () => {
    const t = await edge.tenant('install');
    const res = await edge.request(`/api/tenants/${t.slug}/runner-tokens`, {
      method: 'POST',
      token: t.tokens.admin,
      json: {},
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as {
      token: string;
      register: string;
      install: { npm: string; binary: string; docker: string; helm: string };
    };
    expect(body.install.npm).toBe(`${body.register} && npx cameleer-runner start`);
    expect(body.install.docker).toContain(`CAMELEER_REGISTRATION_TOKEN=${body.token}`);
    expect(body.install.docker).toContain('ghcr.io/cameleer/cameleer-runner:');
    expect(body.install.binary).toContain('/runner/releases/latest/cameleer-runner-linux-x64');
    expect(body.install.binary).toContain(
      `./cameleer-runner register --url ${body.register.split(' ')[4]} --token ${body.token}`,
    );
    expect(body.install.docker).toContain('/var/run/docker.sock');
    expect(body.install.helm).toContain('helm install cameleer-runner ./charts/cameleer-runner');
    expect(body.install.helm).toContain(`--set registration.token=${body.token}`);
  });

  it("counts each runner's unfinished commands, its own tenant's only", async () => {
    const t = await edge.tenant('in-flight');
    const busy = await registerTestRunner(edge, t, 'busy');
    const idle = await registerTestRunner(edge, t, 'idle');
    for (let i = 0; i < 2; i += 1) {
      const sent = await edge.request(`/api/tenants/${t.slug}/runners/${busy.runnerId}/commands`, {
        method: 'POST',
        token: t.tokens.admin,
        json: { kind: 'status' },
      });
      expect(sent.status).toBe(202);
    }
    const list = (await (
      await edge.request(`/api/tenants/${t.slug}/runners`, { token: t.tokens.viewer })
    ).json()) as { items: Runner[] };
    const inFlight = Object.fromEntries(list.items.map((r) => [r.id, r.commandsInFlight]));
    expect(inFlight).toEqual({ [busy.runnerId]: 2, [idle.runnerId]: 0 });
    const one = (await (
      await edge.request(`/api/tenants/${t.slug}/runners/${busy.runnerId}`, { token: t.tokens.viewer })
    ).json()) as Runner;
    expect(one.commandsInFlight).toBe(2);
  });
});
