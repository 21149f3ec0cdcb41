import { createRoute } from '@hono/zod-openapi';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../../openapi.ts';
import { registerRunner } from '../../services/runners.ts';
import { commandKeySet } from '../../tunnel/command-signing.ts';
import { RegisteredRunner, RegisterRunnerInput } from './schema.ts';

/** The one public API operation: the one-time registration token in the body is the credential. */
const register = createRoute({
  method: 'post',
  path: '/api/runners/register',
  tags: ['Runners'],
  summary: 'Register a runner: trade a one-time registration token and a public key for a runner identity',
  'x-permission': 'registration-token',
  security: [],
  request: { body: jsonBody(RegisterRunnerInput) },
  responses: { 201: jsonResponse(RegisteredRunner, 'Registered'), ...errorResponses },
});

export const registerRoutes = createRouter().openapi(register, async (c) => {
  const { db, clock, commandKeys } = c.get('services');
  const input = c.req.valid('json');
  const { runner, tenantSlug } = await registerRunner({
    db,
    clock,
    requestId: c.get('requestId'),
    input: { ...input, publicKey: input.publicKey.x },
  });
  return c.json(
    {
      runnerId: runner.id,
      tenantId: runner.tenantId,
      tenantSlug,
      environments: runner.environments,
      commandKeys: commandKeySet(commandKeys),
    },
    201,
  );
});
