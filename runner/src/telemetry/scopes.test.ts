import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TelemetryScope } from './rows.ts';
import { TelemetryScopes } from './scopes.ts';

const orders = { tenant: 'acme', environment: 'prod', app: 'orders' };
const billing = { tenant: 'acme', environment: 'prod', app: 'billing' };
const scopeOf = (deploymentId: string, app = 'orders'): TelemetryScope => ({
  tenantId: 'tnt_acme',
  environment: 'prod',
  app,
  deploymentId,
  retentionDays: 30,
});

describe('telemetry scopes', () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'cameleer-scopes-'));
  });
  afterEach(() => rm(stateDir, { recursive: true, force: true }));

  it('keeps what the deploy handler recorded across a restart, in telemetry/scopes.json', async () => {
    const scopes = await TelemetryScopes.open(stateDir);
    expect(scopes.list()).toEqual([]);
    await scopes.set(orders, scopeOf('dep_1'));
    await scopes.set(billing, scopeOf('dep_2', 'billing'));
    expect(scopes.get('dep_1')).toEqual(scopeOf('dep_1'));
    expect(scopes.has('dep_3')).toBe(false);

    const reopened = await TelemetryScopes.open(stateDir);
    expect(reopened.get('dep_2')).toEqual(scopeOf('dep_2', 'billing'));
    expect(reopened.list()).toHaveLength(2);
    // Atomic writes leave no temp files behind.
    expect(await readdir(join(stateDir, 'telemetry'))).toEqual(['scopes.json']);
  });

  it('forgets the earlier deployments of an app once a new one runs, and all of them on remove', async () => {
    const scopes = await TelemetryScopes.open(stateDir);
    await scopes.set(orders, scopeOf('dep_1'));
    await scopes.set(billing, scopeOf('dep_2', 'billing'));
    await scopes.set(orders, scopeOf('dep_3'));
    await scopes.forgetApp(orders, 'dep_3');
    expect(
      scopes
        .list()
        .map((s) => s.deploymentId)
        .sort(),
    ).toEqual(['dep_2', 'dep_3']);
    await scopes.forgetApp(orders);
    await scopes.delete('dep_2');
    expect(scopes.list()).toEqual([]);
    expect((await TelemetryScopes.open(stateDir)).list()).toEqual([]);
  });

  it('writes concurrent changes in order: the file ends with all of them', async () => {
    const scopes = await TelemetryScopes.open(stateDir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => scopes.set(orders, scopeOf(`dep_${i}`))));
    expect((await TelemetryScopes.open(stateDir)).list()).toHaveLength(20);
  });

  it('starts empty from a corrupt file and drops entries that do not parse', async () => {
    await mkdir(join(stateDir, 'telemetry'), { recursive: true });
    const path = join(stateDir, 'telemetry', 'scopes.json');
    await writeFile(path, '{"v":1,"deployments":');
    expect((await TelemetryScopes.open(stateDir)).list()).toEqual([]);
    await writeFile(
      path,
      JSON.stringify({
        v: 1,
        deployments: {
          dep_ok: { ref: orders, scope: scopeOf('dep_ok') },
          dep_bad: { ref: orders, scope: { ...scopeOf('dep_bad'), retentionDays: 'never' } },
          dep_moved: { ref: orders, scope: scopeOf('dep_elsewhere') },
        },
      }),
    );
    const scopes = await TelemetryScopes.open(stateDir);
    expect(scopes.list()).toEqual([scopeOf('dep_ok')]);
    await scopes.delete('dep_ok');
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ v: 1, deployments: {} });
  });
});
