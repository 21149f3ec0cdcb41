import { z } from '@hono/zod-openapi';

/** Lenient on purpose: agents of a newer version may say more about themselves than this edge reads. */
export const RegisterAgentInput = z
  .object({
    bootstrapToken: z
      .string()
      .min(1)
      .max(4096)
      .optional()
      .openapi({ description: 'The bootstrap token, unless sent as `Authorization: Bearer`' }),
    hostname: z.string().max(253).optional(),
    agentVersion: z.string().max(64).optional(),
  })
  .openapi('RegisterAgent');

export const RegisteredAgent = z
  .object({
    agentId: z.string(),
    token: z.string().openapi({ description: 'Agent session token: the bearer token of OTLP exports' }),
    expiresAt: z.string().datetime(),
    tenantId: z.string(),
    environment: z.string(),
    app: z.string(),
    deploymentId: z.string(),
    endpoint: z
      .string()
      .nullable()
      .openapi({ description: "The runner intake's OTLP base URL, when the runner forwarded the call" }),
  })
  .openapi('RegisteredAgent');

/** The intake's base URL as the runner forwards it; anything but an http(s) URL is ignored. */
export function intakeUrlOf(header: string | undefined): string | null {
  if (!header || header.length > 2048) return null;
  try {
    const url = new URL(header);
    return url.protocol === 'http:' || url.protocol === 'https:' ? header : null;
  } catch {
    return null;
  }
}
