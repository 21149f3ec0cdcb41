import { maxFrameBytes, newId } from '@cameleer/shared';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { withTenant } from './db/client.ts';
import type { HonoEnv, Services } from './env.ts';
import { AppError, problemResponse, toAppError } from './errors.ts';
import { authenticate } from './middleware/authenticate.ts';
import { createRouter } from './openapi.ts';
import { agentRegisterRoutes } from './routes/agent/register.ts';
import { apiTokenRoutes } from './routes/api-tokens/index.ts';
import { appRoutes } from './routes/apps/index.ts';
import { artifactRoutes, isArtifactUpload } from './routes/artifacts/index.ts';
import { auditLogRoutes } from './routes/audit-log/index.ts';
import { forwardAuthRoutes } from './routes/auth/forward-auth.ts';
import { oidcLoginRoutes } from './routes/auth/oidc-login.ts';
import { sessionRoutes, signInHelpPage } from './routes/auth/session.ts';
import { billingRoutes } from './routes/billing/index.ts';
import { configRoutes } from './routes/config/index.ts';
import { deploymentChangeRoutes } from './routes/deployments/deployment-changes.ts';
import { deploymentEventRoutes } from './routes/deployments/deployment-events.ts';
import { deploymentRoutes } from './routes/deployments/index.ts';
import { logStreamRoutes } from './routes/deployments/log-stream.ts';
import { environmentRoutes } from './routes/environments/index.ts';
import { failedExchangeRoutes } from './routes/failed-exchanges/index.ts';
import { healthRoutes } from './routes/health.ts';
import { licenceRoutes } from './routes/licences/index.ts';
import { licenceVerifyRoutes } from './routes/licences/verify.ts';
import { licenceKeyRoutes } from './routes/licences/well-known.ts';
import { meRoutes } from './routes/me.ts';
import { memberRoutes } from './routes/members/index.ts';
import { runnerReleaseRoutes } from './routes/runner-releases.ts';
import { runnerRoutes } from './routes/runners/index.ts';
import { registerRoutes } from './routes/runners/register.ts';
import { telemetryRoutes } from './routes/telemetry/index.ts';
import { tenantRoutes } from './routes/tenants/index.ts';
import { pollRoutes } from './routes/tunnel/poll.ts';
import { stripeWebhookRoutes } from './routes/webhooks/stripe.ts';
import { recordAudit } from './services/audit.ts';

export type AppDeps = {
  /** Built once (Node) or per request from the bindings (Workers). */
  services: Services | ((c: Context<HonoEnv>) => Services);
  /** The console's files and deep links, for a GET no route answered (Node; Workers serve them as static assets). */
  console?: (c: Context<HonoEnv>) => Response | undefined;
};

/** Paths the console never answers: a miss there is the API's own 404. */
const apiPaths = /^\/(api|auth|tunnel|webhooks|\.well-known|runner)(\/|$)/;

/** The head of the OpenAPI document; its paths come from the routes. */
export const openApiHeader = {
  openapi: '3.1.0',
  info: {
    title: 'Cameleer API',
    version: '0.1.0',
    description: 'Control plane of Cameleer, the managed runtime for Apache Camel applications.',
  },
};

const mutating = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function createApp(deps: AppDeps) {
  const app = createRouter();
  const servicesFor = typeof deps.services === 'function' ? deps.services : () => deps.services as Services;

  app.use('*', requestId({ generator: () => newId('req') }));
  app.use('*', async (c, next) => {
    c.set('services', servicesFor(c));
    await next();
  });

  // ForwardAuth first: it is on the hot path of every proxied request and needs nothing else.
  app.route('/', forwardAuthRoutes);
  app.route('/', healthRoutes);
  app.route('/', licenceKeyRoutes);
  app.route('/', runnerReleaseRoutes);
  app.route('/', sessionRoutes);
  app.route('/', oidcLoginRoutes);
  app.route('/', stripeWebhookRoutes);

  app.use('/api/*', (c, next) =>
    isArtifactUpload(c.req.method, c.req.path)
      ? next()
      : bodyLimit({
          maxSize: c.get('services').settings.maxBodyBytes,
          onError: (c) =>
            problemResponse(c, new AppError('payload-too-large', 'The request body is over the size limit')),
        })(c, next),
  );
  app.use('/api/*', authenticate);
  app.use('/tunnel/*', (c, next) =>
    bodyLimit({
      maxSize: 4 * maxFrameBytes,
      onError: (c) =>
        problemResponse(c, new AppError('payload-too-large', 'The poll body is over the size limit')),
    })(c, next),
  );
  app.route('/', pollRoutes);

  app.route('/', meRoutes);
  app.route('/', tenantRoutes);
  app.route('/', environmentRoutes);
  app.route('/', appRoutes);
  app.route('/', artifactRoutes);
  app.route('/', memberRoutes);
  app.route('/', apiTokenRoutes);
  app.route('/', auditLogRoutes);
  app.route('/', runnerRoutes);
  app.route('/', deploymentRoutes);
  app.route('/', configRoutes);
  app.route('/', licenceRoutes);
  app.route('/', licenceVerifyRoutes);
  app.route('/', billingRoutes);
  app.route('/', logStreamRoutes);
  app.route('/', deploymentEventRoutes);
  app.route('/', deploymentChangeRoutes);
  app.route('/', registerRoutes);
  app.route('/', telemetryRoutes);
  app.route('/', failedExchangeRoutes);
  app.route('/', agentRegisterRoutes);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token (cam_…) or an OIDC access token',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'cameleer_session',
  });
  app.doc31('/api/openapi.json', openApiHeader);

  app.notFound((c) => {
    const page =
      (c.req.method === 'GET' || c.req.method === 'HEAD') && !apiPaths.test(c.req.path)
        ? deps.console?.(c)
        : undefined;
    if (page) return page;
    if (c.req.path === '/login') return signInHelpPage(c);
    return problemResponse(c, new AppError('not-found', `No route for ${c.req.method} ${c.req.path}`));
  });
  app.onError(async (err, c) => {
    const services = c.get('services');
    const error = toAppError(err, (msg, e) =>
      services?.log.error(msg, {
        requestId: c.get('requestId'),
        error: e instanceof Error ? e.stack : String(e),
      }),
    );
    if (services) await auditFailure(c, services, error);
    return problemResponse(c, error);
  });

  return app;
}

export type App = ReturnType<typeof createApp>;

/** A mutating request that failed inside a tenant leaves a trace in that tenant's audit log. */
async function auditFailure(c: Context<HonoEnv>, services: Services, error: AppError) {
  const tenant = c.get('tenant');
  const principal = c.get('principal');
  const action = c.get('auditAction');
  if (!tenant || !principal || !action || !mutating.has(c.req.method)) return;
  try {
    await withTenant(services.db, tenant.id, (db) =>
      recordAudit(
        {
          db,
          tenantId: tenant.id,
          actor: {
            type: principal.actorType,
            id: principal.id,
            role: principal.memberships.get(tenant.id) ?? 'viewer',
          },
          clock: services.clock,
          requestId: c.get('requestId'),
        },
        {
          action,
          outcome: error.status === 403 ? 'denied' : 'failure',
          status: error.status,
          detail: { error: error.code, message: error.detail },
        },
      ),
    );
  } catch (e) {
    services.log.error('could not write failure audit entry', {
      requestId: c.get('requestId'),
      error: String(e),
    });
  }
}
