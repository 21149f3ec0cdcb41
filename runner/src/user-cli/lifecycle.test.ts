import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newId, protocolVersion, signProductToken } from '@cameleer/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { servedAt } from '../../../edge/test/deploy-results.ts';
import {
  appActionResult,
  completeCommand,
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

type Tenant = Awaited<ReturnType<TestEdge['tenant']>>;
type Registered = Awaited<ReturnType<typeof registerTestRunner>>;
type RunnerScope = { db: TestEdge['db']; tenantId: string; clock: TestEdge['clock'] };

const timeline = (state: string, reason: string) =>
  new RegExp(`^  \\d\\d:\\d\\d:\\d\\d  ${state.padEnd(8)}  ${reason}$`, 'm');

describe('cameleer promote, rollback, stop, restart, remove and logs', () => {
  let edge: TestEdge;
  let server: Awaited<ReturnType<typeof listenTestEdge>>;
  let tenant: Tenant;
  let runner: Registered;
  let runnerId = '';
  let connection: WebSocket | undefined;
  let temp: Awaited<ReturnType<typeof tempConfigDir>>;

  beforeAll(async () => {
    edge = await createTestEdge('pglite');
    server = await listenTestEdge(edge);
    tenant = await edge.tenant('acme');
    temp = await tempConfigDir();
    // Registered but never connected: the test plays the runner by applying its results directly.
    runner = await registerTestRunner(edge, tenant);
    runnerId = runner.runnerId;
    const login = await cli(['login', '--url', server.url, '--token', tenant.tokens.developer]);
    if (login.code !== 0) throw new Error(`login: ${login.stderr}`);
    const app = await edge.request('/api/tenants/acme/apps', {
      method: 'POST',
      token: tenant.tokens.developer,
      json: { name: 'orders' },
    });
    if (app.status !== 201) throw new Error(`app: ${app.status}`);
    // v1 ran in staging, then v2 replaced it: staging has something to promote and something to roll back to.
    for (const label of ['v1', 'v2']) {
      const jar = await sampleJar(label);
      const deployed = await settle(['deploy', jar, '--app', 'orders', '--env', 'staging'], (id) =>
        runSucceeds(id),
      );
      if (deployed.code !== 0) throw new Error(`deploy ${label}: ${deployed.stderr}`);
    }
  });
  afterAll(async () => {
    connection?.close();
    await server?.close();
    await edge?.close();
    await temp?.remove();
  });

  function cli(args: string[]) {
    return runCli(args, { CAMELEER_CONFIG: temp.config });
  }

  it('promote deploys the version running in one environment to another and --wait follows it', async () => {
    const run = await settle(
      [
        'promote',
        '--app',
        'orders',
        '--from',
        'staging',
        '--to',
        'prod',
        '--wait',
        '--timeout',
        '20',
        '--json',
      ],
      async (id) => {
        await asRunner((ctx) => deploymentProgress(ctx, id, 'stage:STARTING'));
        await runSucceeds(id, 'http://127.0.0.1:18081');
      },
    );

    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^Deploying v2 of orders to prod: deployment dep_\w+\.$/m);
    expect(run.stderr).toMatch(timeline('BUILDING', 'deploying v2 to prod'));
    expect(run.stderr).toMatch(timeline('RUNNING', 'healthy and serving'));
    const out = JSON.parse(run.stdout) as { version: { label: string }; deployment: Record<string, unknown> };
    expect(out.version.label).toBe('v2');
    expect(out.deployment).toMatchObject({ state: 'RUNNING', url: 'http://127.0.0.1:18081' });
  });

  it('promote says why when nothing runs in the source environment', async () => {
    const run = await cli(['promote', '--app', 'orders', '--from', 'dev', '--to', 'prod']);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^cameleer: .*dev.* \[HTTP 409\]\n$/);
  });

  it('rollback deploys the previous version again and --wait exits non-zero when it fails', async () => {
    const run = await settle(['rollback', '--app', 'orders', '--env', 'staging', '--wait'], (id) =>
      asRunner((ctx) =>
        deploymentResult(ctx, { commandId: id, status: 'failed', error: 'port 8080 in use' }),
      ),
    );

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Deploying v1 of orders to staging: deployment dep_\w+\.$/m);
    expect(run.stdout).toMatch(timeline('FAILED', 'port 8080 in use'));
    expect(run.stderr).toMatch(/^cameleer: Deployment dep_\w+ FAILED: port 8080 in use\n$/);
  });

  it('rollback without --wait says how to follow it', async () => {
    const run = await cli(['rollback', '--app', 'orders', '--env', 'staging']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Deploying v1 of orders to staging: deployment dep_\w+\.$/m);
    expect(run.stdout).toContain('Follow it with `cameleer status --app orders --env staging`.');
  });

  it('rollback says why when no earlier version ran in the environment', async () => {
    const run = await cli(['rollback', '--app', 'orders', '--env', 'prod']);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^cameleer: .*prod.* \[HTTP 409\]\n$/);
  });

  it('stop waits for the runner, prints the outcome, and the deployment is STOPPED', async () => {
    const run = await settle(['stop', '--app', 'orders', '--env', 'prod'], (id) => finish(id, 'succeeded'));

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Asked the runner to stop orders in prod: command cmd_\w+\.$/m);
    expect(run.stdout).toMatch(/^Stopped orders in prod\.$/m);
    const status = await cli(['status', '--app', 'orders', '--env', 'prod', '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject([{ environment: 'prod', state: 'STOPPED' }]);
  });

  it("restart exits non-zero with the runner's reason when it fails", async () => {
    const run = await settle(['restart', '--app', 'orders', '--env', 'prod', '--json'], (id) =>
      finish(id, 'failed', 'container orders-prod not found'),
    );

    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'restart', state: 'failed' });
    expect(run.stderr).toMatch(
      /cameleer: Could not restart orders in prod: container orders-prod not found\n$/,
    );
  });

  it('remove gives up at --timeout while the runner does not answer', async () => {
    const run = await cli(['remove', '--app', 'orders', '--env', 'prod', '--timeout', '1']);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^cameleer: Timed out after 1 s: command cmd_\w+ is still queued\./);
  });

  it('remove says why when the app was never deployed to the environment', async () => {
    const run = await cli(['remove', '--app', 'orders', '--env', 'dev']);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^cameleer: .*dev.* \[HTTP 409\]\n$/);
  });

  it('logs says so when the runner is offline', async () => {
    const run = await cli(['logs', '--app', 'orders', '--env', 'prod']);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^cameleer: The runner that runs orders in prod is offline \(request id req_[0-9A-Za-z]+\) \[HTTP 503\]\n$/,
    );
  });

  it('logs prints the last -n lines the runner sends back', async () => {
    connection = await connectAnsweringLogs(['started', 'GET /orders 200', 'GET /orders/7 404']);

    const run = await cli(['logs', '--app', 'orders', '--env', 'prod', '-n', '2']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('GET /orders 200\nGET /orders/7 404\n');

    const json = await cli(['logs', '--app', 'orders', '--env', 'prod', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(['started', 'GET /orders 200', 'GET /orders/7 404']);
  });

  it.each([
    [['promote'], ['--from <env>', '--to <env>', '--wait', '--timeout <seconds>', '--json']],
    [['rollback'], ['--env <name>', '--wait', '--timeout <seconds>']],
    [['stop'], ['--app <name>', '--env <name>', '--timeout <seconds>']],
    [['restart'], ['--app <name>', '--env <name>']],
    [['remove'], ['--app <name>', '--env <name>']],
    [['logs'], ['--app <name>', '--env <name>', '-n, --lines <count>']],
  ])('cameleer %j --help describes its options', async (command, expected) => {
    const run = await runCli([...command, '--help']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: cameleer ${command.join(' ')}`);
    for (const text of expected) expect(run.stdout).toContain(text);
  });

  /** What a runner reports through the tunnel, applied directly. */
  function asRunner(fn: (ctx: RunnerScope) => Promise<unknown>) {
    return withTenant(edge.db, tenant.id, (tx) => fn({ db: tx, tenantId: tenant.id, clock: edge.clock }));
  }

  function runSucceeds(commandId: string, url = 'http://127.0.0.1:18080') {
    return asRunner((ctx) =>
      deploymentResult(ctx, {
        commandId,
        status: 'succeeded',
        output: servedAt({ tenant: 'acme', environment: 'staging', app: 'orders' }, url),
      }),
    );
  }

  /** A stop, restart or remove result, applied the way the edge's runner link applies it. */
  function finish(commandId: string, status: 'succeeded' | 'failed', error?: string) {
    return asRunner(async (ctx) => {
      const done = await completeCommand(ctx, runnerId, { commandId, status, error });
      if (done) await appActionResult(ctx, done, status);
    });
  }

  /** Runs the CLI and, once the edge has queued the command it asked for, plays the runner's part. */
  async function settle(args: string[], runner: (commandId: string) => Promise<unknown>) {
    const after = await newestSeq();
    const pending = cli(args);
    await runner(await commandAfter(after));
    return pending;
  }

  async function newestSeq(): Promise<number> {
    const [newest] = await runnerCommands();
    return newest?.seq ?? 0;
  }

  async function commandAfter(seq: number): Promise<string> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const [newest] = await runnerCommands();
      if (newest && newest.seq > seq) return newest.id;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no command after seq ${seq}`);
  }

  async function runnerCommands() {
    const res = await edge.request(`/api/tenants/acme/runners/${runnerId}/commands?limit=1`, {
      token: tenant.tokens.admin,
    });
    if (res.status !== 200) throw new Error(`commands: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { items: Array<{ id: string; seq: number }> }).items;
  }

  /** The registered runner, connected over the real tunnel, answering `logs` commands with the tail of `log`. */
  async function connectAnsweringLogs(log: string[]): Promise<WebSocket> {
    const credential = await signProductToken(
      'runner',
      runner.key,
      { sub: runnerId, tid: tenant.id, jti: newId('req') },
      { now: edge.clock.now(), ttlSeconds: 60 },
    );
    const ws = new WebSocket(server.wsUrl, { headers: { authorization: `Bearer ${credential}` } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const welcome = new Promise<void>((resolve) => {
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { type: string; commandId?: string; token?: string };
        if (frame.type === 'welcome') resolve();
        if (frame.type !== 'command' || !frame.token) return;
        // A real runner verifies the token; this one only reads its claims.
        const claims = JSON.parse(Buffer.from(frame.token.split('.')[1] ?? '', 'base64url').toString()) as {
          cmd: { kind: string; payload: { tail?: number } };
        };
        if (claims.cmd.kind !== 'logs') return;
        const tail = claims.cmd.payload.tail ?? log.length;
        ws.send(
          JSON.stringify({
            v: protocolVersion,
            id: newId('req'),
            type: 'result',
            commandId: frame.commandId,
            status: 'succeeded',
            output: { lines: log.slice(-tail) },
          }),
        );
      });
    });
    ws.send(
      JSON.stringify({
        v: protocolVersion,
        id: 'h1',
        type: 'hello',
        runnerVersion: '1.2.3',
        capabilities: ['docker'],
        transport: 'websocket',
        inventory: [],
      }),
    );
    await welcome;
    return ws;
  }

  /** A JAR the edge accepts; the label makes its bytes, and so its version, distinct. */
  async function sampleJar(label: string): Promise<string> {
    const file = join(temp.dir, `orders-${label}.jar`);
    const manifest = `Manifest-Version: 1.0\r\nMain-Class: demo.Main\r\nImplementation-Version: ${label}\r\n\r\n`;
    await writeFile(
      file,
      zipOf([
        { name: 'META-INF/MANIFEST.MF', data: manifest },
        { name: 'demo/Main.class', data: new Uint8Array([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 61]) },
      ]),
    );
    return file;
  }
});
