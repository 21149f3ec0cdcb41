import { z } from '@hono/zod-openapi';
import type { AppRow } from '../../db/schema/index.ts';
import { Slug, TenantParam } from '../../openapi.ts';
import { iso } from '../context.ts';

const forbiddenVolumeRoots = ['/proc', '/sys', '/dev'];

const VolumePath = z
  .string()
  .max(256)
  .regex(/^\/[^\0\s]*$/, 'must be an absolute path without spaces')
  .refine((p) => p.replace(/\/+$/, '') !== '', 'must not be /')
  .refine((p) => !p.split('/').includes('..'), 'must not contain ..')
  .refine(
    (p) => !forbiddenVolumeRoots.some((root) => p === root || p.startsWith(`${root}/`)),
    'must not be under /proc, /sys or /dev',
  );

/** How the app runs, sent with every deploy command. */
const DeploySettings = {
  private: z.boolean().openapi({ description: 'Reachable only by signed-in members of the tenant' }),
  healthPath: z
    .string()
    .max(256)
    .regex(/^\/[\x21-\x7e]*$/, 'must be a path starting with /')
    .nullable()
    .openapi({ description: 'HTTP health check path; null: healthy once started', example: '/health' }),
  writeableVolumes: z
    .array(VolumePath)
    .max(16)
    .openapi({ example: ['/data'] }),
  memoryMb: z.number().int().min(64).max(65536),
  cpus: z.number().min(0.1).max(64),
};
const OptionalDeploySettings = {
  private: DeploySettings.private.optional(),
  healthPath: DeploySettings.healthPath.optional(),
  writeableVolumes: DeploySettings.writeableVolumes.optional(),
  memoryMb: DeploySettings.memoryMb.optional(),
  cpus: DeploySettings.cpus.optional(),
};

export const AppView = z
  .object({
    id: z.string().openapi({ example: 'app_01jd2x…' }),
    name: z.string().openapi({ example: 'orders' }),
    description: z.string(),
    ...DeploySettings,
    createdAt: z.string().datetime(),
    updatedAt: z.string().datetime(),
  })
  .openapi('App');

export const CreateAppInput = z
  .strictObject({ name: Slug, description: z.string().max(500).optional(), ...OptionalDeploySettings })
  .openapi('CreateApp');

export const UpdateAppInput = z
  .strictObject({ description: z.string().max(500).optional(), ...OptionalDeploySettings })
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
  private: row.private,
  healthPath: row.healthPath,
  writeableVolumes: row.writeableVolumes,
  memoryMb: row.memoryMb,
  cpus: row.cpus,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});
export type AppView = z.infer<typeof AppView>;
