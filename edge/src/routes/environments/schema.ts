import { z } from '@hono/zod-openapi';
import type { EnvironmentRow } from '../../db/schema/index.ts';
import { Slug, TenantParam } from '../../openapi.ts';
import { iso } from '../context.ts';

export const EnvironmentView = z
  .object({
    id: z.string().openapi({ example: 'env_01jd2x…' }),
    name: z.string().openapi({ example: 'staging' }),
    description: z.string(),
    createdAt: z.string().datetime(),
    updatedAt: z.string().datetime(),
  })
  .openapi('Environment');

export const CreateEnvironmentInput = z
  .strictObject({ name: Slug, description: z.string().max(500).optional() })
  .openapi('CreateEnvironment');

export const UpdateEnvironmentInput = z
  .strictObject({ description: z.string().max(500).optional() })
  .openapi('UpdateEnvironment');

export const EnvironmentParams = z.object({
  tenant: TenantParam,
  environment: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'environment', in: 'path' }, description: 'Environment id or name' }),
});

export const toEnvironmentView = (row: EnvironmentRow): EnvironmentView => ({
  id: row.id,
  name: row.name,
  description: row.description,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});
export type EnvironmentView = z.infer<typeof EnvironmentView>;
