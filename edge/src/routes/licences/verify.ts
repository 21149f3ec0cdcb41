import { importVerifyingKey, LicenceRejected, verifyLicence } from '@cameleer/shared';
import { z } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import { withTenant } from '../../db/client.ts';
import { licences } from '../../db/schema/index.ts';
import { createRouter, errorResponses, jsonBody, jsonResponse, userRoute } from '../../openapi.ts';

const VerifyInput = z.strictObject({ token: z.string().min(1).max(20_000) }).openapi('VerifyLicence');
const VerifyResult = z
  .object({
    valid: z.boolean(),
    state: z.enum(['valid', 'grace', 'revoked', 'rejected']),
    reason: z.string().optional(),
    detail: z.string().optional(),
    claims: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('LicenceVerification');

const verify = userRoute({
  method: 'post',
  path: '/api/licences/verify',
  tags: ['Licences'],
  summary: "Check a licence online: this edge's signature, expiry with grace, and revocation",
  request: { body: jsonBody(VerifyInput) },
  responses: { 200: jsonResponse(VerifyResult, 'The verdict'), ...errorResponses },
});

export const licenceVerifyRoutes = createRouter().openapi(verify, async (c) => {
  const { licenceKeys, clock, settings, db } = c.get('services');
  const keys = await Promise.all((licenceKeys ?? []).map((k) => importVerifyingKey(k.publicJwk)));
  try {
    const licence = await verifyLicence(c.req.valid('json').token, keys, {
      now: clock.now(),
      graceDays: settings.licenceGraceDays,
    });
    const { sub: tenantId, jti } = licence.claims;
    const [row] = await withTenant(db, tenantId, (tx) =>
      tx
        .select({ revokedAt: licences.revokedAt })
        .from(licences)
        .where(and(eq(licences.tenantId, tenantId), eq(licences.id, jti))),
    );
    if (!row || row.revokedAt) {
      const detail = row ? 'the licence is revoked' : 'this edge has no record of the licence';
      return c.json(
        { valid: false, state: 'revoked' as const, reason: 'revoked', detail, claims: licence.claims },
        200,
      );
    }
    return c.json({ valid: true, state: licence.state, claims: licence.claims }, 200);
  } catch (err) {
    if (!(err instanceof LicenceRejected)) throw err;
    return c.json({ valid: false, state: 'rejected' as const, reason: err.reason, detail: err.message }, 200);
  }
});
