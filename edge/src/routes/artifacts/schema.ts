import { z } from '@hono/zod-openapi';
import type { AppVersionRow } from '../../db/schema/index.ts';
import { AppParams } from '../apps/schema.ts';
import { iso } from '../context.ts';

export const VersionView = z
  .object({
    id: z.string().openapi({ example: 'ver_01jd2x…' }),
    appId: z.string(),
    number: z.number().int(),
    label: z.string().openapi({ example: 'v1' }),
    sha256: z.string().openapi({ description: 'SHA-256 of the JAR, hex' }),
    sizeBytes: z.number().int(),
    mainClass: z.string().openapi({ example: 'com.example.Main' }),
    filename: z.string().nullable(),
    createdBy: z.object({ type: z.string(), id: z.string() }),
    createdAt: z.string().datetime(),
  })
  .openapi('AppVersion');
export type VersionView = z.infer<typeof VersionView>;

export const VersionParams = AppParams.extend({
  version: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'version', in: 'path' }, description: 'Version id or label' }),
});

export const UploadQuery = z.object({
  label: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'letters, digits and . _ + -')
    .optional()
    .openapi({ description: 'Default v{n}, n counting the app’s versions' }),
  filename: z.string().min(1).max(255).optional().openapi({
    description: 'Original file name, when no content-disposition header names it',
  }),
});

const jarBody = z.string().openapi({ type: 'string', format: 'binary' });
export const uploadBody = {
  required: true,
  description: 'The JAR itself as the raw body (streamed; at most the configured cap, 200 MiB by default)',
  content: {
    'application/java-archive': { schema: jarBody },
    'application/octet-stream': { schema: jarBody },
  },
};

export const DownloadParams = z.object({
  versionId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'versionId', in: 'path' } }),
});

export const DownloadQuery = z.object({
  tenant: z.string().min(1).max(64),
  expires: z.coerce.number().int(),
  sig: z.string().min(1).max(100),
});

export const toVersionView = (row: AppVersionRow): VersionView => ({
  id: row.id,
  appId: row.appId,
  number: row.number,
  label: row.label,
  sha256: row.sha256,
  sizeBytes: row.sizeBytes,
  mainClass: row.mainClass,
  filename: row.filename,
  createdBy: { type: row.createdByType, id: row.createdById },
  createdAt: iso(row.createdAt),
});

/** The file name of an upload: the base name from content-disposition (RFC 6266) or `?filename=`. */
export function uploadFilename(
  disposition: string | undefined,
  query: string | undefined,
): string | undefined {
  let name = query;
  const extended = disposition && /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  const plain = disposition && /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(disposition);
  if (extended?.[1]) {
    try {
      name = decodeURIComponent(extended[1].trim());
    } catch {
      name = undefined;
    }
  } else if (plain) {
    name = (plain[1] ?? plain[2] ?? '').replace(/\\(.)/g, '$1');
  }
  const base = name
    ?.split(/[\\/]/)
    .pop()
    ?.replace(/\p{Cc}/gu, '')
    .trim();
  return base ? base.slice(0, 255) : undefined;
}
