import { z } from 'zod';

/** Every problem `type` is this base and the error's stable code. */
export const problemTypeBase = 'https://cameleer.dev/problems/';

export const problemType = (code: string) => `${problemTypeBase}${code}`;

export const FieldError = z.object({ path: z.string(), message: z.string() });
export type FieldError = z.infer<typeof FieldError>;

/**
 * An `application/problem+json` body (RFC 9457) as the edge and the runner's
 * own servers answer it; extension members (a limit, a tier) pass through.
 */
export const Problem = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  /** Set by the edge: the id its logs know the request by. */
  requestId: z.string().optional(),
  /** Set on validation errors: one entry per field. */
  errors: z.array(FieldError).optional(),
});
export type Problem = z.infer<typeof Problem>;

/** A problem as far as it can be read from someone else's answer: every member may be missing. */
export const PartialProblem = Problem.partial();
export type PartialProblem = z.infer<typeof PartialProblem>;
