import { generateSigningKeyJwk } from '@cameleer/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCliEdge } from '../../test/cli-fixture.ts';

describe('cameleer runners', () => {
  let stack: Awaited<ReturnType<typeof startCliEdge>>;

  beforeAll(async () => {
    stack = await startCliEdge({ loginAs: 'admin' });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const cli = (args: string[], env: Record<string, string> = {}) => stack.cli(args, env);

  /** Registers a runner over HTTP with a registration token, as `cameleer-runner register` does. */
  async function register(token: string, name: string) {
    const jwk = await generateSigningKeyJwk();
    return fetch(`${stack.server.url}/api/runners/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token,
        name,
        publicKey: { kty: 'OKP', crv: 'Ed25519', x: jwk.x },
        version: '9.9.9',
        capabilities: ['process'],
      }),
    });
  }

  let runnerId = '';

  it('creates a registration token that registers a runner', async () => {
    const run = await cli(['runners', 'token', '--env', 'staging', '--env', 'prod', '--ttl', '15', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const created = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(created).toMatchObject({ environments: ['staging', 'prod'] });
    expect(created.register).toBe(
      `npx cameleer-runner register --url http://console.test --token ${created.token}`,
    );
    const minutes = (Date.parse(String(created.expiresAt)) - stack.edge.clock.now().getTime()) / 60_000;
    expect(minutes).toBeCloseTo(15, 0);

    const res = await register(String(created.token), 'build-box');
    expect(res.status).toBe(201);
    runnerId = ((await res.json()) as { runnerId: string }).runnerId;

    const reused = await register(String(created.token), 'again');
    expect(reused.status).not.toBe(201);
  });

  it('prints the token and the register command line without --json', async () => {
    const run = await cli(['runners', 'token']);

    expect(run.code).toBe(0);
    const [token] = run.stdout.split('\n');
    expect(token).toMatch(/^\S{10,}$/);
    expect(run.stdout).toContain('environments: all');
    expect(run.stdout).toContain(
      `  npx cameleer-runner register --url http://console.test --token ${token}\n`,
    );
  });

  it('lists the registered runner as JSON and as a table', async () => {
    const json = await cli(['runners', 'list', '--json']);
    expect(json.code).toBe(0);
    const items = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      id: runnerId,
      name: 'build-box',
      status: 'offline',
      transport: null,
      version: '9.9.9',
      environments: ['staging', 'prod'],
      capabilities: ['process'],
    });

    const table = await cli(['runners', 'list']);
    expect(table.code).toBe(0);
    const [header, row, ...rest] = table.stdout.trimEnd().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual([
      'ID',
      'NAME',
      'STATUS',
      'TRANSPORT',
      'VERSION',
      'LAST SEEN',
      'ENVIRONMENTS',
    ]);
    expect(row?.split(/\s{2,}/)).toEqual([
      runnerId,
      'build-box',
      'offline',
      '-',
      '9.9.9',
      expect.stringMatching(/^\d+[smhd] ago$|^never$/),
      'staging,prod',
    ]);
    expect(rest).toEqual([]);
  });

  it('refuses a viewer with the 403 detail and exit 1', async () => {
    const run = await cli(['runners', 'token'], { CAMELEER_TOKEN: stack.tenant.tokens.viewer });

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^cameleer: .+ \[HTTP 403\]\n$/);
    expect(run.stderr).toContain('runners:write');
  });

  it('revokes the runner, and the list shows it revoked', async () => {
    const run = await cli(['runners', 'revoke', runnerId]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Revoked runner ${runnerId}.\n`);

    const list = await cli(['runners', 'list', '--json']);
    const items = JSON.parse(list.stdout) as Array<{ id: string; status: string; revokedAt: string | null }>;
    expect(items).toMatchObject([{ id: runnerId, status: 'revoked' }]);
    expect(items[0]?.revokedAt).not.toBeNull();
  });

  it('says so when the runner to revoke does not exist', async () => {
    const run = await cli(['runners', 'revoke', 'run_doesnotexist']);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^cameleer: .+ \[HTTP 404\]\n$/);
  });

  it('works from CAMELEER_* variables alone, without a stored login', async () => {
    const run = await runCli(['runners', 'list', '--json'], {
      CAMELEER_CONFIG: `${stack.temp.dir}/none/config.json`,
      CAMELEER_URL: stack.server.url,
      CAMELEER_TOKEN: stack.tenant.tokens.viewer,
      CAMELEER_TENANT: 'acme',
    });

    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toHaveLength(1);
  });

  it('tells a user who is not logged in how to log in', async () => {
    const run = await runCli(['runners', 'list'], { CAMELEER_CONFIG: `${stack.temp.dir}/none/config.json` });

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'cameleer: Not logged in: run `cameleer login --url URL --token TOKEN`, or set CAMELEER_URL and CAMELEER_TOKEN\n',
    );
  });

  it('refuses a TTL out of range before calling the API', async () => {
    const run = await cli(['runners', 'token', '--ttl', '0']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('expected whole minutes from 1 to 1440');
  });
});
