/**
 * One captured output line as an `otel_logs` row: level words, trace context and a leading
 * timestamp are read from the text the way common Java log layouts write them; who the row
 * belongs to comes from the deployment's scope, never from the text.
 */
import { type OutputLine, rfc3339Nanos } from '../orchestrators/output.ts';
import { type LogRow, nanosToDateTime64, ownerColumns, type TelemetryScope } from './rows.ts';

export type Severity = { text: string; number: number };

/** OpenTelemetry severity numbers (the first of each range). */
const severities: Record<string, Severity> = {
  TRACE: { text: 'TRACE', number: 1 },
  DEBUG: { text: 'DEBUG', number: 5 },
  INFO: { text: 'INFO', number: 9 },
  WARN: { text: 'WARN', number: 13 },
  WARNING: { text: 'WARN', number: 13 },
  ERROR: { text: 'ERROR', number: 17 },
  SEVERE: { text: 'ERROR', number: 17 },
  FATAL: { text: 'FATAL', number: 21 },
};

/** Bodies longer than this are cut: one runaway line must not make a huge row. */
export const maxBodyChars = 32 * 1024;
/** Level words count near the start of a line only; later they are prose ("no ERROR found"). */
const levelWindow = 160;

const levelWord = /(?:^|[\s[|(])(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|SEVERE|FATAL)(?=$|[\s\]|):])/;
const levelField = /\blevel["']?\s*[=:]\s*["']?(trace|debug|info|warn|warning|error|fatal)\b/i;
const traceField = /\btrace[_-]?id["']?\s*[=:]\s*["']?([0-9a-f]{32})\b/i;
const spanField = /\bspan[_-]?id["']?\s*[=:]\s*["']?([0-9a-f]{16})\b/i;
const leadingTime = /^\[?(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})/;
/** The zoned timestamp and the level word a line starts with, as they are cut off its body. */
const timePrefix = /^\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})\]?\s+/;
const levelPrefix = /^\[?(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|SEVERE|FATAL)\]?(?::\s*|\s+)/;
/** Stack trace and wrapped lines: they take the level of the line they continue. */
const continuation = /^(?:\s+\S|Caused by: |\.\.\. \d+ more)/;

export function parseSeverity(line: string): Severity | undefined {
  const head = line.slice(0, levelWindow);
  const word = levelWord.exec(head)?.[1] ?? levelField.exec(head)?.[1]?.toUpperCase();
  return word ? severities[word] : undefined;
}

export function parseTraceContext(line: string): { traceId: string; spanId: string } {
  return {
    traceId: traceField.exec(line)?.[1]?.toLowerCase() ?? '',
    spanId: spanField.exec(line)?.[1]?.toLowerCase() ?? '',
  };
}

/** What the process orchestrator's own notes in an instance's output start with (`[cameleer] <time> …`). */
const notePrefix = '[cameleer] ';

/** A timestamp leading the line with an explicit zone (`2024-05-01T10:00:00.123Z`, `…+02:00`). */
export function leadingTimestampNanos(line: string): bigint | undefined {
  const match = leadingTime.exec(line.startsWith(notePrefix) ? line.slice(notePrefix.length) : line);
  if (!match) return undefined;
  const zone = match[4] === 'Z' ? 'Z' : `${match[4]?.slice(0, 3)}:${match[4]?.slice(-2)}`;
  const nanos = rfc3339Nanos(`${match[1]}T${match[2]}${match[3] ? `.${match[3]}` : ''}${zone}`);
  return nanos > 0n ? nanos : undefined;
}

/**
 * The line without the timestamp and level it starts with, once they are the row's own columns:
 * shown as `time LEVEL body`, the line would otherwise say both twice. Only a zoned timestamp is
 * cut (a zoneless one is not read as the row's time), and only a level at the start or right after
 * it; a line that is nothing else stays whole.
 */
export function messageOf(line: string): string {
  if (line.startsWith(notePrefix)) return `${notePrefix}${messageOf(line.slice(notePrefix.length))}`;
  let rest = leadingTimestampNanos(line) === undefined ? line : line.replace(timePrefix, '');
  const level = levelPrefix.exec(rest);
  if (level) rest = rest.slice(level[0].length);
  return rest.trim() ? rest : line;
}

export type LineContext = {
  scope: TelemetryScope;
  instanceId: string;
  /** The severity of the previous line of the same stream, for continuation lines. */
  previous?: Severity;
  now?: () => bigint;
};

/** The row and the severity it carries (to hand to the next line as `previous`). */
export function toLogRow(output: OutputLine, ctx: LineContext): { row: LogRow; severity?: Severity } {
  const { line } = output;
  const severity = parseSeverity(line) ?? (continuation.test(line) ? ctx.previous : undefined);
  const { traceId, spanId } = parseTraceContext(line);
  const nanos =
    (output.time ? rfc3339Nanos(output.time) || undefined : undefined) ??
    leadingTimestampNanos(line) ??
    (ctx.now ?? nowNanos)();
  const { scope } = ctx;
  const body = messageOf(line);
  const row: LogRow = {
    ...ownerColumns(scope),
    Timestamp: nanosToDateTime64(nanos),
    TraceId: traceId,
    SpanId: spanId,
    TraceFlags: 0,
    SeverityText: severity?.text ?? '',
    SeverityNumber: severity?.number ?? 0,
    ServiceName: scope.app,
    Body: body.length > maxBodyChars ? body.slice(0, maxBodyChars) : body,
    ResourceSchemaUrl: '',
    ResourceAttributes: {
      'service.name': scope.app,
      'deployment.environment': scope.environment,
      'cameleer.deployment.id': scope.deploymentId,
      'service.instance.id': ctx.instanceId,
    },
    ScopeSchemaUrl: '',
    ScopeName: output.stream === 'stderr' ? 'cameleer.stderr' : 'cameleer.stdout',
    ScopeVersion: '',
    ScopeAttributes: {},
    LogAttributes: output.stream ? { 'log.iostream': output.stream } : {},
  };
  return { row, severity };
}

function nowNanos(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}
