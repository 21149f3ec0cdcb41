import { type Permission, Problem as ProblemBody } from '@cameleer/shared';
import { createRoute, OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi';
import type { HonoEnv } from './env.ts';
import { type FieldError, InvalidRequest } from './errors.ts';
import { platformAccess, signedIn, tenantAccess } from './middleware/access.ts';

/** A router whose validation failures become problem+json with one entry per field. */
export function createRouter() {
  return new OpenAPIHono<HonoEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new InvalidRequest(
          'The request does not match the documented schema',
          toFieldErrors(result.error),
        );
      }
    },
  });
}

export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(',') : ''),
    message: issue.message,
  }));
}

const security: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];

type Extra = { 'x-permission': Permission; 'x-audit'?: string };

/** A route under /api/tenants/{tenant}: the caller must be a member (else 404) holding the permission (else 403). */
export function tenantRoute<const R extends RouteConfig & Extra>(route: R) {
  return createRoute({
    ...route,
    security,
    middleware: tenantAccess(route['x-permission'], route['x-audit']),
  });
}

/** A route for platform administrators only. */
export function platformRoute<const R extends RouteConfig & { 'x-audit'?: string }>(route: R) {
  return createRoute({
    ...route,
    security,
    'x-permission': 'platform:admin',
    middleware: platformAccess(route['x-audit']),
  });
}

/** A route for anyone signed in; what it shows depends on who they are. */
export function userRoute<const R extends RouteConfig>(route: R) {
  return createRoute({ ...route, security, 'x-permission': 'authenticated', middleware: signedIn });
}

export const Slug = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'lowercase letters, digits and inner dashes (a DNS label)');

export const TenantParam = z
  .string()
  .min(1)
  .max(64)
  .openapi({
    param: { name: 'tenant', in: 'path' },
    description: 'Tenant id (tnt_…) or slug',
    example: 'default',
  });

export function jsonBody<T extends z.ZodType>(schema: T, description = 'Request body') {
  return { required: true, description, content: { 'application/json': { schema } } };
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** The shared problem+json body; the edge always sets `requestId`. */
export const Problem = ProblemBody.extend({ requestId: z.string() }).openapi('Problem');

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});

/** The error answers every authenticated route may give. */
export const errorResponses = {
  400: problem('Invalid request'),
  401: problem('Not authenticated'),
  403: problem('Role lacks the permission'),
  404: problem('Not found (or owned by another tenant)'),
  409: problem('Conflict'),
};
