import { readFile, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, createTestEdge, listenTestEdge, type TestEdge } from '../../../edge/test/fixtures.ts';
import { runCli, tempConfigDir, unreachableUrl } from './cli-fixture.ts';

describe('cameleer login', () => {
  let edge: TestEdge;
  let server: Awaited<ReturnType<typeof listenTestEdge>>;
  let tenant: Awaited<ReturnType<TestEdge['tenant']>>;
  let temp: Awaited<ReturnType<typeof tempConfigDir>>;

  beforeAll(async () => {
    edge = await createTestEdge('pglite');
    server = await listenTestEdge(edge);
    tenant = await edge.tenant('acme');
    await edge.tenant('globex');
    temp = await tempConfigDir();
  });
  afterAll(async () => {
    await server?.close();
    await edge?.close();
    await temp?.remove();
  });

  const login = (args: string[]) => runCli(['login', ...args], { CAMELEER_CONFIG: temp.config });

  it('checks a good token, takes its only tenant and stores the login owner-only', async () => {
    const run = await login(['--url', `${server.url}/`, '--token', tenant.tokens.developer]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Logged in to ${server.url} as developer token (api-token), tenant acme`);
    expect(run.stdout).toContain('(developer)');
    expect(JSON.parse(await readFile(temp.config, 'utf8'))).toEqual({
      url: server.url,
      token: tenant.tokens.developer,
      tenant: 'acme',
    });
    expect((await stat(temp.config)).mode & 0o777).toBe(0o600);
    expect((await stat(temp.dir.concat('/cameleer'))).mode & 0o777).toBe(0o700);
  });

  it('refuses a bad token with the problem detail, exit 1, and keeps the stored login', async () => {
    const before = await readFile(temp.config, 'utf8');
    const run = await login(['--url', server.url, '--token', 'cam_not-a-real-token-0123456789abcdef']);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^cameleer: .+\[HTTP 401\]\n$/);
    expect(run.stdout).toBe('');
    expect(await readFile(temp.config, 'utf8')).toBe(before);
  });

  it('says which URL could not be reached', async () => {
    const url = await unreachableUrl();
    const run = await login(['--url', url, '--token', tenant.tokens.developer]);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^cameleer: Could not reach ${url}/api/me: .*ECONNREFUSED.*\\n$`));
  });

  it('refuses a URL that is not one', async () => {
    const run = await login(['--url', 'not a url', '--token', tenant.tokens.developer]);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe('cameleer: Not a URL: not a url (expected e.g. https://cameleer.example.com)\n');
  });

  it("lets a platform administrator pick any tenant, defaulting to its token's own", async () => {
    const own = await login(['--url', server.url, '--token', adminToken]);
    expect(own.stderr).toBe('');
    expect(own.stdout).toContain('tenant default (owner)');

    const other = await login(['--url', server.url, '--token', adminToken, '--tenant', 'globex']);
    expect(other.stderr).toBe('');
    expect(other.stdout).toContain('tenant globex (platform administrator)');
  });

  it('refuses a tenant the token cannot see', async () => {
    const run = await login(['--url', server.url, '--token', tenant.tokens.owner, '--tenant', 'globex']);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe('cameleer: This token has no access to tenant "globex" (its tenants: acme)\n');
  });

  it('names the missing option', async () => {
    const run = await login(['--url', server.url]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("required option '--token <token>' not specified");
  });
});
