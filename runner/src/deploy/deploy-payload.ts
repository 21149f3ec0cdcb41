/** The payloads of the deployment commands, as the edge signs them (the contract with the edge). */
import { z } from 'zod';
import { CommandFailed } from '../commands/handlers.ts';

const Slug = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'must be a slug');

export const AppRefPayload = z.object({ tenant: Slug, environment: Slug, app: Slug });

export const DeployPayload = z.object({
  deploymentId: z.string().min(1).max(64),
  ref: AppRefPayload,
  version: z.object({
    id: z.string().min(1).max(64),
    label: z.string().min(1).max(128),
    // Names the cached file, so it must be exactly a hex digest.
    sha256: z.string().regex(/^[a-f0-9]{64}$/),
    artifactUrl: z.url({ protocol: /^https?$/ }),
  }),
  env: z.record(z.string(), z.string()),
  resources: z.object({
    memoryMb: z.number().int().positive(),
    cpus: z.number().positive(),
    pids: z.number().int().positive(),
  }),
  writeableVolumes: z.array(z.string().startsWith('/')),
  healthCheck: z.object({
    httpPath: z.string().startsWith('/').optional(),
    timeoutSeconds: z.number().positive(),
  }),
  private: z.boolean(),
  /** The app's agent tokens, minted by the edge when it signed this command (edges before telemetry send none). */
  telemetry: z
    .object({
      bootstrapToken: z.string().min(1).max(4096),
      agentToken: z.string().min(1).max(4096),
      tenantId: z.string().min(1).max(64),
      retentionDays: z.number().int().positive(),
    })
    .optional(),
});
export type DeployPayload = z.infer<typeof DeployPayload>;

export const RefPayload = z.object({ ref: AppRefPayload });
export type RefPayload = z.infer<typeof RefPayload>;

export const LogsPayload = z.object({
  ref: AppRefPayload,
  tail: z.number().int().nonnegative().max(10_000).default(100),
  /** Stream new lines as progress for `seconds` instead of answering the last `tail` lines. */
  follow: z.boolean().default(false),
  seconds: z.number().int().positive().max(3600).default(300),
});
export type LogsPayload = z.infer<typeof LogsPayload>;

/** Parses a command's payload; a bad one fails the command with what is wrong. */
export function parsePayload<T>(schema: z.ZodType<T>, payload: unknown): T {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`);
  throw new CommandFailed(`invalid payload: ${issues.join('; ')}`);
}
