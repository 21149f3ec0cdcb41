/**
 * The agent side of failed exchanges as the sample app implements it, on a real JVM: redaction in the
 * app (through the JAR's Redactor), the report to a recording intake, and `POST /replay` with its
 * token, idempotency key and outcomes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { FailedExchangeReport } from '@cameleer/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleJar } from '../../../test/java-fixtures.ts';
import { freePort } from '../../orchestrators/process/network.ts';

const agentToken = 'agent-token/with+reserved=chars';
const reports: Array<{ authorization: string | undefined; report: FailedExchangeReport }> = [];
let intake: Server;
let jar: string;
let app: ChildProcess;
let appUrl: string;
let output = '';

async function waitFor<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; app output:\n${output}`);
    await sleep(50);
  }
}

function redact(input: string, patterns?: string): Promise<{ stdout: string; stderr: string }> {
  const child = spawn('java', ['-cp', jar, 'io.cameleer.sample.Redactor'], {
    env: {
      PATH: process.env.PATH,
      ...(patterns === undefined ? {} : { CAMELEER_REDACT_PATTERNS: patterns }),
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  child.stdin.end(input);
  return once(child, 'close').then(() => ({ stdout, stderr }));
}

const exchanges = () => reports.flatMap((r) => r.report.exchanges);
const replayPort = () => reports.find((r) => r.report.agent)?.report.agent?.replayPort;

function replay(body: unknown, token = agentToken) {
  return fetch(`http://127.0.0.1:${replayPort()}/replay`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  intake = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.url === '/v1/failed-exchanges') {
      const report = FailedExchangeReport.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      reports.push({ authorization: req.headers.authorization, report });
    }
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
  intake.listen(0, '127.0.0.1');
  await once(intake, 'listening');
  const port = await freePort();
  jar = await buildSampleJar({ version: '7.0.0' });
  app = spawn('java', ['-jar', jar], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(intake.address() as AddressInfo).port}`,
      OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${encodeURIComponent(agentToken)}`,
      OTEL_SERVICE_NAME: 'orders-app',
      CAMELEER_REDACT_PATTERNS: 'ORDER-SECRET-\\d+',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  app.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  app.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  appUrl = `http://127.0.0.1:${port}`;
  await waitFor(() => replayPort(), 30_000, 'the replay endpoint announced');
}, 120_000);

afterAll(async () => {
  if (app && app.exitCode === null) {
    app.kill('SIGTERM');
    await once(app, 'exit');
  }
  intake?.close();
});

describe('the sample app as a failed-exchange agent', { timeout: 60_000 }, () => {
  it('masks secrets, card numbers and configured patterns in the app', async () => {
    const input = [
      '{"user":"ann","password":"hunter2","card":"4111 1111 1111 1111","apiKey":42,"note":"4111111111111112"}',
      'client_secret=s3cr3t&amount=10',
      'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig',
      'ref ACME-1234 and ORDER-SECRET-9',
    ].join('\n');
    const { stdout, stderr } = await redact(input, 'ACME-\\d+\nORDER-SECRET-\\d+');
    expect(stdout.split('\n')).toEqual([
      // Not Luhn-valid: an order number, not a card; it stays.
      '{"user":"ann","password":"***","card":"************1111","apiKey":***,"note":"4111111111111112"}',
      'client_secret=***&amount=10',
      'Authorization: Bearer ***',
      'ref *** and ***',
    ]);
    expect(stderr).toContain('redactions=7');
    // A pattern that does not compile withholds the body rather than let its secret through.
    const broken = await redact('password is hunter2', '([unclosed');
    expect(broken.stdout).toContain('[withheld');
    expect(broken.stdout).not.toContain('hunter2');
  });

  it('reports a failed exchange redacted and capped, with the agent token', async () => {
    const res = await fetch(`${appUrl}/orders?fail=true`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': 'key-123456',
        authorization: 'Bearer abcdefghijkl',
      },
      body: JSON.stringify({
        item: 'book',
        password: 'hunter2',
        card: '5555-5555-5555-4444',
        ref: 'ORDER-SECRET-77',
      }),
    });
    expect(res.status).toBe(500);
    const captured = await waitFor(() => exchanges()[0], 10_000, 'the report');
    expect(reports.every((r) => r.authorization === `Bearer ${agentToken}`)).toBe(true);
    expect(captured).toMatchObject({
      routeId: 'orders',
      fromUri: 'platform-http://orders',
      failedEndpoint: 'direct://validate',
      exception: { type: 'io.cameleer.sample.OrderRoutes$ExchangeFailed' },
      bodyTruncated: false,
      replayOf: '',
    });
    expect(captured.exception.stackTrace).toContain('OrderRoutes');
    // Two headers, then password, card and the configured pattern in the body: each counted once.
    expect(captured.redactions).toBe(5);
    expect(JSON.parse(captured.body)).toEqual({
      item: 'book',
      password: '***',
      card: '************4444',
      ref: '***',
    });
    expect(captured.headers['X-api-key']).toBe('***');
    expect(captured.headers.Authorization).toBe('***');
    expect(JSON.stringify(reports)).not.toMatch(/hunter2|key-123456|abcdefghijkl|5555-5555|ORDER-SECRET-77/);

    const big = 'x'.repeat(100 * 1024);
    expect((await fetch(`${appUrl}/orders?fail=true`, { method: 'POST', body: big })).status).toBe(500);
    const capped = await waitFor(
      () => exchanges().find((x) => x.bodySize === big.length),
      10_000,
      'the big one',
    );
    expect(capped.bodyTruncated).toBe(true);
    expect(capped.body.length).toBe(64 * 1024);
  });

  it('replays the original once per idempotency key, and says when it cannot', async () => {
    const original = exchanges()[0];
    if (!original) throw new Error('no captured exchange');
    expect((await replay({ exchangeId: original.exchangeId }, 'not-the-token')).status).toBe(401);

    // Delivered twice at once and once more later: one replay, one outcome.
    const body = { exchangeId: original.exchangeId, idempotencyKey: 'cmd_1' };
    const answers = await Promise.all([replay(body), replay(body)]);
    const [first, second] = await Promise.all(answers.map((a) => a.json()));
    const third = await (await replay(body)).json();
    expect(first).toMatchObject({
      outcome: 'failed',
      exchangeId: original.exchangeId,
      exceptionType: 'io.cameleer.sample.OrderRoutes$ExchangeFailed',
    });
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    const again = await waitFor(
      () => exchanges().find((x) => x.replayOf === original.exchangeId),
      10_000,
      'replay',
    );
    expect(again.exchangeId).toBe(first.replayExchangeId);
    // The original, not the masked copy, went through the route again.
    expect(output).toContain(`replayed exchange ${original.exchangeId}`);
    expect(output.split(`replayed exchange ${original.exchangeId}`)).toHaveLength(2);

    const unknown = await (await replay({ exchangeId: 'ID-never-seen', idempotencyKey: 'cmd_2' })).json();
    expect(unknown).toMatchObject({ outcome: 'unavailable' });
  });

  it('completes a replay of an exchange whose cause is gone', async () => {
    expect((await fetch(`${appUrl}/orders?fail=transient`, { method: 'POST', body: '{}' })).status).toBe(500);
    const failed = await waitFor(
      () => exchanges().find((x) => x.replayOf === '' && x.bodySize === 2),
      10_000,
      'the transient failure',
    );
    const outcome = await (await replay({ exchangeId: failed.exchangeId, idempotencyKey: 'cmd_3' })).json();
    expect(outcome).toMatchObject({ outcome: 'completed', exchangeId: failed.exchangeId });
  });
});
