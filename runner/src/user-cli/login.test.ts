import { readFile, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken } from '../../../edge/test/fixtures.ts';
import { startCliEdge, unreachableUrl } from '../../test/cli-fixture.ts';

describe('cameleer login', () => {
  let stack: Awaited<ReturnType<typeof startCliEdge>>;

  beforeAll(async () => {
    stack = await startCliEdge();
    await stack.edge.tenant('globex');
  });
  afterAll(async () => {
    await stack?.close();
  });

  const login = (args: string[]) => stack.cli(['login', ...args]);

  it('checks a good token, takes its only tenant and stores the login owner-only', async () => {
    const run = await login(['--url', `${stack.server.url}/`, '--token', stack.tenant.tokens.developer]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Logged in to ${stack.server.url} as developer token (api-token), tenant acme`,
    );
    expect(run.stdout).toContain('(developer)');
    expect(JSON.parse(await readFile(stack.temp.config, 'utf8'))).toEqual({
      url: stack.server.url,
      token: stack.tenant.tokens.developer,
      tenant: 'acme',
    });
    expect((await stat(stack.temp.config)).mode & 0o777).toBe(0o600);
    expect((await stat(stack.temp.dir.concat('/cameleer'))).mode & 0o777).toBe(0o700);
  });

  it('refuses a bad token with the problem detail, exit 1, and keeps the stored login', async () => {
    const before = await readFile(stack.temp.config, 'utf8');
    const run = await login(['--url', stack.server.url, '--token', 'cam_not-a-real-token-0123456789abcdef']);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^cameleer: .+\[HTTP 401\]\n$/);
    expect(run.stdout).toBe('');
    expect(await readFile(stack.temp.config, 'utf8')).toBe(before);
  });

  it('says which URL could not be reached', async () => {
    const url = await unreachableUrl();
    const run = await login(['--url', url, '--token', stack.tenant.tokens.developer]);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^cameleer: Could not reach ${url}/api/me: .*ECONNREFUSED.*\\n$`));
  });

  it('refuses a URL that is not one', async () => {
    const run = await login(['--url', 'not a url', '--token', stack.tenant.tokens.developer]);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe('cameleer: Not a URL: not a url (expected e.g. https://cameleer.example.com)\n');
  });

  it("lets a platform administrator pick any tenant, defaulting to its token's own", async () => {
    const own = await login(['--url', stack.server.url, '--token', adminToken]);
    expect(own.stderr).toBe('');
    expect(own.stdout).toContain('tenant default (owner)');

    const other = await login(['--url', stack.server.url, '--token', adminToken, '--tenant', 'globex']);
    expect(other.stderr).toBe('');
    expect(other.stdout).toContain('tenant globex (platform administrator)');
  });

  it('refuses a tenant the token cannot see', async () => {
    const run = await login([
      '--url',
      stack.server.url,
      '--token',
      stack.tenant.tokens.owner,
      '--tenant',
      'globex',
    ]);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe('cameleer: This token has no access to tenant "globex" (its tenants: acme)\n');
  });

  it('names the missing option', async () => {
    const run = await login(['--url', stack.server.url]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("required option '--token <token>' not specified");
  });
});
