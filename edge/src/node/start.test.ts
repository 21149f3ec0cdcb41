import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type EdgeProcess, startEdgeProcess } from '../../test/edge-process.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const start = (dataDir: string, env: Record<string, string> = {}) =>
  startEdgeProcess(dataDir, { CAMELEER_LOCAL_RUNNER: 'false', ...env });
type Started = EdgeProcess;

const get = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, { headers, redirect: 'manual' });

describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cameleer-start-'));
  const running: Started[] = [];
  afterAll(async () => {
    for (const s of running) if (s.child.exitCode === null) await s.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts on an empty data directory, prints a working one-time link, and keeps everything across restarts', async () => {
    const token = 'ci-admin-token-0123456789abcdef';
    const first = await start(dataDir, { CAMELEER_ADMIN_TOKEN: token });
    running.push(first);
    expect(first.url).toMatch(/^http:\/\/localhost:\d+$/);
    expect((await get(`${first.url}/healthz`)).status).toBe(200);
    expect((await get(`${first.url}/readyz`)).status).toBe(200);

    const auth = { authorization: `Bearer ${token}` };
    const me = (await (await get(`${first.url}/api/me`, auth)).json()) as {
      platformAdmin: boolean;
      memberships: Array<{ role: string }>;
    };
    expect(me.platformAdmin).toBe(true);
    expect(me.memberships).toEqual([expect.objectContaining({ role: 'owner' })]);
    const envs = (await (await get(`${first.url}/api/tenants/default/environments`, auth)).json()) as {
      items: Array<{ name: string }>;
    };
    expect(envs.items.map((e) => e.name)).toEqual(['dev', 'staging', 'prod']);

    const login = await get(first.loginUrl);
    expect(login.status).toBe(302);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^cameleer_session=/);
    const asAdmin = (await (await get(`${first.url}/api/me`, { cookie })).json()) as {
      actor: { type: string };
      platformAdmin: boolean;
    };
    expect(asAdmin).toMatchObject({ actor: { type: 'user' }, platformAdmin: true });
    expect((await get(first.loginUrl)).status).toBe(401);

    const created = await fetch(`${first.url}/api/tenants/default/apps`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'orders' }),
    });
    expect(created.status).toBe(201);
    expect(statSync(join(dataDir, 'keys', 'session.jwk')).mode & 0o777).toBe(0o600);
    await first.stop();

    const second = await start(dataDir, { CAMELEER_ADMIN_TOKEN: 'rotated-admin-token-0123456789' });
    running.push(second);
    expect((await get(`${second.url}/api/me`, { cookie })).status).toBe(200);
    expect((await get(`${second.url}/api/tenants/default/apps`, auth)).status).toBe(401);
    const rotated = { authorization: 'Bearer rotated-admin-token-0123456789' };
    const apps = (await (await get(`${second.url}/api/tenants/default/apps`, rotated)).json()) as {
      items: Array<{ name: string }>;
    };
    expect(apps.items.map((a) => a.name)).toEqual(['orders']);
    const tenants = (await (await get(`${second.url}/api/tenants`, rotated)).json()) as {
      items: Array<{ slug: string }>;
    };
    expect(tenants.items.map((t) => t.slug)).toEqual(['default']);
    expect(second.loginUrl).not.toBe(first.loginUrl);
    await second.stop();
  }, 90_000);

  it('refuses bad configuration with a message naming the variable', async () => {
    const child = spawn(tsx, ['edge/src/node.ts'], {
      cwd: root,
      env: { ...process.env, PORT: 'eighty', CAMELEER_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr?.on('data', (d) => {
      err += d;
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(err).toContain('PORT');
  }, 30_000);
});
