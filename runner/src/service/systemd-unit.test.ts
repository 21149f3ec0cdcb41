import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { systemdStateDirectory, systemdUnit } from './systemd-unit.ts';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../bin/cameleer-runner.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cameleer-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `systemd-analyze verify` of the unit as `cameleer-runner.service`: its complaints, or none. */
async function verify(unit: string): Promise<string> {
  const folder = mkdtempSync(join(dir, 'u-'));
  const path = join(folder, 'cameleer-runner.service');
  writeFileSync(path, unit);
  const { stderr, failed } = await run('systemd-analyze', ['verify', path]).then(
    ({ stderr }) => ({ stderr, failed: false }),
    (err: { stderr: string }) => ({ stderr: err.stderr, failed: true }),
  );
  // Complaints about other units of this machine are not the unit's.
  return (failed ? ['(exit status not 0)'] : [])
    .concat(stderr.split('\n'))
    .filter((line) => line.includes('cameleer-runner') || line.startsWith('(exit'))
    .join('\n');
}

describe('the systemd unit', () => {
  it('passes systemd-analyze verify with the defaults', async () => {
    const unit = systemdUnit({
      exec: [process.execPath, script],
      user: 'cameleer-runner',
      stateDir: '/var/lib/cameleer-runner',
      docker: true,
    });
    expect(await verify(unit)).toBe('');
    expect(unit).toContain(
      `ExecStart=${process.execPath} ${script} start --state-dir /var/lib/cameleer-runner --quiet`,
    );
    for (const line of [
      'User=cameleer-runner',
      'StateDirectory=cameleer-runner',
      'SupplementaryGroups=docker',
      'Restart=always',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'CapabilityBoundingSet=',
      'SystemCallFilter=@system-service',
    ])
      expect(unit.split('\n')).toContain(line);
    expect(unit).not.toContain('MemoryDenyWriteExecute');
  });

  it('passes with a custom user, a state directory outside /var/lib, a single executable and no Docker', async () => {
    const unit = systemdUnit({
      exec: [process.execPath],
      user: 'runner_2',
      stateDir: '/srv/cameleer/state/',
      docker: false,
    });
    expect(await verify(unit)).toBe('');
    const lines = unit.split('\n');
    expect(lines).toContain(`ExecStart=${process.execPath} start --state-dir /srv/cameleer/state --quiet`);
    expect(lines).toContain('ReadWritePaths=/srv/cameleer/state');
    expect(unit).not.toContain('StateDirectory=');
    expect(unit).not.toContain('docker');
  });

  it('lets a runner run from a home directory read its code, and quotes an executable path with spaces', async () => {
    const home = mkdtempSync(join(dir, 'home dir-'));
    const exec = join(home, 'cameleer runner');
    writeFileSync(exec, '#!/bin/sh\n', { mode: 0o755 });
    const unit = systemdUnit({
      exec: [exec],
      user: 'cameleer-runner',
      stateDir: '/var/lib/x',
      docker: false,
    });
    expect(await verify(unit)).toBe('');
    expect(unit).toContain(`ExecStart="${exec}" start`);
    expect(
      systemdUnit({ exec: ['/home/me/runner'], user: 'u', stateDir: '/var/lib/x', docker: false }),
    ).toContain('ProtectHome=read-only');
  });

  it('is checked for real: verify complains about a missing executable and an unknown setting', async () => {
    const unit = systemdUnit({
      exec: ['/nonexistent/runner'],
      user: 'u',
      stateDir: '/var/lib/x',
      docker: false,
    });
    expect(await verify(unit)).toMatch(/nonexistent/);
    const misspelt = systemdUnit({
      exec: [process.execPath],
      user: 'u',
      stateDir: '/var/lib/x',
      docker: false,
    });
    expect(await verify(misspelt.replace('NoNewPrivileges', 'NoNewPrivilege'))).toMatch(/NoNewPrivilege/);
  });

  it('refuses a state directory systemd would read as something else', () => {
    expect(() =>
      systemdUnit({ exec: ['/bin/true'], user: 'u', stateDir: 'relative', docker: false }),
    ).toThrow(/absolute/);
    expect(() =>
      systemdUnit({ exec: ['/bin/true'], user: 'u', stateDir: '/var/lib/a b', docker: false }),
    ).toThrow(/spaces/);
    expect(systemdStateDirectory('/var/lib')).toBeUndefined();
    expect(systemdStateDirectory('/var/lib/a/b')).toBe('a/b');
    expect(systemdStateDirectory('/var/library')).toBeUndefined();
  });
});
