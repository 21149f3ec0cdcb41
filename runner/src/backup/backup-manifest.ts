import { posix } from 'node:path';
import { z } from 'zod';

export const manifestName = 'manifest.json';
export const backupFormat = 'cameleer-runner-backup';

/** One file or folder of the archive; files carry their SHA-256, checked before a restore writes anything. */
export const BackupEntry = z.object({
  path: z.string().min(1),
  type: z.enum(['file', 'directory']),
  mode: z.number().int().min(0).max(0o7777),
  size: z.number().int().nonnegative(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
export type BackupEntry = z.infer<typeof BackupEntry>;

/**
 * An app's writeable volume: a process app's is a folder inside the state directory (`entry` is
 * that folder); one an orchestrator keeps elsewhere (a Docker named volume) is `archived` as one tar
 * of its mount path, restored through that orchestrator's volume archive.
 */
export const BackupVolume = z.object({
  /** The kind of orchestrator whose app uses it. */
  orchestrator: z.string().min(1).max(40),
  archived: z.boolean(),
  name: z.string().min(1),
  entry: z.string().min(1),
  /** Archived: where apps mount it, and its labels, so a restore makes the same volume. */
  mountPath: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
});
export type BackupVolume = z.infer<typeof BackupVolume>;

export const BackupManifest = z.object({
  format: z.literal(backupFormat),
  v: z.literal(1),
  runnerId: z.string().min(1),
  runnerName: z.string(),
  tenantSlug: z.string(),
  runnerVersion: z.string(),
  createdAt: z.string(),
  stateDir: z.string(),
  volumes: z.array(BackupVolume),
  entries: z.array(BackupEntry),
});
export type BackupManifest = z.infer<typeof BackupManifest>;

/** Archive paths live under `state/` or `docker-volumes/`, relative, without `..`: nothing lands elsewhere. */
export function isSafeEntryPath(path: string): boolean {
  if (path.includes('\\') || path.includes('\0') || posix.isAbsolute(path)) return false;
  const parts = path.split('/');
  if (parts.some((part) => part === '' || part === '.' || part === '..')) return false;
  // `<kind>-volumes/<name>.tar`: a volume an orchestrator keeps outside the state directory.
  return parts[0] === 'state' || (/^[a-z0-9]+-volumes$/.test(parts[0] ?? '') && parts.length === 2);
}

export class BackupRefused extends Error {
  override name = 'BackupRefused';
}
