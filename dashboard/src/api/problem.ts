/** A refused request in words: the problem+json the edge answers with, or what went wrong on the way. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly type?: string,
    /** Which input was refused and why (validation problems), for messages beside the field. */
    readonly errors: FieldProblem[] = [],
  ) {
    super(detail || title);
  }
}

export type FieldProblem = { path: string; message: string };

type ProblemBody = { title?: unknown; detail?: unknown; type?: unknown; errors?: unknown };

const fieldProblems = (errors: unknown): FieldProblem[] =>
  Array.isArray(errors)
    ? errors.filter((e): e is FieldProblem => typeof e?.path === 'string' && typeof e?.message === 'string')
    : [];

/** The message for one input of a refused request (its `errors[]` entry), if it names that input. */
export function fieldProblem(error: unknown, path: string): string | undefined {
  if (!(error instanceof ApiProblem)) return undefined;
  return error.errors.find((e) => e.path === path || e.path.startsWith(`${path}.`))?.message;
}

export function problemOf(status: number, body: unknown): ApiProblem {
  const p = (typeof body === 'object' && body !== null ? body : {}) as ProblemBody;
  const title = typeof p.title === 'string' ? p.title : `Request failed (${status})`;
  const detail = typeof p.detail === 'string' ? p.detail : '';
  return new ApiProblem(
    status,
    title,
    detail,
    typeof p.type === 'string' ? p.type : undefined,
    fieldProblems(p.errors),
  );
}

/** What a person reads for any error a query or mutation throws. */
export function describeError(error: unknown): { title: string; detail: string } {
  if (error instanceof ApiProblem) return { title: error.title, detail: error.detail };
  if (error instanceof TypeError) return { title: 'The server cannot be reached', detail: error.message };
  return { title: 'Something went wrong', detail: error instanceof Error ? error.message : String(error) };
}
