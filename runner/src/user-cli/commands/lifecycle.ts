import { type Command, InvalidArgumentError } from 'commander';
import { type ApiClient, openApi } from '../api-client.ts';
import { AppLogs, AppVersionList, Deployment, Command as RunnerCommand } from '../api-schemas.ts';
import { type CliContext, printJson } from '../cli-context.ts';
import { CliError } from '../cli-error.ts';
import { parseDuration } from '../duration.ts';
import { followCommand, followDeployment, parseSeconds } from '../follow.ts';
import { followLogs } from '../follow-logs.ts';
import { formatLogRecord, searchStoredLogs } from '../stored-logs.ts';

type FollowOptions = { app: string; wait?: boolean; timeout: number; json?: boolean };
type ActionOptions = { app: string; env: string; timeout: number; json?: boolean };
type Action = 'stop' | 'restart' | 'remove';

const actions: Record<Action, { description: string; done: (app: string, env: string) => string }> = {
  stop: { description: 'stop an app in an environment', done: (app, env) => `Stopped ${app} in ${env}.` },
  restart: {
    description: 'restart the running version of an app in an environment',
    done: (app, env) => `Restarted ${app} in ${env}.`,
  },
  remove: {
    description: "remove an app's instance from an environment",
    done: (app, env) => `Removed ${app} from ${env}.`,
  },
};

export function registerLifecycleCommands(program: Command, ctx: CliContext): void {
  withFollowOptions(
    program
      .command('promote')
      .description('deploy the version running in one environment to another')
      .requiredOption('--app <name>', 'the app')
      .requiredOption('--from <env>', 'the environment whose running version is promoted, e.g. staging')
      .requiredOption('--to <env>', 'the environment to deploy it to, e.g. prod'),
  ).action((opts: FollowOptions & { from: string; to: string }) =>
    startDeployment(ctx, opts, opts.to, `/promote`, { from: opts.from, to: opts.to }),
  );

  withFollowOptions(
    program
      .command('rollback')
      .description('deploy again the version that ran in an environment before the current one')
      .requiredOption('--app <name>', 'the app')
      .requiredOption('--env <name>', 'the environment to roll back'),
  ).action((opts: FollowOptions & { env: string }) =>
    startDeployment(ctx, opts, opts.env, '/rollback', { environment: opts.env }),
  );

  for (const [action, { description }] of Object.entries(actions) as Array<
    [Action, { description: string }]
  >) {
    program
      .command(action)
      .description(`${description} and wait for the runner`)
      .requiredOption('--app <name>', 'the app')
      .requiredOption('--env <name>', 'the environment')
      .option('--timeout <seconds>', 'how long to wait for the runner', parseSeconds, 300)
      .option('--json', 'print the finished command as JSON')
      .action((opts: ActionOptions) => runAction(ctx, action, opts));
  }

  program
    .command('logs')
    .description("print the last log lines of an app's instance in an environment")
    .requiredOption('--app <name>', 'the app')
    .requiredOption('--env <name>', 'the environment')
    .option('-n, --lines <count>', 'how many lines', parseCount, 100)
    .option('-f, --follow', 'keep printing new lines as the app writes them (Ctrl-C stops)')
    .option('--for <seconds>', 'with --follow, stop after this many seconds', parseSeconds)
    .option(
      '--since <duration>',
      'search the stored logs of this long ago until now, e.g. 15m, 2h',
      parseDuration,
    )
    .option('--grep <text>', 'search the stored logs for lines containing this text (any case)')
    .option('--level <level>', 'with --since or --grep, only records at this level or above, e.g. warn')
    .option('--json', 'print the lines as a JSON array')
    .action((opts: LogsOptions) => showLogs(ctx, opts));
}

function withFollowOptions(command: Command): Command {
  return command
    .option('--wait', 'follow the deployment until it is RUNNING; exit non-zero if it fails')
    .option('--timeout <seconds>', 'with --wait, how long to wait', parseSeconds, 600)
    .option('--json', 'print the version and the deployment as JSON');
}

/** Promote and rollback: the edge picks the version and answers with the deployment, which is followed like `deploy --wait`. */
async function startDeployment(
  ctx: CliContext,
  opts: FollowOptions,
  env: string,
  action: string,
  body: Record<string, string>,
) {
  const api = await openApi(ctx);
  const say = opts.json ? (text: string) => process.stderr.write(text) : ctx.write;
  const deployment = await api.post(appPath(api, opts.app, action), body, Deployment);
  const version = await versionOf(api, opts.app, deployment.versionId);
  say(`Deploying ${version.label} of ${opts.app} to ${env}: deployment ${deployment.id}.\n`);
  if (!opts.wait) {
    if (opts.json) return printJson(ctx, { version, deployment });
    ctx.write(`Follow it with \`cameleer status --app ${opts.app} --env ${env}\`.\n`);
    return;
  }
  const done = await followDeployment(api, deployment.id, opts.timeout, say);
  if (opts.json) printJson(ctx, { version, deployment: done });
  if (done.state !== 'RUNNING') throw new CliError(`Deployment ${done.id} ${done.state}: ${done.reason}`);
  if (!opts.json)
    ctx.write(`${opts.app} ${version.label} is RUNNING in ${env}${done.url ? ` at ${done.url}` : ''}\n`);
}

async function versionOf(api: ApiClient, app: string, versionId: string) {
  const { items } = await api.get(appPath(api, app, '/versions'), AppVersionList);
  return items.find((v) => v.id === versionId) ?? { id: versionId, label: versionId };
}

async function runAction(ctx: CliContext, action: Action, opts: ActionOptions) {
  const api = await openApi(ctx);
  const say = opts.json ? (text: string) => process.stderr.write(text) : ctx.write;
  const command = await api.post(
    appPath(api, opts.app, `/${action}`),
    { environment: opts.env },
    RunnerCommand,
  );
  say(`Asked the runner to ${action} ${opts.app} in ${opts.env}: command ${command.id}.\n`);
  const done = await followCommand(api, command.id, opts.timeout, say);
  if (opts.json) printJson(ctx, done);
  if (done.state === 'failed') {
    throw new CliError(
      `Could not ${action} ${opts.app} in ${opts.env}: ${done.error ?? 'the runner gave no reason'}`,
    );
  }
  if (!opts.json) ctx.write(`${actions[action].done(opts.app, opts.env)}\n`);
}

type LogsOptions = {
  app: string;
  env: string;
  lines: number;
  follow?: boolean;
  for?: number;
  since?: number;
  grep?: string;
  level?: string;
  json?: boolean;
};

async function showLogs(ctx: CliContext, opts: LogsOptions) {
  const api = await openApi(ctx);
  if (opts.since !== undefined || opts.grep !== undefined) {
    if (opts.follow) throw new CliError('--follow shows new lines; --since and --grep search stored ones');
    const records = await searchStoredLogs(api, ctx.now(), opts);
    if (opts.json) return printJson(ctx, records);
    return ctx.write(records.map(formatLogRecord).join(''));
  }
  if (opts.level !== undefined) throw new CliError('--level filters a search: add --since or --grep');
  if (opts.follow) {
    if (opts.json) throw new CliError('--json and --follow do not go together');
    const stop = new AbortController();
    const interrupt = () => stop.abort();
    process.once('SIGINT', interrupt);
    try {
      const bounded = opts.for ? { once: true, seconds: opts.for } : {};
      return await followLogs(
        api,
        appPath(api, opts.app, ''),
        { ...opts, ...bounded, signal: stop.signal },
        ctx.write,
      );
    } finally {
      process.off('SIGINT', interrupt);
    }
  }
  const query = new URLSearchParams({ environment: opts.env, tail: String(opts.lines) });
  const { lines } = await api.get(`${appPath(api, opts.app, '/logs')}?${query}`, AppLogs);
  if (opts.json) return printJson(ctx, lines);
  ctx.write(lines.map((line) => `${line}\n`).join(''));
}

function appPath(api: ApiClient, app: string, path: string): string {
  return api.tenantPath(`/apps/${encodeURIComponent(app)}${path}`);
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 5000)
    throw new InvalidArgumentError('expected a whole number from 1 to 5000');
  return count;
}
