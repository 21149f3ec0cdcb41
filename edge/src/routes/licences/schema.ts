import { tierNames } from '@cameleer/shared';
import { z } from '@hono/zod-openapi';

const Limits = z.object({
  apps: z.number().int(),
  runners: z.number().int(),
  environments: z.number().int(),
  retentionDays: z.number().int(),
  memoryMbPerApp: z.number().int(),
});

export const TierView = z
  .object({
    name: z.enum(tierNames),
    environments: z.array(z.string()),
    customEnvironments: z.boolean(),
    limits: Limits,
    features: z.array(z.string()),
  })
  .openapi('Tier');

export const LicenceView = z
  .object({
    id: z.string(),
    token: z
      .string()
      .openapi({ description: 'The signed licence (Ed25519 JWT); save it as a file for air-gapped runners' }),
    claims: z.record(z.string(), z.unknown()),
    kid: z.string(),
    state: z.enum(['valid', 'grace', 'expired', 'revoked']),
    revoked: z.boolean(),
    issuedAt: z.string().datetime(),
    expiresAt: z.string().datetime(),
    graceEndsAt: z.string().datetime(),
    revokedAt: z.string().datetime().nullable(),
    tier: TierView,
  })
  .openapi('Licence');

export const TierUsage = z
  .object({
    tier: TierView,
    usage: z
      .object({ apps: z.number().int(), runners: z.number().int(), environments: z.number().int() })
      .openapi({ description: 'What the tenant uses of each counted limit; revoked runners do not count' }),
  })
  .openapi('TierUsage');

export const ChangeTierInput = z.strictObject({ tier: z.enum(tierNames) }).openapi('ChangeTier');

export const LicenceKeySet = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });
