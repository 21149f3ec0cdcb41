import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

/** What the orchestrator needs to (re)start an instance, also after a runner restart. */
export const LaunchRecord = z.object({
  jarPath: z.string(),
  agentPath: z.string().optional(),
  /** The app's environment as spawned (spec.env, PORT, SERVER_PORT, CAMELEER_VOLUME_*); holds secrets, so the file is 0600. */
  env: z.record(z.string(), z.string()),
  memoryMb: z.number(),
  cpus: z.number(),
});
export type LaunchRecord = z.infer<typeof LaunchRecord>;

export const InstanceRecord = z.object({
  instanceId: z.string(),
  deploymentId: z.string(),
  version: z.string(),
  state: z.enum(['starting', 'running', 'failed', 'stopped']),
  pid: z.number().optional(),
  port: z.number(),
  logPath: z.string(),
  startedAt: z.string().optional(),
  restarts: z.number(),
  launch: LaunchRecord,
  healthCheck: z.object({ httpPath: z.string().optional(), timeoutSeconds: z.number() }),
});
export type InstanceRecord = z.infer<typeof InstanceRecord>;

export const AppRecord = z.object({
  ref: z.object({ tenant: z.string(), environment: z.string(), app: z.string() }),
  current: InstanceRecord.optional(),
  /** Instances replaced by a deploy and still draining; killed on the next start if still alive. */
  retiring: z.array(z.object({ instanceId: z.string(), pid: z.number() })),
  /** Volume directories this app declared, removed with the app. */
  volumeDirs: z.array(z.string()),
});
export type AppRecord = z.infer<typeof AppRecord>;

export const ProcessState = z.object({
  v: z.literal(1),
  apps: z.record(z.string(), AppRecord),
});
export type ProcessState = z.infer<typeof ProcessState>;

export async function readProcessState(path: string): Promise<ProcessState> {
  try {
    return ProcessState.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { v: 1, apps: {} };
    throw error;
  }
}

/** Atomic replace: a crash mid-write leaves the previous state, never half a file. */
export async function writeProcessState(path: string, state: ProcessState): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}
