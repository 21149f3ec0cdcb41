import { registerTestRunner, type TestEdge } from './fixtures.ts';
import { minimalJar, uploadJar } from './jars.ts';

/** The ids that fill every `{param}` of a tenant route. */
export type TenantResourceIds = {
  tenant: string;
  app: string;
  environment: string;
  memberId: string;
  tokenId: string;
  runnerId: string;
  commandId: string;
  version: string;
  deploymentId: string;
  /** A global configuration key. */
  key: string;
  /** A trace id (telemetry lives in ClickHouse, not here: any well-formed id will do). */
  traceId: string;
  /** A failed exchange's id (ClickHouse too: any well-formed id will do). */
  exchangeId: string;
};

/** A valid body for every operation that takes one; route sweeps use it so that only what they test can refuse. */
export const operationBodies: Record<string, unknown> = {
  'post /api/tenants': { slug: 'made-by-test', name: 'x' },
  'patch /api/tenants/{tenant}': { name: 'Renamed' },
  'post /api/tenants/{tenant}/apps': { name: 'new-app' },
  'patch /api/tenants/{tenant}/apps/{app}': { description: 'changed' },
  'post /api/tenants/{tenant}/environments': { name: 'new-env' },
  'patch /api/tenants/{tenant}/environments/{environment}': { description: 'changed' },
  'post /api/tenants/{tenant}/members': { issuer: 'test', subject: 'someone', role: 'viewer' },
  'patch /api/tenants/{tenant}/members/{memberId}': { role: 'viewer' },
  'post /api/tenants/{tenant}/api-tokens': { name: 'ci', role: 'viewer' },
  'post /api/tenants/{tenant}/runner-tokens': { environments: ['dev'] },
  'post /api/tenants/{tenant}/runners/{runnerId}/commands': { kind: 'noop' },
  // JSON where a JAR belongs: allowed roles get 415, the others are refused before the media type is looked at.
  'post /api/tenants/{tenant}/apps/{app}/versions': {},
  'post /api/tenants/{tenant}/apps/{app}/deployments': { environment: 'dev' },
  'post /api/tenants/{tenant}/apps/{app}/promote': { from: 'dev', to: 'prod' },
  'post /api/tenants/{tenant}/apps/{app}/rollback': { environment: 'dev' },
  'post /api/tenants/{tenant}/apps/{app}/stop': { environment: 'dev' },
  'post /api/tenants/{tenant}/apps/{app}/restart': { environment: 'dev' },
  'post /api/tenants/{tenant}/apps/{app}/remove': { environment: 'dev' },
  'put /api/tenants/{tenant}/config/{key}': { value: 'changed' },
  'put /api/tenants/{tenant}/tier': { tier: 'high' },
  'post /api/tenants/{tenant}/licence': {},
  'post /api/tenants/{tenant}/licence/revoke': {},
  'post /api/tenants/{tenant}/billing/checkout': { tier: 'mid' },
  'post /api/tenants/{tenant}/billing/portal': {},
  'post /api/licences/verify': { token: 'not-a-licence' },
  'post /api/runners/register': {
    token: 'cmr_reg_unknown-token',
    name: 'x',
    publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) },
  },
  'post /api/agent/register': { bootstrapToken: 'not-a-bootstrap-token', hostname: 'x' },
};

/**
 * One fresh resource of every kind in a tenant, named `name`, through the API:
 * an app with a version and a deployment, an environment, a member, an API
 * token, a runner with a command, a global configuration key.
 */
export async function seedTenantResources(
  edge: TestEdge,
  t: { slug: string; tokens: { owner: string; admin: string } },
  name: string,
): Promise<TenantResourceIds> {
  const token = t.tokens.owner;
  const post = async (path: string, json: unknown) =>
    (await (
      await edge.request(`/api/tenants/${t.slug}/${path}`, { method: 'POST', token, json })
    ).json()) as {
      id: string;
    };
  const { runnerId } = await registerTestRunner(edge, t, name);
  const key = `${name.toUpperCase().replace(/\W/g, '_')}_URL`;
  await edge.request(`/api/tenants/${t.slug}/config/${key}`, { method: 'PUT', token, json: { value: name } });
  const app = await post('apps', { name });
  const version = (await (
    await uploadJar(edge, `/api/tenants/${t.slug}/apps/${app.id}/versions`, token, minimalJar())
  ).json()) as { id: string };
  return {
    tenant: t.slug,
    app: app.id,
    version: version.id,
    deploymentId: (await post(`apps/${app.id}/deployments`, { environment: 'dev' })).id,
    environment: (await post('environments', { name })).id,
    memberId: (await post('members', { issuer: 'test', subject: name, role: 'viewer' })).id,
    tokenId: (await post('api-tokens', { name, role: 'viewer' })).id,
    runnerId,
    commandId: (await post(`runners/${runnerId}/commands`, { kind: 'noop' })).id,
    key,
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    exchangeId: 'ID-0123456789abcdef01234567',
  };
}
