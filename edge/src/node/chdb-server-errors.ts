/**
 * Errors in the shape the ClickHouse HTTP interface sends them: `Code: N. DB::Exception: … (TYPE)`
 * with the code in `X-ClickHouse-Exception-Code`, which `@clickhouse/client` turns into a
 * `ClickHouseError` carrying `code` and `type`.
 */
export class ClickHouseHttpError extends Error {
  constructor(
    readonly code: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export const syntaxError = (message: string) => new ClickHouseHttpError(62, 'SYNTAX_ERROR', message);
export const badArguments = (message: string) => new ClickHouseHttpError(36, 'BAD_ARGUMENTS', message);

// The server's own mapping for the codes a client is likely to meet; everything else is a 500.
const statusByCode = new Map<number, number>([
  [62, 400], // SYNTAX_ERROR
  [36, 400], // BAD_ARGUMENTS
  [27, 400], // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  [26, 400], // CANNOT_PARSE_QUOTED_STRING
  [6, 400], // CANNOT_PARSE_TEXT
  [117, 400], // INCORRECT_DATA
  [115, 400], // UNKNOWN_SETTING
  [73, 400], // UNKNOWN_FORMAT
  [456, 400], // UNKNOWN_QUERY_PARAMETER
  [457, 400], // BAD_QUERY_PARAMETER
  [47, 404], // UNKNOWN_IDENTIFIER
  [46, 404], // UNKNOWN_FUNCTION
  [50, 404], // UNKNOWN_TYPE
  [60, 404], // UNKNOWN_TABLE
  [81, 404], // UNKNOWN_DATABASE
  [164, 403], // READONLY
  [307, 413], // TOO_MANY_BYTES
]);

export type ErrorResponse = { status: number; code: number; body: string };

/** Any error (ours, chDB's, or unexpected) as the response the server would send. */
export function errorResponse(err: unknown): ErrorResponse {
  if (err instanceof ClickHouseHttpError) {
    return {
      status: statusByCode.get(err.code) ?? 500,
      code: err.code,
      body: `Code: ${err.code}. DB::Exception: ${err.message}. (${err.type})\n`,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  const chCode = (err as { clickhouseCode?: unknown } | undefined)?.clickhouseCode;
  const code = typeof chCode === 'number' ? chCode : 1001;
  const body = /^Code: \d+\. DB::Exception: /.test(message)
    ? message
    : `Code: ${code}. DB::Exception: ${message}. (${typeof chCode === 'number' ? 'BAD_ARGUMENTS' : 'STD_EXCEPTION'})`;
  return { status: statusByCode.get(code) ?? 500, code, body: body.endsWith('\n') ? body : `${body}\n` };
}
