import { type Permission, permissions, Role, roleHolds } from '@cameleer/shared';
import { z } from '@hono/zod-openapi';
import { createRouter, errorResponses, jsonResponse, userRoute } from '../openapi.ts';

const Me = z
  .object({
    actor: z.object({ type: z.enum(['user', 'api-token']), id: z.string(), name: z.string() }),
    platformAdmin: z.boolean(),
    memberships: z.array(
      z.object({
        tenantId: z.string(),
        role: Role,
        permissions: z.array(z.string()).openapi({
          description: 'What the role may do in the tenant; a client shows only the actions these allow',
        }),
      }),
    ),
  })
  .openapi('Me');

const me = userRoute({
  method: 'get',
  path: '/api/me',
  tags: ['Identity'],
  summary: 'Who the credential belongs to and its role in each tenant',
  responses: { 200: jsonResponse(Me, 'The caller'), ...errorResponses },
});

export const meRoutes = createRouter().openapi(me, (c) => {
  const principal = c.get('principal');
  if (!principal) throw new Error('signedIn middleware let an anonymous request through');
  return c.json(
    {
      actor: { type: principal.actorType, id: principal.id, name: principal.name },
      platformAdmin: principal.platformAdmin,
      memberships: [...principal.memberships].map(([tenantId, role]) => ({
        tenantId,
        role,
        permissions: allPermissions.filter((p) => roleHolds(role, p)),
      })),
    },
    200,
  );
});

const allPermissions = Object.keys(permissions) as Permission[];
