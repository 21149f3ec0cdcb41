import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { realServiceHost, type ServiceHost } from '../service/service-host.ts';
import {
  defaultServiceStateDir,
  defaultServiceUser,
  defaultUnitDir,
  serviceName,
  systemdUnit,
} from '../service/systemd-unit.ts';
import { hasIdentity } from '../state/identity.ts';

export type InstallServiceOptions = {
  user?: string;
  stateDir?: string;
  exec?: string;
  unitDir?: string;
  dryRun?: boolean;
};

const unitFile = `${serviceName}.service`;
const userName = /^[a-z_][a-z0-9_-]{0,31}$/;

/** Writes, enables and starts the runner's systemd unit; `print` gets one line per step. */
export async function installServiceCommand(
  opts: InstallServiceOptions,
  host: ServiceHost = realServiceHost,
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<void> {
  const user = opts.user ?? defaultServiceUser;
  if (!userName.test(user)) throw new Error(`--user ${user} is not a valid user name`);
  const stateDir = resolve(opts.stateDir ?? defaultServiceStateDir);
  const docker = host.hasDockerSocket();
  const unit = systemdUnit({
    exec: opts.exec ? [resolve(opts.exec)] : host.runnerExec(),
    user,
    stateDir,
    docker,
  });
  const path = join(opts.unitDir ?? defaultUnitDir, unitFile);
  if (opts.dryRun) {
    print(`# ${path} (dry run: nothing written)`);
    print(unit);
    return;
  }
  requireRoot(host, 'install-service');
  if (!hasIdentity(stateDir))
    throw new Error(
      `no runner registered in ${stateDir}: run \`cameleer-runner register --url URL --token TOKEN --state-dir ${stateDir}\` first, then install-service again`,
    );

  if ((await host.run('id', ['-u', user])).code === 0) print(`✓ user ${user} exists`);
  else {
    await must(host, 'useradd', [
      '--system',
      '--user-group',
      '--home-dir',
      stateDir,
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      user,
    ]);
    print(`✓ created the system user ${user}`);
  }
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await must(host, 'chown', ['-R', `${user}:`, stateDir]);
  print(`✓ ${stateDir} belongs to ${user}`);
  await writeFile(path, unit, { mode: 0o644 });
  print(`✓ wrote ${path}${docker ? ' (with the docker group: the Docker socket is here)' : ''}`);
  await must(host, 'systemctl', ['daemon-reload']);
  await must(host, 'systemctl', ['enable', '--now', unitFile]);
  print(`✓ enabled and started ${unitFile}`);
  print(
    `  Follow it with: journalctl -u ${serviceName} -f, or cameleer-runner status --state-dir ${stateDir}`,
  );
}

/** Stops, disables and removes the unit; the state directory (the runner's identity) stays unless `purge`. */
export async function uninstallServiceCommand(
  opts: { unitDir?: string; stateDir?: string; purge?: boolean },
  host: ServiceHost = realServiceHost,
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<void> {
  requireRoot(host, 'uninstall-service');
  const path = join(opts.unitDir ?? defaultUnitDir, unitFile);
  if (!existsSync(path)) print(`  ${path} is not there: nothing to stop`);
  else {
    await must(host, 'systemctl', ['disable', '--now', unitFile]);
    print(`✓ stopped and disabled ${unitFile}`);
    await rm(path, { force: true });
    await must(host, 'systemctl', ['daemon-reload']);
    print(`✓ removed ${path}`);
  }
  const stateDir = resolve(opts.stateDir ?? defaultServiceStateDir);
  if (opts.purge) {
    await rm(stateDir, { recursive: true, force: true });
    print(`✓ removed ${stateDir}: this runner's identity is gone, a new one needs a registration`);
  } else print(`  kept ${stateDir} (the runner's identity and journal); --purge removes it`);
}

function requireRoot(host: ServiceHost, command: string): void {
  if (!host.isRoot())
    throw new Error(
      `${command} changes systemd units and users: run it as root (sudo cameleer-runner ${command} …)`,
    );
}

async function must(host: ServiceHost, command: string, args: string[]): Promise<void> {
  const result = await host.run(command, args);
  if (result.code !== 0)
    throw new Error(
      `\`${[command, ...args].join(' ')}\` failed (exit ${result.code}): ${result.stderr.trim()}`,
    );
}
