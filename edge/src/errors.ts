import { type FieldError, type Problem, problemType } from '@cameleer/shared';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { HonoEnv } from './env.ts';

/** The closed set of error codes the API answers with; each has one status and a stable problem `type`. */
export const errorStatus = {
  'invalid-request': 400,
  'malformed-json': 400,
  'invalid-artifact': 400,
  unauthenticated: 401,
  forbidden: 403,
  'runner-revoked': 403,
  'limit-exceeded': 403,
  'licence-invalid': 403,
  'not-found': 404,
  conflict: 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  internal: 500,
  'upstream-failed': 502,
  unavailable: 503,
  'upstream-unavailable': 503,
  'upstream-timeout': 504,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof errorStatus;

const titles: Record<ErrorCode, string> = {
  'invalid-request': 'The request is not valid',
  'malformed-json': 'The request body is not valid JSON',
  'invalid-artifact': 'The uploaded artifact is not a valid, safe JAR',
  unauthenticated: 'Authentication is required',
  forbidden: 'Your role does not allow this',
  'runner-revoked': 'This runner is revoked',
  'limit-exceeded': "The tenant's tier does not allow this",
  'licence-invalid': "The tenant's licence does not allow this",
  'not-found': 'Not found',
  conflict: 'Conflict with the current state',
  'payload-too-large': 'The request body is too large',
  'unsupported-media-type': 'Unsupported media type',
  internal: 'Internal error',
  'upstream-failed': 'A service this request needs answered with an error',
  unavailable: 'Service unavailable',
  'upstream-unavailable': 'A service this request needs cannot be reached',
  'upstream-timeout': 'A service this request needs did not answer in time',
};

export type { FieldError };

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly errors?: FieldError[],
    /** Problem extension members (RFC 9457), e.g. the limit and tier of `limit-exceeded`. */
    readonly extensions?: Record<string, unknown>,
  ) {
    super(detail);
    this.name = 'AppError';
  }
  get status(): ContentfulStatusCode {
    return errorStatus[this.code];
  }
}

export class NotFound extends AppError {
  constructor(what: string) {
    super('not-found', `${what} does not exist or is not visible to you`);
  }
}
export class Conflict extends AppError {
  constructor(detail: string) {
    super('conflict', detail);
  }
}
export class Forbidden extends AppError {
  constructor(detail: string) {
    super('forbidden', detail);
  }
}
export class Unauthenticated extends AppError {
  constructor(detail = 'Send a bearer token or sign in') {
    super('unauthenticated', detail);
  }
}
/** RFC 6750 `invalid_token`: a credential was sent and proves nothing; the detail says why. */
export class InvalidToken extends AppError {
  constructor(detail: string) {
    super('unauthenticated', detail);
  }
}

/** The RFC 6750 challenge of a 401: `invalid_token` only when a credential was sent. */
export function bearerChallenge(error: AppError): string {
  const challenge = 'Bearer realm="cameleer"';
  if (!(error instanceof InvalidToken)) return challenge;
  // error_description allows printable ASCII except `"` and `\`.
  const description = error.detail.replace(/[^\x20-\x7e]|["\\]/g, "'");
  return `${challenge}, error="invalid_token", error_description="${description}"`;
}

/**
 * A service the edge depends on (Stripe, …) failed the request: it answered an
 * error (502), cannot be reached (503) or did not answer in time (504). The
 * `upstream` member names it; the title stays the same for every upstream (RFC 9457).
 */
export class UpstreamFailure extends AppError {
  constructor(
    code: 'upstream-failed' | 'upstream-unavailable' | 'upstream-timeout',
    upstream: string,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(code, detail, undefined, { upstream, ...extensions });
    this.name = 'UpstreamFailure';
  }
}

export class InvalidRequest extends AppError {
  constructor(detail: string, errors?: FieldError[]) {
    super('invalid-request', detail, errors);
  }
}

/** A tier limit or gated feature refused the request; says which, the tier, and how to upgrade. */
export class LimitExceeded extends AppError {
  constructor(input: {
    limit: string;
    tier: string;
    allowed: number | string;
    upgradeTo?: string;
    detail: string;
  }) {
    const upgrade = input.upgradeTo
      ? `upgrade the tenant to the ${input.upgradeTo} tier to raise it`
      : 'this is the highest tier; ask your Cameleer operator';
    super('limit-exceeded', `${input.detail} (tier ${input.tier}); ${upgrade}`, undefined, {
      limit: input.limit,
      tier: input.tier,
      allowed: input.allowed,
      ...(input.upgradeTo ? { upgradeTo: input.upgradeTo } : {}),
    });
  }
}

/** The tenant's licence is revoked, or expired past its grace period. */
export class LicenceInvalid extends AppError {
  constructor(state: string, detail: string) {
    super('licence-invalid', detail, undefined, { licenceState: state });
  }
}

export { problemTypeBase } from '@cameleer/shared';

export function problemBody(error: AppError, requestId: string): Problem {
  return {
    type: problemType(error.code),
    title: titles[error.code],
    status: error.status,
    detail: error.detail,
    requestId,
    ...(error.errors ? { errors: error.errors } : {}),
    ...error.extensions,
  };
}

export function problemResponse(c: Context<HonoEnv>, error: AppError): Response {
  return c.body(JSON.stringify(problemBody(error, c.get('requestId') ?? '')), error.status, {
    'content-type': 'application/problem+json',
    ...(error.status === 401 ? { 'www-authenticate': bearerChallenge(error) } : {}),
  });
}

/** Maps anything thrown to a problem+json response: ours, Hono's, or unknown (logged, 500). */
export function toAppError(err: unknown, log: (msg: string, err: unknown) => void): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 413)
      return new AppError('payload-too-large', err.message || 'The request body is too large');
    if (/unsupported media type|content-type/i.test(err.message)) {
      return new AppError('unsupported-media-type', 'Send the body as application/json');
    }
    if (err.status === 400 && /json/i.test(err.message)) return new AppError('malformed-json', err.message);
    if (err.status === 401) return new Unauthenticated(err.message || undefined);
    return new AppError(err.status >= 500 ? 'internal' : 'invalid-request', err.message || 'Bad request');
  }
  if (isUniqueViolation(err)) return new Conflict('A resource with these unique values already exists');
  if (err instanceof Error && err.name === 'JWKSTimeout') {
    return new AppError('unavailable', 'The identity provider cannot be reached; try again shortly');
  }
  log('unhandled error', err);
  return new AppError(
    'internal',
    'Something went wrong on our side; the request id identifies it in our logs',
  );
}

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
