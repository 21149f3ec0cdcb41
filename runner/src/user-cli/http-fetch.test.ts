import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFetch } from './http-fetch.ts';

let server: Server;
let base: string;
const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url === '/json') {
        res.setHeader('content-type', 'application/json');
        res.setHeader('x-request-id', 'r-1');
        res.end(JSON.stringify({ ok: true, got: body }));
      } else if (req.url === '/problem') {
        res.writeHead(409, 'Conflict', { 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ title: 'Conflict', status: 409, detail: 'taken' }));
      } else if (req.url === '/moved') {
        res.writeHead(303, { location: '/json' });
        res.end();
      } else if (req.url === '/empty') {
        res.writeHead(204);
        res.end();
      } else if (req.url === '/never') {
        // Answers nothing: the caller's signal ends it.
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((closed) => server.close(closed));
});

describe('httpFetch', () => {
  it('sends method, headers and a JSON body, and answers as a fetch Response', async () => {
    const res = await httpFetch(`${base}/json`, {
      method: 'POST',
      headers: { Authorization: 'Bearer t', 'content-type': 'application/json' },
      body: '{"a":"é"}',
    });
    expect(res.ok).toBe(true);
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${base}/json`);
    expect(res.headers.get('x-request-id')).toBe('r-1');
    expect(await res.json()).toEqual({ ok: true, got: '{"a":"é"}' });
    const last = seen.at(-1);
    expect(last?.method).toBe('POST');
    expect(last?.headers.authorization).toBe('Bearer t');
    expect(last?.headers['content-length']).toBe(String(Buffer.byteLength('{"a":"é"}')));
  });

  it('keeps a failed status, its text and its body', async () => {
    const res = await httpFetch(`${base}/problem`);
    expect(res.ok).toBe(false);
    expect(res.status).toBe(409);
    expect(res.statusText).toBe('Conflict');
    expect(await res.json()).toMatchObject({ detail: 'taken' });
  });

  it('answers 204 without a body', async () => {
    const res = await httpFetch(`${base}/empty`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('follows a redirect as fetch does (303 becomes a GET)', async () => {
    const res = await httpFetch(`${base}/moved`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/json' });
  });

  it('rejects with the signal reason when the answer does not come in time', async () => {
    const err = await httpFetch(`${base}/never`, { signal: AbortSignal.timeout(100) }).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('TimeoutError');
  });

  it('rejects with the reason when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((listening) => closed.listen(0, '127.0.0.1', listening));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    await expect(httpFetch(`http://127.0.0.1:${port}/`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('leaves streamed request bodies and event streams to the global fetch', async () => {
    const body = new Blob(['streamed']).stream();
    const init: RequestInit & { duplex: 'half' } = { method: 'POST', body, duplex: 'half' };
    const res = await httpFetch(`${base}/json`, init);
    expect(await res.json()).toEqual({ ok: true, got: 'streamed' });
    const events = await httpFetch(`${base}/json`, { headers: { accept: 'text/event-stream' } });
    expect(events.status).toBe(200);
    expect(seen.at(-1)?.headers['user-agent']).toBe('node');
  });
});
