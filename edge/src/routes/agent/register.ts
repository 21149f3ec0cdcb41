import { createRoute } from '@hono/zod-openapi';
import { Unauthenticated } from '../../errors.ts';
import { credentialOf } from '../../middleware/authenticate.ts';
import { createRouter, errorResponses, jsonResponse } from '../../openapi.ts';
import { registerAgent } from '../../services/agent-registration.ts';
import { intakeUrlOf, RegisterAgentInput, RegisteredAgent } from './schema.ts';

/** Public: the deployment's single-use bootstrap token (bearer or body) is the credential. */
const register = createRoute({
  method: 'post',
  path: '/api/agent/register',
  tags: ['Agents'],
  summary: "Register an app's agent: trade its deployment's bootstrap token for an agent session token",
  'x-permission': 'agent-bootstrap-token',
  security: [],
  request: {
    body: { required: false, content: { 'application/json': { schema: RegisterAgentInput } } },
  },
  responses: { 201: jsonResponse(RegisteredAgent, 'Registered'), ...errorResponses },
});

export const agentRegisterRoutes = createRouter().openapi(register, async (c) => {
  const { db, clock, commandKeys } = c.get('services');
  const input = c.req.valid('json') ?? {};
  const bootstrapToken = credentialOf(c.req.header('authorization'), undefined) || input.bootstrapToken;
  if (!bootstrapToken) throw new Unauthenticated('Send the bootstrap token as a bearer token or in the body');
  const { agentId, token, expiresAt, scope } = await registerAgent({
    db,
    clock,
    commandKeys,
    requestId: c.get('requestId'),
    input: { bootstrapToken, hostname: input.hostname, agentVersion: input.agentVersion },
  });
  return c.json(
    {
      agentId,
      token,
      expiresAt: expiresAt.toISOString(),
      tenantId: scope.tenantId,
      environment: scope.environment,
      app: scope.app,
      deploymentId: scope.deploymentId,
      endpoint: intakeUrlOf(c.req.header('x-cameleer-intake-url')),
    },
    201,
  );
});
