import type { z } from 'zod';
import { runnerVersion } from '../version.ts';
import type { CliContext } from './cli-context.ts';
import { CliError } from './cli-error.ts';
import { problemMessage, readProblem } from './problem.ts';
import { resolveSession, type Session } from './session.ts';

const timeoutMs = 30_000;

/** A failed API call: the message is the problem's detail, the status is kept for callers that branch on it. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The CLI's one way to the edge API: every command after login goes through it. */
export class ApiClient {
  constructor(
    readonly session: Session,
    private readonly fetchImpl: typeof fetch = globalThis.fetch,
  ) {}

  /** `/api/tenants/{tenant}{path}` for the session's tenant, or the one named (`--tenant`). */
  tenantPath(path: string, named?: string): string {
    const tenant = named || this.session.tenant;
    if (!tenant) {
      throw new CliError(
        'No tenant selected: run `cameleer login --url URL --token TOKEN --tenant SLUG`, or set CAMELEER_TENANT',
      );
    }
    return `/api/tenants/${encodeURIComponent(tenant)}${path}`;
  }

  async get<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
    return parseBody(await this.send('GET', path, undefined), schema);
  }

  async post<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    return parseBody(await this.send('POST', path, body), schema);
  }

  async put<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    return parseBody(await this.send('PUT', path, body), schema);
  }

  async patch<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    return parseBody(await this.send('PATCH', path, body), schema);
  }

  async delete(path: string): Promise<void> {
    await this.send('DELETE', path, undefined);
  }

  /** A streaming GET (server-sent events); the body stays open for up to `seconds`. */
  async stream(path: string, seconds: number): Promise<Response> {
    return this.send('GET', path, undefined, {
      accept: 'text/event-stream',
      timeoutMs: (seconds + 30) * 1000,
    });
  }

  /** A successful response, or the failure as a one-line error. */
  private async send(
    method: string,
    path: string,
    body: unknown,
    opts: { accept?: string; timeoutMs?: number } = {},
  ): Promise<Response> {
    const url = `${this.session.url}${path}`;
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.session.token}`,
      accept: `${opts.accept ?? 'application/json'}, application/problem+json`,
      'user-agent': `cameleer-cli/${runnerVersion}`,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(opts.timeoutMs ?? timeoutMs),
      });
    } catch (err) {
      throw new CliError(`Could not reach ${url}: ${networkReason(err)}`);
    }
    if (!res.ok) {
      const problem = await readProblem(res);
      throw new ApiError(res.status, problemMessage(problem, res, `${method} ${url}`));
    }
    return res;
  }
}

async function parseBody<S extends z.ZodType>(res: Response, schema: S): Promise<z.infer<S>> {
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    throw new CliError(`${res.url} answered ${res.status} with a body that is not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new CliError(`Unexpected answer from ${res.url}${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** An API client for the stored login (or the CAMELEER_* variables). */
export async function openApi(ctx: CliContext): Promise<ApiClient> {
  return new ApiClient(await resolveSession(ctx.env), ctx.fetch);
}

/** undici hides the reason (refused, DNS, TLS) in `cause`. */
function networkReason(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof Error) return cause.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
