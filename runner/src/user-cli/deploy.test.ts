import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedAt } from '../../../edge/test/deploy-results.ts';
import {
  addProgress,
  deploymentProgress,
  deploymentResult,
  withTenant,
} from '../../../edge/test/edge-internals.ts';
import {
  createTestEdge,
  listenTestEdge,
  registerTestRunner,
  type TestEdge,
} from '../../../edge/test/fixtures.ts';
import { zipOf } from '../../../edge/test/jars.ts';
import { runCli, tempConfigDir } from '../../test/cli-fixture.ts';
import { buildSampleJar } from '../../test/java-fixtures.ts';

type Tenant = Awaited<ReturnType<TestEdge['tenant']>>;
type DeployJson = {
  version: { label: string };
  deployment: { id: string; commandId: string; state: string; url: string | null };
};

/** What the runner relays of a `docker build`, as the engine says it. */
const dockerBuild = [
  'Step 1/8 : FROM eclipse-temurin:21-jre',
  ' ---> 3a1b2c4d5e6f',
  'Step 7/8 : RUN true',
  ' ---> Running in 0123456789ab',
  'Removing intermediate container 0123456789ab',
  ' ---> 9f8e7d6c5b4a',
  'Step 8/8 : COPY app.jar /opt/app/app.jar',
  ' ---> Using cache',
  ' ---> 1234567890ab',
  'Successfully built 1234567890ab',
  'Successfully tagged cameleer/acme-orders:v1',
];

const timeline = (state: string, reason: string) =>
  new RegExp(`^  \\d\\d:\\d\\d:\\d\\d  ${state.padEnd(8)}  ${reason}$`, 'm');

describe('cameleer deploy and status', () => {
  let edge: TestEdge;
  let server: Awaited<ReturnType<typeof listenTestEdge>>;
  let tenant: Tenant;
  let temp: Awaited<ReturnType<typeof tempConfigDir>>;
  let runnerId = '';
  let jar = '';

  beforeAll(async () => {
    edge = await createTestEdge('pglite');
    server = await listenTestEdge(edge);
    tenant = await edge.tenant('acme');
    temp = await tempConfigDir();
    // Registered but never connected: deployments are accepted and stay BUILDING until the test moves them.
    runnerId = (await registerTestRunner(edge, tenant)).runnerId;
    jar = await buildSampleJar({ version: '1' });
    const login = await runCli(['login', '--url', server.url, '--token', tenant.tokens.developer], {
      CAMELEER_CONFIG: temp.config,
    });
    if (login.code !== 0) throw new Error(`login: ${login.stderr}`);
    const app = await edge.request('/api/tenants/acme/apps', {
      method: 'POST',
      token: tenant.tokens.developer,
      json: { name: 'orders' },
    });
    if (app.status !== 201) throw new Error(`app: ${app.status}`);
  });
  afterAll(async () => {
    await server?.close();
    await edge?.close();
    await temp?.remove();
  });

  const cli = (args: string[]) => runCli(args, { CAMELEER_CONFIG: temp.config });

  /** What a runner reports through the tunnel, applied directly. */
  const asRunner = (
    fn: (ctx: { db: TestEdge['db']; tenantId: string; clock: TestEdge['clock'] }) => Promise<void>,
  ) => withTenant(edge.db, tenant.id, (tx) => fn({ db: tx, tenantId: tenant.id, clock: edge.clock }));

  it('uploads the JAR, creates a deployment, and reuses the version for the same bytes', async () => {
    const run = await cli(['deploy', jar, '--app', 'orders', '--env', 'dev', '--json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as DeployJson;
    expect(out.version).toMatchObject({ label: 'v1', mainClass: expect.any(String) });
    expect(out.deployment).toMatchObject({ id: expect.stringMatching(/^dep_/), state: 'BUILDING' });
    expect(run.stderr).toContain(`Uploaded ${basename(jar)} as v1 (sha256 `);

    const again = await cli(['deploy', jar, '--app', 'orders', '--env', 'dev']);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('unchanged: reusing version v1\n');
    expect(again.stdout).toMatch(/Deploying v1 of orders to dev: deployment dep_\w+\./);
  });

  it('--wait gives up at --timeout with a clear message and a non-zero exit', async () => {
    const run = await cli(['deploy', jar, '--app', 'orders', '--env', 'dev', '--wait', '--timeout', '2']);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(timeline('BUILDING', 'deploying v1 to dev'));
    expect(run.stderr).toMatch(
      /^cameleer: Timed out after 2 s: deployment dep_\w+ is still BUILDING \(deploying v1 to dev\)\./,
    );
  });

  it('--wait prints each transition and the url, and exits 0 on RUNNING', async () => {
    const pending = cli([
      'deploy',
      jar,
      '--app',
      'orders',
      '--env',
      'staging',
      '--wait',
      '--timeout',
      '20',
      '--json',
    ]);
    const commandId = await latestCommand('staging');
    await asRunner((ctx) => addProgress(ctx, runnerId, commandId, dockerBuild.join('\n')));
    await asRunner((ctx) => deploymentProgress(ctx, commandId, 'stage:STARTING'));
    await asRunner((ctx) => addProgress(ctx, runnerId, commandId, 'stage:STARTING'));
    await asRunner((ctx) =>
      deploymentResult(ctx, {
        commandId,
        status: 'succeeded',
        output: servedAt({ tenant: 'acme', environment: 'staging', app: 'orders' }, 'http://127.0.0.1:18080'),
      }),
    );
    const run = await pending;

    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(timeline('BUILDING', 'deploying v1 to staging'));
    // The runner may run apps as processes: the timeline claims no image, the build lines say it.
    expect(run.stderr).toMatch(timeline('STARTING', 'starting the new instance'));
    expect(run.stderr).toMatch(timeline('RUNNING', 'healthy and serving'));
    // What the runner reports while it works shows under the timeline; its stage markers do not.
    expect(run.stderr).toMatch(/^ +│ Step 8\/8 : COPY app\.jar \/opt\/app\/app\.jar$/m);
    // docker build compactly: a line per step and a summary, without the engine's chatter.
    expect(run.stderr).toMatch(/^ +│ Step 7\/8 : RUN true$/m);
    expect(run.stderr).toMatch(/^ +│ image built: cameleer\/acme-orders:v1 \(8 steps, 1 from cache\)$/m);
    expect(run.stderr).not.toContain('--->');
    expect(run.stderr).not.toContain('intermediate container');
    expect(run.stderr).not.toContain('stage:');
    const out = JSON.parse(run.stdout) as DeployJson;
    expect(out.deployment).toMatchObject({ state: 'RUNNING', url: 'http://127.0.0.1:18080' });
  });

  it('--wait exits non-zero with the reason when the deployment fails', async () => {
    const pending = cli(['deploy', jar, '--app', 'orders', '--env', 'prod', '--wait', '--timeout', '20']);
    const commandId = await latestCommand('prod');
    await asRunner((ctx) =>
      deploymentResult(ctx, { commandId, status: 'failed', error: 'health check failed: GET /health 500' }),
    );
    const run = await pending;

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(timeline('FAILED', 'health check failed: GET /health 500'));
    expect(run.stderr).toMatch(
      /^cameleer: Deployment dep_\w+ FAILED: health check failed: GET \/health 500\n$/,
    );
  });

  it('refuses a file that is not a JAR with the invalid-artifact detail', async () => {
    const file = join(temp.dir, 'notes.jar');
    await writeFile(file, 'just some text, not a zip');
    const run = await cli(['deploy', file, '--app', 'orders', '--env', 'dev']);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^cameleer: not a ZIP archive: a JAR starts with the bytes PK\\x03\\x04 \(request id req_[0-9A-Za-z]+\) \[HTTP 400\]\n$/,
    );
  });

  it('says so when the file cannot be read', async () => {
    const run = await cli(['deploy', join(temp.dir, 'missing.jar'), '--app', 'orders', '--env', 'dev']);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^cameleer: Cannot read .*missing\.jar: ENOENT\n$/);
  });

  it('shows upload progress on stderr for a JAR over 1 MiB', async () => {
    const file = join(temp.dir, 'big.jar');
    const manifest = 'Manifest-Version: 1.0\r\nMain-Class: demo.Main\r\n\r\n';
    await writeFile(
      file,
      zipOf([
        { name: 'META-INF/MANIFEST.MF', data: manifest },
        { name: 'demo/Main.class', data: new Uint8Array([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 61]) },
        { name: 'blob.bin', data: randomBytes(2 * 1024 * 1024), method: 'store' },
      ]),
    );
    const run = await cli(['deploy', file, '--app', 'orders', '--env', 'dev', '--label', 'big']);

    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^uploading big\.jar {2}2\.0 \/ 2\.0 MiB \(100%\)$/m);
    expect(run.stdout).toContain('Uploaded big.jar as big');
  });

  it('status shows the latest deployment per environment', async () => {
    const json = await cli(['status', '--app', 'orders', '--json']);
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(rows).toMatchObject([
      { environment: 'dev', state: 'BUILDING', version: 'big', url: null },
      { environment: 'staging', state: 'RUNNING', version: 'v1', url: 'http://127.0.0.1:18080' },
      { environment: 'prod', state: 'FAILED', version: 'v1', reason: 'health check failed: GET /health 500' },
    ]);

    const table = await cli(['status', '--app', 'orders', '--env', 'staging']);
    expect(table.code).toBe(0);
    const [header, row, ...rest] = table.stdout.trimEnd().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual(['ENVIRONMENT', 'STATE', 'VERSION', 'SINCE', 'REASON', 'URL']);
    expect(row?.split(/\s{2,}/)).toEqual([
      'staging',
      'RUNNING',
      'v1',
      expect.stringMatching(/ago$/),
      'healthy and serving',
      'http://127.0.0.1:18080',
    ]);
    expect(rest).toEqual([]);
  });

  it('--verbose shows every line of docker build', async () => {
    const failed = await latestCommand('prod');
    const pending = cli(['deploy', jar, '--app', 'orders', '--env', 'prod', '--wait', '--verbose']);
    const commandId = await latestCommand('prod', failed);
    await asRunner((ctx) => addProgress(ctx, runnerId, commandId, dockerBuild.join('\n')));
    await asRunner((ctx) =>
      deploymentResult(ctx, { commandId, status: 'succeeded', output: { instance: {} } }),
    );
    const run = await pending;

    expect(run.code).toBe(0);
    for (const line of dockerBuild) expect(run.stdout).toContain(`│ ${line.trimEnd()}\n`);
    expect(run.stdout).not.toContain('image built:');
  });

  it('status shows what still serves beside a failed deploy', async () => {
    const served = await latestCommand('staging');
    const pending = cli([
      'deploy',
      join(temp.dir, 'big.jar'),
      '--app',
      'orders',
      '--env',
      'staging',
      '--wait',
    ]);
    const commandId = await latestCommand('staging', served);
    await asRunner((ctx) =>
      deploymentResult(ctx, { commandId, status: 'failed', error: 'health check failed' }),
    );
    expect((await pending).code).toBe(1);

    const table = await cli(['status', '--app', 'orders', '--env', 'staging']);
    expect(table.code).toBe(0);
    const [, serving, failed, ...rest] = table.stdout.trimEnd().split('\n');
    expect(serving?.split(/\s{2,}/)).toEqual([
      'staging',
      'RUNNING',
      'v1',
      expect.stringMatching(/ago$/),
      'serves; healthy and serving',
      'http://127.0.0.1:18080',
    ]);
    expect(failed?.split(/\s{2,}/)).toEqual([
      'staging',
      'FAILED',
      'big',
      expect.stringMatching(/ago$/),
      'latest attempt, v1 still serves: health check failed',
      '-',
    ]);
    expect(rest).toEqual([]);

    const json = JSON.parse((await cli(['status', '--app', 'orders', '--env', 'staging', '--json'])).stdout);
    expect(json).toMatchObject([
      {
        environment: 'staging',
        state: 'FAILED',
        version: 'big',
        serving: { state: 'RUNNING', version: 'v1', url: 'http://127.0.0.1:18080' },
      },
    ]);
  });

  it('refuses an environment that does not exist before uploading anything', async () => {
    const versions = async () =>
      (
        (await (
          await edge.request('/api/tenants/acme/apps/orders/versions', { token: tenant.tokens.viewer })
        ).json()) as {
          items: unknown[];
        }
      ).items.length;
    const before = await versions();
    const file = join(temp.dir, 'other.jar');
    await writeFile(
      file,
      zipOf([
        { name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\r\nMain-Class: demo.Other\r\n\r\n' },
      ]),
    );
    const run = await cli(['deploy', file, '--app', 'orders', '--env', 'nope']);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^cameleer: There is no environment nope \(there are dev, staging, prod\); nothing was uploaded\./,
    );
    expect(await versions()).toBe(before);
  });

  /** The deploy command of the newest deployment in an environment (other than `before`), once the CLI has created it. */
  async function latestCommand(environment: string, before?: string): Promise<string> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const res = await edge.request('/api/tenants/acme/apps/orders/deployments', {
        token: tenant.tokens.viewer,
      });
      const { items } = (await res.json()) as {
        items: Array<{ environmentId: string; commandId: string | null }>;
      };
      const env = await (
        await edge.request(`/api/tenants/acme/environments/${environment}`, { token: tenant.tokens.viewer })
      ).json();
      const found = items.find((d) => d.environmentId === (env as { id: string }).id);
      if (found?.commandId && found.commandId !== before) return found.commandId;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no deployment in ${environment}`);
  }
});
