import { contractIssues } from '@cameleer/shared';
import type { z } from 'zod';
import { CommandFailed } from './handlers.ts';

/** Parses a command's payload with its shared contract; a bad one fails the command with what is wrong. */
export function parsePayload<T>(schema: z.ZodType<T>, payload: unknown): T {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  throw new CommandFailed(`invalid payload: ${contractIssues(parsed.error)}`);
}
