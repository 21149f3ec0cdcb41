import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServiceHost } from '../service/service-host.ts';
import { stateFiles } from '../state/state-dir.ts';
import { installServiceCommand, uninstallServiceCommand } from './install-service-command.ts';

const root = mkdtempSync(join(tmpdir(), 'cameleer-install-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A host whose systemctl, useradd and chown are only recorded: no systemd runs as PID 1 here. */
function fakeHost(opts: { root?: boolean; userExists?: boolean } = {}) {
  const calls: string[] = [];
  const host: ServiceHost = {
    isRoot: () => opts.root ?? true,
    run: async (command, args) => {
      calls.push([command, ...args].join(' '));
      return { code: command === 'id' && !opts.userExists ? 1 : 0, stdout: '', stderr: '' };
    },
    hasDockerSocket: () => true,
    runnerExec: () => [process.execPath],
  };
  return { host, calls };
}

function registeredStateDir(): string {
  const dir = mkdtempSync(join(root, 'state-'));
  writeFileSync(stateFiles(dir).identity, '{}');
  return dir;
}

describe('install-service and uninstall-service', () => {
  it('creates the user, writes the unit, reloads systemd and enables the unit', async () => {
    const { host, calls } = fakeHost();
    const unitDir = mkdtempSync(join(root, 'units-'));
    const stateDir = registeredStateDir();
    const printed: string[] = [];
    await installServiceCommand({ stateDir, unitDir, user: 'cam' }, host, (l) => printed.push(l));
    expect(calls).toEqual([
      'id -u cam',
      `useradd --system --user-group --home-dir ${stateDir} --no-create-home --shell /usr/sbin/nologin cam`,
      `chown -R cam: ${stateDir}`,
      'systemctl daemon-reload',
      'systemctl enable --now cameleer-runner.service',
    ]);
    const unit = readFileSync(join(unitDir, 'cameleer-runner.service'), 'utf8');
    expect(unit).toContain(`ExecStart=${process.execPath} start --state-dir ${stateDir} --quiet`);
    expect(unit).toContain('SupplementaryGroups=docker');
    expect(printed.join('\n')).toMatch(/created the system user cam[\s\S]*enabled and started/);

    const again = fakeHost({ userExists: true });
    await installServiceCommand({ stateDir, unitDir, user: 'cam' }, again.host, () => {});
    expect(again.calls.some((c) => c.startsWith('useradd'))).toBe(false);

    const off = fakeHost();
    await uninstallServiceCommand({ stateDir, unitDir }, off.host, () => {});
    expect(off.calls).toEqual(['systemctl disable --now cameleer-runner.service', 'systemctl daemon-reload']);
    expect(existsSync(join(unitDir, 'cameleer-runner.service'))).toBe(false);
    expect(existsSync(stateFiles(stateDir).identity)).toBe(true);
    await uninstallServiceCommand({ stateDir, unitDir, purge: true }, fakeHost().host, () => {});
    expect(existsSync(stateDir)).toBe(false);
  });

  it('says to run as root, and to register first; a dry run only prints the unit', async () => {
    const unitDir = mkdtempSync(join(root, 'units-'));
    const notRoot = fakeHost({ root: false });
    await expect(
      installServiceCommand({ stateDir: registeredStateDir(), unitDir }, notRoot.host),
    ).rejects.toThrow(/run it as root/);
    await expect(uninstallServiceCommand({ unitDir }, notRoot.host)).rejects.toThrow(/run it as root/);
    await expect(
      installServiceCommand({ stateDir: mkdtempSync(join(root, 'empty-')), unitDir }, fakeHost().host),
    ).rejects.toThrow(/cameleer-runner register .* first/);
    const printed: string[] = [];
    await installServiceCommand({ unitDir, dryRun: true }, notRoot.host, (l) => printed.push(l));
    expect(printed.join('\n')).toContain('ExecStart=');
    expect(notRoot.calls).toEqual([]);
    expect(existsSync(join(unitDir, 'cameleer-runner.service'))).toBe(false);
  });
});
