import { Role } from '@cameleer/shared';
import { z } from '@hono/zod-openapi';
import type { MemberRow, UserRow } from '../../db/schema/index.ts';
import {
  createRouter,
  errorResponses,
  jsonBody,
  jsonResponse,
  TenantParam,
  tenantRoute,
} from '../../openapi.ts';
import { addMember, listMembers, removeMember, updateMember } from '../../services/members.ts';
import { inTenant, iso } from '../context.ts';

const tags = ['Members'];

const MemberView = z
  .object({
    id: z.string(),
    role: Role,
    user: z.object({
      id: z.string(),
      issuer: z.string(),
      subject: z.string(),
      email: z.string().nullable(),
      name: z.string().nullable(),
    }),
    createdAt: z.string().datetime(),
  })
  .openapi('Member');

const AddMemberInput = z
  .strictObject({
    issuer: z.string().min(1).max(300).openapi({ description: "The user's identity provider, or 'local'" }),
    subject: z.string().min(1).max(300).openapi({ description: "The user's `sub` at that issuer" }),
    email: z.email().optional(),
    name: z.string().max(200).optional(),
    role: Role,
  })
  .openapi('AddMember');

const TenantOnly = z.object({ tenant: TenantParam });
const MemberParams = z.object({
  tenant: TenantParam,
  memberId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'memberId', in: 'path' } }),
});

const toView = ({ member, user }: { member: MemberRow; user: UserRow }) => ({
  id: member.id,
  role: member.role,
  user: { id: user.id, issuer: user.issuer, subject: user.subject, email: user.email, name: user.name },
  createdAt: iso(member.createdAt),
});

const list = tenantRoute({
  method: 'get',
  path: '/api/tenants/{tenant}/members',
  tags,
  summary: 'List members and their roles',
  'x-permission': 'members:read',
  request: { params: TenantOnly },
  responses: {
    200: jsonResponse(z.object({ items: z.array(MemberView) }), 'The members'),
    ...errorResponses,
  },
});

const add = tenantRoute({
  method: 'post',
  path: '/api/tenants/{tenant}/members',
  tags,
  summary: 'Add a member (a role up to your own)',
  'x-permission': 'members:write',
  'x-audit': 'member.add',
  request: { params: TenantOnly, body: jsonBody(AddMemberInput) },
  responses: { 201: jsonResponse(MemberView, 'Added'), ...errorResponses },
});

const update = tenantRoute({
  method: 'patch',
  path: '/api/tenants/{tenant}/members/{memberId}',
  tags,
  summary: "Change a member's role",
  'x-permission': 'members:write',
  'x-audit': 'member.update',
  request: { params: MemberParams, body: jsonBody(z.strictObject({ role: Role }).openapi('UpdateMember')) },
  responses: { 200: jsonResponse(MemberView, 'Updated'), ...errorResponses },
});

const remove = tenantRoute({
  method: 'delete',
  path: '/api/tenants/{tenant}/members/{memberId}',
  tags,
  summary: 'Remove a member',
  'x-permission': 'members:write',
  'x-audit': 'member.remove',
  request: { params: MemberParams },
  responses: { 204: { description: 'Removed' }, ...errorResponses },
});

export const memberRoutes = createRouter()
  .openapi(list, async (c) => {
    const rows = await inTenant(c, (ctx) => listMembers({ ctx }));
    return c.json({ items: rows.map(toView) }, 200);
  })
  .openapi(add, async (c) => {
    const input = c.req.valid('json');
    const added = await inTenant(c, (ctx) => addMember({ ctx, input }));
    c.get('services').authCache.invalidate();
    return c.json(toView(added), 201);
  })
  .openapi(update, async (c) => {
    const { memberId } = c.req.valid('param');
    const { role } = c.req.valid('json');
    const updated = await inTenant(c, (ctx) => updateMember({ ctx, input: { memberId, role } }));
    c.get('services').authCache.invalidate();
    return c.json(toView(updated), 200);
  })
  .openapi(remove, async (c) => {
    const { memberId } = c.req.valid('param');
    await inTenant(c, (ctx) => removeMember({ ctx, input: { memberId } }));
    c.get('services').authCache.invalidate();
    return c.body(null, 204);
  });
