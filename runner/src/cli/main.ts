import { defaultLicenceGraceDays } from '@cameleer/shared';
import { Command, CommanderError } from 'commander';
import { defaultServiceStateDir, defaultServiceUser, defaultUnitDir } from '../service/systemd-unit.ts';
import { defaultStateDir } from '../state/state-dir.ts';
import { chooseStateDir } from '../state/state-dir-lookup.ts';
import { runnerVersion } from '../version.ts';
import { backupCommand, restoreCommand } from './backup-command.ts';
import { doctorCommand } from './doctor-command.ts';
import { installServiceCommand, uninstallServiceCommand } from './install-service-command.ts';
import { licenseVerifyCommand } from './license-command.ts';
import { logsCommand } from './logs-command.ts';
import { registerCommand } from './register-command.ts';
import { startCommand } from './start-command.ts';
import { statusCommand } from './status-command.ts';
import { updateCommand } from './update-command.ts';

/** Prints one line and exits non-zero: every failure of the CLI ends here. */
function fail(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`cameleer-runner: ${message}\n`);
  process.exit(1);
}

// No commander default: an explicit --state-dir must be told from none (see chooseStateDir).
const stateDirOption = [
  '--state-dir <dir>',
  `where the runner keeps its identity, key, journal and logs (default: CAMELEER_STATE_DIR, else ${defaultStateDir})`,
] as const;
const readingStateDirOption = [
  '--state-dir <dir>',
  `the runner's state directory (default: CAMELEER_STATE_DIR, else ${defaultStateDir}, else ./.cameleer/runner when \`npm start\` runs one there)`,
] as const;

/** The state directory of a command that creates or runs a runner. */
const ownStateDir = <T extends { stateDir?: string }>(opts: T) => ({
  ...opts,
  stateDir: chooseStateDir(opts.stateDir, process.env, { lookForNpmStart: false }).dir,
});
/** The state directory of a command that reads one: it may be the runner of `npm start`. */
const foundStateDir = <T extends { stateDir?: string }>(opts: T) => ({
  ...opts,
  stateDir: chooseStateDir(opts.stateDir, process.env, { lookForNpmStart: true }),
});

const program = new Command()
  .name('cameleer-runner')
  .description('Runs Cameleer apps on this machine for the edge, over an outbound-only tunnel.')
  .version(runnerVersion)
  .exitOverride()
  .showHelpAfterError('(run with --help for usage)');

program
  .command('register')
  .description('register this runner with the edge using a one-time registration token')
  .requiredOption('--url <url>', "the edge's URL, e.g. https://cameleer.example.com")
  .requiredOption('--token <token>', 'a one-time registration token (cmr_reg_…) created in the console')
  .option('--name <name>', 'a name for this runner (default: the host name)')
  .option(...stateDirOption)
  .option('--force', 'replace an identity already in the state directory')
  .action((opts) => registerCommand(ownStateDir(opts)));

program
  .command('start')
  .description('connect to the edge and run commands, in the foreground (Ctrl-C stops it)')
  .option(...stateDirOption)
  .option('--quiet', 'log to the log file only, not to the terminal')
  .action((opts) => startCommand(ownStateDir(opts)));

program
  .command('status')
  .description('show whether the runner is running and connected')
  .option(...readingStateDirOption)
  .option('--json', 'print the status as JSON')
  .action((opts) => statusCommand(foundStateDir(opts)));

program
  .command('logs')
  .description("show the runner's log")
  .option(...readingStateDirOption)
  .option('-n, --lines <n>', 'how many of the last lines to show', '50')
  .option('-f, --follow', 'keep printing new lines as they are written')
  .action((opts) => logsCommand(foundStateDir(opts)));

program
  .command('doctor')
  .description('check the edge, the clock, the identity, Docker, Kubernetes and proxies, and say what to fix')
  .option(...readingStateDirOption)
  .option('--url <url>', 'check this edge URL instead of the registered one')
  .action((opts) => doctorCommand(foundStateDir(opts)));

program
  .command('update')
  .description(
    'replace this single-file runner with a newer build its edge serves, verified with the release key, and restart it',
  )
  .option('--to <version>', "the version to install (default: the edge's latest)")
  .option('--url <url>', 'ask this edge instead of the registered one')
  .option('--no-restart', 'leave a running runner on the old version until it restarts')
  .option(...stateDirOption)
  .action((opts) => updateCommand(ownStateDir(opts)));

program
  .command('license')
  .description('work with Cameleer licences offline')
  .command('verify')
  .description(
    'verify a licence file offline: signature, key id and expiry; exits non-zero and says why on any failure',
  )
  .argument('<file>', 'the licence token, as saved from `cameleer license show`')
  .option(
    '--keys <file|url>',
    "a JWKS to trust instead of the keys stored in the state directory (your edge's /.well-known/license-keys)",
  )
  .option(...stateDirOption)
  .option('--grace-days <n>', 'days an expired licence is still accepted', String(defaultLicenceGraceDays))
  .option('--json', 'print the verdict as JSON')
  .action((file: string, opts) => licenseVerifyCommand(file, ownStateDir(opts)));

program
  .command('backup')
  .description(
    "back up the runner while it runs: state directory, journal, telemetry spool and the apps' writeable volumes, in one .tar.gz",
  )
  .option(...readingStateDirOption)
  .option('--to <file>', 'the archive to write (default: cameleer-runner-backup-<runner>-<time>.tar.gz here)')
  .action((opts) => {
    const { stateDir, ...rest } = foundStateDir(opts);
    return backupCommand({ ...rest, stateDir: stateDir.dir });
  });

program
  .command('restore')
  .description('restore a backup into the state directory (the runner stopped), and its Docker volumes')
  .argument('<file>', 'an archive written by `cameleer-runner backup`')
  .option(...stateDirOption)
  .option('--force', 'replace an identity already in the state directory')
  .action((file: string, opts) => restoreCommand(file, ownStateDir(opts)));

program
  .command('install-service')
  .description(
    'install the runner as a systemd service (as root): a system user, the unit, enabled and started',
  )
  .option('--user <name>', 'the system user the service runs as, created when missing', defaultServiceUser)
  .option('--state-dir <dir>', 'the state directory of a registered runner', defaultServiceStateDir)
  .option('--exec <path>', 'the runner executable (default: this runner)')
  .option('--unit-dir <dir>', 'where the unit goes', defaultUnitDir)
  .option('--dry-run', 'print the unit and change nothing')
  .action((opts) => installServiceCommand(opts));

program
  .command('uninstall-service')
  .description(
    'stop, disable and remove the systemd service (as root); keeps the state directory unless --purge',
  )
  .option('--state-dir <dir>', "the service's state directory", defaultServiceStateDir)
  .option('--unit-dir <dir>', 'where the unit is', defaultUnitDir)
  .option(
    '--purge',
    "also delete the state directory: the runner's identity, journal and process apps' volumes",
  )
  .action((opts) => uninstallServiceCommand(opts));

// No top-level await: the single-file runner is bundled as CommonJS, which has none.
program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  fail(err);
});
