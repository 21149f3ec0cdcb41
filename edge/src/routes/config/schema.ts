import { z } from '@hono/zod-openapi';
import { TenantParam } from '../../openapi.ts';
import { type configView, maxConfigKeyLength } from '../../services/config.ts';
import { iso } from '../context.ts';

const Layer = z.enum(['global', 'environment', 'app', 'app-environment']);

export const ConfigEntryView = z
  .object({
    key: z.string().openapi({ example: 'DATABASE_URL' }),
    value: z.string().nullable().openapi({ description: 'null for a secret: secrets are write-only' }),
    secret: z.boolean(),
    layer: Layer,
    updatedAt: z.string().datetime(),
    updatedBy: z.string(),
  })
  .openapi('ConfigEntry');
export type ConfigEntryView = z.infer<typeof ConfigEntryView>;

/** The layer, named in the query of every configuration operation: neither (global), either or both. */
export const LayerQuery = z.strictObject({
  environment: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .openapi({ description: 'Environment id or name: its layer, or with `app` the app in that environment' }),
  app: z.string().min(1).max(64).optional().openapi({ description: 'App id or name' }),
});

export const KeyParams = z.object({
  tenant: TenantParam,
  key: z
    .string()
    .max(maxConfigKeyLength)
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
    .openapi({ param: { name: 'key', in: 'path' }, example: 'DATABASE_URL' }),
});

export const SetConfigInput = z
  .strictObject({
    value: z.string().max(32 * 1024),
    secret: z.boolean().optional().openapi({ description: 'Store encrypted; never shown again' }),
  })
  .openapi('SetConfig');

export const ResolvedConfigView = z
  .object({
    environment: z.string().openapi({ description: 'The environment name' }),
    items: z.array(ConfigEntryView),
    volumes: z
      .array(
        z.object({
          path: z.string().openapi({ example: '/data' }),
          name: z.string().openapi({ example: 'cameleer-acme-dev-orders-data' }),
        }),
      )
      .openapi({ description: "The app's writeable volumes with the names the runner gives them here" }),
    digest: z.string().openapi({
      description: 'SHA-256 of the resolved configuration and deploy settings (secrets by ciphertext only)',
    }),
    serving: z
      .object({
        deploymentId: z.string(),
        versionId: z.string(),
        configDigest: z.string().nullable(),
        configChanged: z.boolean().nullable().openapi({
          description:
            'The configuration changed since this deployment was created; null when it predates digests',
        }),
      })
      .nullable()
      .openapi({ description: 'The deployment that serves in this environment now, if one does' }),
  })
  .openapi('ResolvedConfig');

export const toConfigView = (v: ReturnType<typeof configView>): ConfigEntryView => ({
  ...v,
  updatedAt: iso(v.updatedAt),
});
