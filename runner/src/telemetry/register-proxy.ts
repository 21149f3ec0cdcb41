/**
 * `POST /api/agent/register` on the runner's intake: apps reach only their runner, so it forwards the
 * bootstrap token to the edge (through the proxy the runner itself uses) and hands back the edge's
 * answer, telling the edge which intake URL the agent should export to.
 */

import { problemBody } from '../http-problem.ts';
import { type HttpFetch, proxiedFetch } from '../proxy/http-client.ts';

export type IntakeRequestHeaders = Record<string, string | string[] | undefined>;
export type RegisterAnswer = { status: number; headers: Record<string, string>; body: Buffer };
/** What the intake server calls with the request's body and headers. */
export type RegisterForward = (body: Uint8Array, headers: IntakeRequestHeaders) => Promise<RegisterAnswer>;

export type RegisterProxyOptions = {
  edgeUrl: string;
  /**
   * The intake's base URL to announce to the agent. Default: the one the agent just used (its `Host`),
   * which is right from a container (`host.docker.internal`) and from a process (`127.0.0.1`) alike.
   */
  intakeUrl?: string | ((headers: IntakeRequestHeaders) => string);
  fetch?: HttpFetch;
  timeoutMs?: number;
  /** Larger bodies are refused here; a registration is a few hundred bytes. */
  maxBodyBytes?: number;
};

export function registerProxy(opts: RegisterProxyOptions): RegisterForward {
  const fetch = opts.fetch ?? proxiedFetch;
  const url = `${opts.edgeUrl.replace(/\/+$/, '')}/api/agent/register`;
  const maxBodyBytes = opts.maxBodyBytes ?? 16 * 1024;

  return async (body, headers) => {
    if (body.byteLength > maxBodyBytes)
      return problem(413, 'payload-too-large', `a registration body is at most ${maxBodyBytes} bytes`);
    const forwarded: Record<string, string> = {
      'content-type': first(headers['content-type']) ?? 'application/json',
      'x-cameleer-intake-url': intakeUrlOf(opts.intakeUrl, headers),
    };
    const authorization = first(headers.authorization);
    if (authorization) forwarded.authorization = authorization;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: forwarded,
        body: body.byteLength ? body : undefined,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      return {
        status: res.status,
        headers: { 'content-type': res.headers.get('content-type') ?? 'application/json' },
        body: Buffer.from(await res.arrayBuffer()),
      };
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      return timedOut
        ? problem(504, 'edge-timeout', 'the edge did not answer the registration in time; retry')
        : problem(502, 'edge-unreachable', 'the runner cannot reach the edge to register; retry');
    }
  };
}

function intakeUrlOf(option: RegisterProxyOptions['intakeUrl'], headers: IntakeRequestHeaders): string {
  if (typeof option === 'string') return option;
  if (option) return option(headers);
  const host = first(headers.host);
  return host ? `http://${host}` : '';
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function problem(status: number, code: string, detail: string): RegisterAnswer {
  return {
    status,
    headers: { 'content-type': 'application/problem+json' },
    body: Buffer.from(problemBody({ status, code, title: detail, detail })),
  };
}
