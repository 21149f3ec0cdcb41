import { posix } from 'node:path';

export const serviceName = 'cameleer-runner';
export const defaultServiceUser = 'cameleer-runner';
export const defaultServiceStateDir = '/var/lib/cameleer-runner';
export const defaultUnitDir = '/etc/systemd/system';
/** Settings for the runner (CAMELEER_CLICKHOUSE_URL, proxies, …); optional, read by systemd as root. */
export const serviceEnvFile = '/etc/cameleer-runner/runner.env';

export type UnitOptions = {
  /** The command that runs the runner: the single-file runner, or `node …/cameleer-runner.js`. */
  exec: string[];
  user: string;
  stateDir: string;
  /** Adds the `docker` group, so the Docker orchestrator reaches the engine's socket. */
  docker: boolean;
};

/**
 * The systemd unit of the runner, hardened as far as the runner still works: the process
 * orchestrator starts JVMs (so no MemoryDenyWriteExecute, which breaks the JIT) that outlive a
 * runner restart and are adopted by the next one (so KillMode=process), and the Docker orchestrator
 * talks to the engine's socket (AF_UNIX, the docker group).
 */
export function systemdUnit(opts: UnitOptions): string {
  const stateDir = posix.normalize(opts.stateDir).replace(/(.)\/+$/, '$1');
  if (!posix.isAbsolute(stateDir) || /[\s"'\\%$]/.test(stateDir))
    throw new Error(
      `the state directory must be an absolute path without spaces, quotes, % or $: ${opts.stateDir}`,
    );
  const managed = systemdStateDirectory(stateDir);
  const underHome = opts.exec.some((part) => /^\/(home|root|run\/user)(\/|$)/.test(part));
  const unit = [
    '[Unit]',
    'Description=Cameleer runner: runs Cameleer apps for the edge over an outbound tunnel',
    'Wants=network-online.target',
    `After=network-online.target${opts.docker ? ' docker.service' : ''}`,
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${opts.exec.map(quoteArg).join(' ')} start --state-dir ${quoteArg(stateDir)} --quiet`,
    `User=${opts.user}`,
    `Group=${opts.user}`,
    ...(opts.docker ? ['SupplementaryGroups=docker'] : []),
    `EnvironmentFile=-${serviceEnvFile}`,
    ...(managed ? [`StateDirectory=${managed}`, 'StateDirectoryMode=0700'] : []),
    `WorkingDirectory=${stateDir}`,
    // Always, not on-failure: `cameleer-runner update` stops the old build and systemd starts the new one.
    'Restart=always',
    'RestartSec=5s',
    // 2 is a revoked runner: it needs a new registration, restarting cannot help.
    'RestartPreventExitStatus=2',
    'KillMode=process',
    'TimeoutStopSec=30s',
    'UMask=0077',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    // A runner run from a clone in a home directory must still read its own code.
    `ProtectHome=${underHome ? 'read-only' : 'yes'}`,
    `ReadWritePaths=${stateDir}`,
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'CapabilityBoundingSet=',
    'AmbientCapabilities=',
    // AF_NETLINK: Node and the JVM list network interfaces through it.
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK',
    'RestrictNamespaces=yes',
    'RestrictRealtime=yes',
    'RestrictSUIDSGID=yes',
    'LockPersonality=yes',
    'ProtectClock=yes',
    'ProtectHostname=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    'ProtectControlGroups=yes',
    'ProtectProc=invisible',
    'SystemCallArchitectures=native',
    'SystemCallFilter=@system-service',
    'SystemCallErrorNumber=EPERM',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ];
  return unit.join('\n');
}

/** `StateDirectory=` takes paths under /var/lib only; elsewhere the installer makes the directory. */
export function systemdStateDirectory(stateDir: string): string | undefined {
  const relative = posix.relative('/var/lib', posix.normalize(stateDir));
  return relative && !relative.startsWith('..') && !posix.isAbsolute(relative) ? relative : undefined;
}

/** systemd splits ExecStart on spaces and reads `%` and `$` itself: quote and escape what needs it. */
function quoteArg(arg: string): string {
  const escaped = arg.replaceAll('%', '%%').replaceAll('$', '$$');
  return /[\s"'\\;]/.test(escaped) ? `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"` : escaped;
}
