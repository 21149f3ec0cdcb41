import { z } from '@hono/zod-openapi';
import type { AppRow } from '../../db/schema/index.ts';
import { Slug, TenantParam } from '../../openapi.ts';
import { iso } from '../context.ts';

export const AppView = z
  .object({
    id: z.string().openapi({ example: 'app_01jd2x…' }),
    name: z.string().openapi({ example: 'orders' }),
    description: z.string(),
    createdAt: z.string().datetime(),
    updatedAt: z.string().datetime(),
  })
  .openapi('App');

export const CreateAppInput = z
  .strictObject({ name: Slug, description: z.string().max(500).optional() })
  .openapi('CreateApp');

export const UpdateAppInput = z
  .strictObject({ description: z.string().max(500).optional() })
  .openapi('UpdateApp');

export const AppParams = z.object({
  tenant: TenantParam,
  app: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'app', in: 'path' }, description: 'App id or name' }),
});

export const toAppView = (row: AppRow): AppView => ({
  id: row.id,
  name: row.name,
  description: row.description,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});
export type AppView = z.infer<typeof AppView>;
