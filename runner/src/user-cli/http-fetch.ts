import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

const redirects = new Set([301, 302, 303, 307, 308]);

/**
 * The CLI's `fetch` for its plain JSON requests, on `node:http`/`node:https`. Node's own fetch
 * (undici and web streams, compiled on first use) costs about 0.15 s per command process, which is
 * half of a command's budget; these requests need none of it. Streamed bodies, server-sent events
 * and redirects go to the global fetch, so they behave as before. Custom CAs
 * (NODE_EXTRA_CA_CERTS) apply to both; neither reads proxy variables.
 */
export async function httpFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  // Not `instanceof Request`: touching the global loads undici, which this function is here to avoid.
  const url = typeof input === 'string' || input instanceof URL ? new URL(input) : undefined;
  const headers = plainHeaders(init.headers);
  const body = init.body;
  if (
    !url ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    (body !== undefined && body !== null && typeof body !== 'string') ||
    headers?.accept?.includes('text/event-stream')
  ) {
    return globalThis.fetch(input, init);
  }
  const answer = await send(url, init.method ?? 'GET', headers ?? {}, body ?? undefined, init.signal);
  const status = answer.message.statusCode ?? 0;
  const location = answer.message.headers.location;
  if (redirects.has(status) && location) return followRedirect(new URL(location, url), status, init);
  const res = new Response(status === 204 || status === 304 ? null : new Uint8Array(answer.body), {
    status,
    statusText: answer.message.statusMessage ?? '',
    headers: answerHeaders(answer.message),
  });
  // Callers name the URL in their messages, as fetch's Response has it.
  Object.defineProperty(res, 'url', { value: url.href });
  return res;
}

/** As fetch follows it: 303, and 301/302 after a POST, become a GET without a body. */
function followRedirect(to: URL, status: number, init: RequestInit): Promise<Response> {
  const method = (init.method ?? 'GET').toUpperCase();
  const asGet = status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST';
  return globalThis.fetch(to, asGet ? { ...init, method: 'GET', body: undefined } : init);
}

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  signal: AbortSignal | null | undefined,
): Promise<{ message: IncomingMessage; body: Buffer }> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const sized =
      body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const req = request(url, { method, headers: sized, signal: signal ?? undefined }, (message) => {
      const chunks: Buffer[] = [];
      message.on('data', (chunk: Buffer) => chunks.push(chunk));
      message.on('end', () => resolve({ message, body: Buffer.concat(chunks) }));
      message.on('error', reject);
    });
    // An abort rejects with the signal's reason (a TimeoutError for AbortSignal.timeout), as fetch does.
    req.on('error', (err) => reject(signal?.aborted ? signal.reason : err));
    req.end(body);
  });
}

function plainHeaders(headers: HeadersInit | undefined): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  const plain: Record<string, string> = {};
  // Headers and [name, value][] are iterable; a record is not.
  const pairs =
    Symbol.iterator in headers ? Array.from(headers as Iterable<[string, string]>) : Object.entries(headers);
  for (const [k, v] of pairs) plain[k.toLowerCase()] = v;
  return plain;
}

function answerHeaders(message: IncomingMessage): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const raw = message.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i];
    const value = raw[i + 1];
    if (name !== undefined && value !== undefined) pairs.push([name, value]);
  }
  return pairs;
}
