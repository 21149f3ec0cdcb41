/**
 * What one OTLP request may hold. A request over any limit is refused whole (nothing of it is
 * stored), so an agent learns at once that its payload is wrong instead of losing part of it.
 */
export const otlpLimits = {
  /** Body after decompression; the compressed body is held to the same size. */
  maxBodyBytes: 8 * 1024 * 1024,
  maxAttributeKeyChars: 256,
  /** An attribute value, as the string that is stored. */
  maxAttributeValueBytes: 64 * 1024,
  /** Attributes on one resource, scope, span, event, link, log record or data point. */
  maxAttributesPerItem: 512,
  /** AnyValue nesting: a scalar is depth 1, an array of scalars depth 2. */
  maxValueDepth: 8,
} as const;

/** The request is malformed or over a limit; `reason` is for the agent's log. */
export class OtlpRefused extends Error {
  constructor(
    readonly reason: string,
    readonly status: 400 | 413 | 415 = 400,
  ) {
    super(reason);
    this.name = 'OtlpRefused';
  }
}
