import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import { runnerVersion } from '../../version.ts';
import { type ApiClient, ApiError, openApi } from '../api-client.ts';
import { AppVersion, AppVersionList, Deployment, DeploymentList, EnvironmentList } from '../api-schemas.ts';
import { compactBuildProgress, verboseProgress } from '../build-output.ts';
import { type CliContext, printJson } from '../cli-context.ts';
import { CliError } from '../cli-error.ts';
import { followDeployment, parseSeconds } from '../follow.ts';
import { problemMessage, readProblem } from '../problem.ts';
import { relativeAge } from '../relative-age.ts';
import { formatTable } from '../table.ts';

type DeployOptions = {
  app: string;
  env: string;
  label?: string;
  wait?: boolean;
  timeout: number;
  json?: boolean;
  verbose?: boolean;
};

const progressThresholdBytes = 1024 * 1024;

export function registerDeployCommands(program: Command, ctx: CliContext): void {
  program
    .command('deploy')
    .description('upload a JAR as a version of an app and deploy it to an environment')
    .argument('<file>', 'the application JAR')
    .requiredOption('--app <name>', 'the app to deploy (see `cameleer apps list`)')
    .requiredOption('--env <name>', 'the environment to deploy to, e.g. dev')
    .option('--label <label>', 'the version label (default v{n})')
    .option('--wait', 'follow the deployment until it is RUNNING; exit non-zero if it fails')
    .option('--timeout <seconds>', 'with --wait, how long to wait (default 600)', parseSeconds, 600)
    .option('--json', 'print the version and the deployment as JSON')
    .option('--verbose', 'with --wait, print every line of the image build (default: a line per step)')
    .action((file: string, opts: DeployOptions) => deploy(ctx, file, opts));

  program
    .command('status')
    .description('show the latest deployment of an app in each environment')
    .requiredOption('--app <name>', 'the app')
    .option('--env <name>', 'only this environment')
    .option('--json', 'print the deployments as JSON')
    .action((opts: { app: string; env?: string; json?: boolean }) => showStatus(ctx, opts));
}

async function deploy(ctx: CliContext, file: string, opts: DeployOptions) {
  const api = await openApi(ctx);
  // Progress and the timeline go to stderr under --json, so stdout stays one JSON document.
  const say = opts.json ? (text: string) => process.stderr.write(text) : ctx.write;
  // Before anything is stored: a JAR uploaded for an environment that does not exist stays as a stray version.
  await ensureEnvironment(api, opts.env);
  const { version, created } = await uploadJar(ctx, api, file, opts);
  say(
    created
      ? `Uploaded ${basename(file)} as ${version.label} (sha256 ${version.sha256.slice(0, 12)}, main class ${version.mainClass}).\n`
      : `unchanged: reusing version ${version.label}\n`,
  );
  const deployment = await api.post(
    api.tenantPath(`/apps/${encodeURIComponent(opts.app)}/deployments`),
    { environment: opts.env, version: version.id },
    Deployment,
  );
  say(`Deploying ${version.label} of ${opts.app} to ${opts.env}: deployment ${deployment.id}.\n`);
  if (!opts.wait) {
    if (opts.json) return printJson(ctx, { version, deployment });
    ctx.write(`Follow it with \`cameleer status --app ${opts.app} --env ${opts.env}\`.\n`);
    return;
  }
  const showProgress = opts.verbose ? verboseProgress : compactBuildProgress();
  const done = await followDeployment(api, deployment.id, opts.timeout, say, showProgress);
  if (opts.json) printJson(ctx, { version, deployment: done });
  if (done.state !== 'RUNNING') {
    throw new CliError(`Deployment ${done.id} ${done.state}: ${done.reason}`);
  }
  if (!opts.json)
    ctx.write(`${opts.app} ${version.label} is RUNNING in ${opts.env}${done.url ? ` at ${done.url}` : ''}\n`);
}

async function ensureEnvironment(api: ApiClient, name: string) {
  const { items } = await api.get(api.tenantPath('/environments'), EnvironmentList);
  if (items.some((env) => env.name === name || env.id === name)) return;
  const known = items.map((env) => env.name).join(', ');
  throw new CliError(
    `There is no environment ${name}${known ? ` (there are ${known})` : ''}; nothing was uploaded. ` +
      'Create it with `POST /api/tenants/{tenant}/environments` or pick another --env.',
  );
}

/** Streams the JAR from disk to the edge; 200 means the edge already had these bytes. */
async function uploadJar(
  ctx: CliContext,
  api: ApiClient,
  file: string,
  opts: { app: string; label?: string },
): Promise<{ version: AppVersion; created: boolean }> {
  const size = await fileSize(file);
  const query = new URLSearchParams({ filename: basename(file) });
  if (opts.label) query.set('label', opts.label);
  const url = `${api.session.url}${api.tenantPath(`/apps/${encodeURIComponent(opts.app)}/versions`)}?${query}`;
  let body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  if (size > progressThresholdBytes) body = body.pipeThrough(progressMeter(basename(file), size));
  // A streamed request body needs `duplex: 'half'`, which the DOM RequestInit type does not know.
  const init: RequestInit & { duplex: 'half' } = {
    method: 'POST',
    headers: {
      authorization: `Bearer ${api.session.token}`,
      accept: 'application/json, application/problem+json',
      'content-type': 'application/java-archive',
      'content-length': String(size),
      'user-agent': `cameleer-cli/${runnerVersion}`,
    },
    body,
    duplex: 'half',
  };
  let res: Response;
  try {
    res = await ctx.fetch(url, init);
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    throw new CliError(
      `Could not upload to ${url}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
  if (!res.ok) {
    throw new ApiError(res.status, problemMessage(await readProblem(res), res, `POST ${url}`));
  }
  const parsed = AppVersion.safeParse(await res.json().catch(() => undefined));
  if (!parsed.success) throw new CliError(`Unexpected answer from ${url}: not a version`);
  return { version: parsed.data, created: res.status === 201 };
}

async function fileSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new CliError(`Not a file: ${file}`);
    return info.size;
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** Counts bytes on their way out: a redrawn line on a terminal, a line per quarter in a log. */
function progressMeter(name: string, total: number): TransformStream<Uint8Array, Uint8Array> {
  const tty = process.stderr.isTTY;
  const mib = (n: number) => (n / progressThresholdBytes).toFixed(1);
  let sent = 0;
  let shown = -1;
  const show = () => {
    const percent = Math.floor((sent / total) * 100);
    const step = tty ? percent : Math.floor(percent / 25) * 25;
    if (step === shown) return;
    shown = step;
    const line = `uploading ${name}  ${mib(sent)} / ${mib(total)} MiB (${step}%)`;
    process.stderr.write(tty ? `\r${line}${sent >= total ? '\n' : ''}` : `${line}\n`);
  };
  return new TransformStream({
    transform(chunk, controller) {
      sent += chunk.byteLength;
      show();
      controller.enqueue(chunk);
    },
  });
}

async function showStatus(ctx: CliContext, opts: { app: string; env?: string; json?: boolean }) {
  const api = await openApi(ctx);
  const app = encodeURIComponent(opts.app);
  const [deployments, environments, versions] = await Promise.all([
    api.get(api.tenantPath(`/apps/${app}/deployments?limit=200`), DeploymentList),
    api.get(api.tenantPath('/environments'), EnvironmentList),
    api.get(api.tenantPath(`/apps/${app}/versions`), AppVersionList),
  ]);
  const label = new Map(versions.items.map((v) => [v.id, v.label]));
  const row = (environment: string, d: Deployment) => ({
    environment,
    state: d.state,
    version: label.get(d.versionId) ?? d.versionId,
    since: d.updatedAt,
    reason: d.reason,
    url: d.url,
    deploymentId: d.id,
  });
  const rows = environments.items
    .filter((env) => !opts.env || env.name === opts.env || env.id === opts.env)
    .flatMap((env) => {
      // The list is newest first, so the first one per environment is its latest.
      const mine = deployments.items.filter((d) => d.environmentId === env.id);
      const latest = mine[0];
      if (!latest) return [];
      // After a failed (or still running) deploy an older version may serve: show both, what serves first.
      const serving = latest.state === 'RUNNING' ? undefined : mine.find((d) => d.state === 'RUNNING');
      return [{ ...row(env.name, latest), ...(serving ? { serving: row(env.name, serving) } : {}) }];
    });
  if (opts.json) return printJson(ctx, rows);
  if (rows.length === 0) {
    ctx.write(`No deployments of ${opts.app}${opts.env ? ` in ${opts.env}` : ''} yet.\n`);
    return;
  }
  const cells = (r: ReturnType<typeof row>, note = '') => [
    r.environment,
    r.state,
    r.version,
    relativeAge(new Date(r.since), ctx.now()),
    oneLine(`${note}${r.reason}`),
    r.url ?? '-',
  ];
  const headers = ['ENVIRONMENT', 'STATE', 'VERSION', 'SINCE', 'REASON', 'URL'];
  ctx.write(
    formatTable(
      headers,
      rows.flatMap((r) =>
        r.serving
          ? [cells(r.serving, 'serves; '), cells(r, `latest attempt, ${r.serving.version} still serves: `)]
          : [cells(r)],
      ),
    ),
  );
}

/** A failure reason can carry the container's last log lines; a table cell takes the first 80 characters. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 79)}…` : flat || '-';
}
