import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliEdge } from '../../test/cli-fixture.ts';

describe('cameleer config and apps update', () => {
  let stack: Awaited<ReturnType<typeof startCliEdge>>;

  beforeAll(async () => {
    stack = await startCliEdge({ loginAs: 'developer' });
    const app = await cli(['apps', 'create', 'orders']);
    if (app.code !== 0) throw new Error(`apps create: ${app.stderr}`);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const cli = (args: string[], env: Record<string, string> = {}) => stack.cli(args, env);

  it('sets values and secrets per layer and lists them with secrets masked', async () => {
    const set = await cli(['config', 'set', 'LOG_LEVEL=info', 'GREETING=a=b c']);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('Set LOG_LEVEL (global).\nSet GREETING (global).\n');
    expect((await cli(['config', 'set', 'LOG_LEVEL=debug', '--app', 'orders', '--env', 'dev'])).code).toBe(0);
    const secret = await cli(['config', 'set', 'DB_PASSWORD=hunter2', '--app', 'orders', '--secret']);
    expect(secret.stdout).toContain('Set secret DB_PASSWORD (app orders).');

    const table = await cli(['config', 'list']);
    expect(table.code).toBe(0);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual(['KEY', 'VALUE', 'LAYER']);
    expect(rows.map((r) => r.split(/\s{2,}/))).toEqual([
      ['GREETING', 'a=b c', 'global'],
      ['LOG_LEVEL', 'info', 'global'],
    ]);

    const app = await cli(['config', 'list', '--app', 'orders']);
    expect(app.stdout).toMatch(/DB_PASSWORD\s+••••••\s+app/);
    expect(app.stdout).not.toContain('hunter2');

    const resolved = await cli(['config', 'list', '--app', 'orders', '--env', 'dev', '--resolved', '--json']);
    expect(resolved.code).toBe(0);
    const items = JSON.parse(resolved.stdout) as Array<{ key: string; value: string | null; layer: string }>;
    expect(items.map((e) => [e.key, e.value, e.layer])).toEqual([
      ['DB_PASSWORD', null, 'app'],
      ['GREETING', 'a=b c', 'global'],
      ['LOG_LEVEL', 'debug', 'app-environment'],
    ]);
  });

  it('unsets keys and reports the API problem for reserved names and missing keys', async () => {
    const unset = await cli(['config', 'unset', 'GREETING']);
    expect(unset.code).toBe(0);
    expect(unset.stdout).toBe('Removed GREETING (global).\n');
    expect((await cli(['config', 'list', '--json'])).stdout).not.toContain('GREETING');

    const missing = await cli(['config', 'unset', 'GREETING']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/\[HTTP 404\]\n$/);
    const reserved = await cli(['config', 'set', 'PORT=1']);
    expect(reserved.code).toBe(1);
    expect(reserved.stderr).toMatch(/set by the platform.*\[HTTP 400\]\n$/);
    const malformed = await cli(['config', 'set', 'NOEQUALS']);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain('Expected KEY=VALUE');
  });

  it('creates and updates an app with deploy settings', async () => {
    const created = await cli([
      'apps',
      'create',
      'billing',
      '--private',
      '--memory',
      '256',
      '--volume',
      '/data',
      '--json',
    ]);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      name: 'billing',
      private: true,
      memoryMb: 256,
      writeableVolumes: ['/data'],
      healthPath: '/health',
    });

    const updated = await cli([
      'apps',
      'update',
      'billing',
      '--public',
      '--no-health-check',
      '--volume',
      '/data',
      '--volume',
      '/var/cache',
      '--cpus',
      '0.5',
    ]);
    expect(updated.stderr).toBe('');
    expect(updated.code).toBe(0);
    expect(updated.stdout).toBe(
      'Updated app billing: public, no health check, volumes /data, /var/cache, 256 MB, 0.5 CPU.\n' +
        'The settings apply from its next deployment.\n',
    );
    const health = await cli([
      'apps',
      'update',
      'billing',
      '--health-path',
      '/ready',
      '--clear-volumes',
      '--json',
    ]);
    expect(JSON.parse(health.stdout)).toMatchObject({
      healthPath: '/ready',
      writeableVolumes: [],
      cpus: 0.5,
    });

    const bad = await cli(['apps', 'update', 'billing', '--volume', '/proc/x']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/\[HTTP 400\]\n$/);
    expect((await cli(['apps', 'update', 'billing', '--private', '--public'])).stderr).toContain('not both');
    expect((await cli(['apps', 'update', 'billing'])).stderr).toContain('Nothing to change');
    expect((await cli(['apps', 'update', 'billing', '--memory', 'lots'])).stderr).toContain(
      '--memory takes a number',
    );
  });
});
