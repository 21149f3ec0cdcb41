import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliEdge } from '../../test/cli-fixture.ts';

type Tenant = { id: string; slug: string; oidcOrganizationId: string | null };

describe('cameleer tenants', () => {
  let stack: Awaited<ReturnType<typeof startCliEdge>>;
  let globex: Awaited<ReturnType<Awaited<ReturnType<typeof startCliEdge>>['edge']['tenant']>>;
  beforeAll(async () => {
    stack = await startCliEdge({ tenant: 'acme', loginAs: 'owner' });
    globex = await stack.edge.tenant('globex');
  });
  afterAll(async () => {
    await stack?.close();
  });
  const mapped = async (slug: string) =>
    (
      (await (
        await stack.edge.request(`/api/tenants/${slug}`, { token: stack.tenant.tokens.owner })
      ).json()) as Tenant
    ).oidcOrganizationId;

  it('show prints the tenant and its OIDC organization', async () => {
    const run = await stack.cli(['tenants', 'show']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `Tenant acme (${stack.tenant.id})\nName: acme\nTier: high\n` +
        'OIDC organization: none (only the member list grants roles)\n',
    );
    const json = await stack.cli(['tenants', 'show', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      id: stack.tenant.id,
      slug: 'acme',
      oidcOrganizationId: null,
    });
  });

  it('set-oidc-org maps an organization to the tenant, and --clear unmaps it', async () => {
    const set = await stack.cli(['tenants', 'set-oidc-org', 'org-acme']);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toBe('Tenant acme now maps the OIDC organization org-acme\n');
    expect(await mapped('acme')).toBe('org-acme');
    expect((await stack.cli(['tenants', 'show'])).stdout).toContain('OIDC organization: org-acme\n');

    const clear = await stack.cli(['tenants', 'set-oidc-org', '--clear', '--tenant', 'acme'], {
      CAMELEER_TENANT: 'globex',
    });
    expect(clear.stderr).toBe('');
    expect(clear.stdout).toBe('Tenant acme maps no OIDC organization now\n');
    expect(await mapped('acme')).toBeNull();
  });

  it('--tenant names the tenant instead of the logged-in one', async () => {
    const run = await stack.cli(['tenants', 'show', '--tenant', 'acme'], { CAMELEER_TENANT: 'globex' });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Tenant acme /);
    const other = await stack.cli(['tenants', 'set-oidc-org', 'org-x', '--tenant', 'globex']);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/^cameleer: Tenant does not exist .*\[HTTP 404\]\n$/);
  });

  it('refuses an organization another tenant maps, a role without tenant:update, and unclear arguments', async () => {
    const first = await stack.cli(['tenants', 'set-oidc-org', 'org-shared']);
    expect(first.code).toBe(0);
    const taken = await stack.cli(['tenants', 'set-oidc-org', 'org-shared'], {
      CAMELEER_TOKEN: globex.tokens.owner,
      CAMELEER_TENANT: 'globex',
    });
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(
      /^cameleer: The OIDC organization org-shared is mapped onto another tenant; .*\[HTTP 409\]\n$/,
    );
    expect(await mapped('acme')).toBe('org-shared');

    const developer = await stack.cli(['tenants', 'set-oidc-org', 'org-dev'], {
      CAMELEER_TOKEN: stack.tenant.tokens.developer,
    });
    expect(developer.code).toBe(1);
    expect(developer.stderr).toMatch(/tenant:update.*\[HTTP 403\]\n$/);

    const both = await stack.cli(['tenants', 'set-oidc-org', 'org-y', '--clear']);
    expect(both.code).toBe(1);
    expect(both.stderr).toBe('cameleer: Give an organization id or --clear, not both\n');
    const neither = await stack.cli(['tenants', 'set-oidc-org']);
    expect(neither.code).toBe(1);
    expect(neither.stderr).toBe('cameleer: Give the organization id to map, or --clear to unmap it\n');
    expect(await mapped('acme')).toBe('org-shared');
  });
});
