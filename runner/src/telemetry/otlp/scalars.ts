import { nanosToDateTime64 } from '../rows.ts';
import { OtlpRefused } from './limits.ts';
import type { Bytes, Int64 } from './model.ts';

/** The largest time DateTime64(9) holds (2262-04-11): later ones would fail a whole batch's insert. */
const maxNanos = 2n ** 63n - 1n;

export function int64(value: Int64 | undefined, what: string): bigint {
  if (value === undefined) return 0n;
  if (typeof value === 'object') {
    const unsigned = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
    return value.unsigned ? unsigned : BigInt.asIntN(64, unsigned);
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new OtlpRefused(`${what} is not an integer`);
    return BigInt(value);
  }
  if (!/^-?\d{1,20}$/.test(value)) throw new OtlpRefused(`${what} is not an integer`);
  return BigInt(value);
}

/** A count (UInt64 columns): a negative one would fail the whole batch's insert, so it refuses the request. */
export function count(value: Int64 | undefined, what: string): number {
  const n = int64(value, what);
  if (n < 0n) throw new OtlpRefused(`${what} is negative`);
  return Number(n);
}

/** A time in nanoseconds since the epoch as a DateTime64(9) string; 0 when absent. */
export function nanosTime(value: Int64 | undefined, what: string): string {
  return dateTime64(nanos(value, what));
}

let cachedSecond = -1n;
let cachedPrefix = '';

/**
 * `nanosToDateTime64`, remembering the last second's text: the items of one request mostly fall
 * in the same second, and formatting a Date per item dominated decoding.
 */
export function dateTime64(nanos: bigint): string {
  const second = nanos / 1_000_000_000n;
  if (second !== cachedSecond) {
    cachedPrefix = nanosToDateTime64(second * 1_000_000_000n).slice(0, 19);
    cachedSecond = second;
  }
  return `${cachedPrefix}.${(nanos % 1_000_000_000n).toString().padStart(9, '0')}`;
}

export function nanos(value: Int64 | undefined, what: string): bigint {
  const n = int64(value, what);
  if (n < 0n || n > maxNanos) throw new OtlpRefused(`${what} is out of range`);
  return n;
}

/** A float that may arrive as the proto3 JSON strings "NaN", "Infinity", "-Infinity". */
export function double(value: number | string | null | undefined): number {
  if (value === undefined || value === null) return 0;
  return typeof value === 'number' ? value : Number(value);
}

/**
 * A trace or span id as lowercase hex: `bytes` long, or empty when `optional` allows it.
 * Protobuf sends bytes, OTLP/JSON sends hex.
 */
export function id(value: Bytes | undefined, bytes: 8 | 16, what: string, optional: boolean): string {
  // protobufjs leaves an absent bytes field as an empty plain array.
  const hex =
    value === undefined || value.length === 0
      ? ''
      : typeof value === 'string'
        ? value.toLowerCase()
        : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  if (hex === '' && optional) return '';
  if (hex.length !== bytes * 2 || !/^[0-9a-f]*$/.test(hex)) {
    throw new OtlpRefused(`${what} must be ${bytes} bytes (${bytes * 2} hex digits)`);
  }
  return hex;
}

/** A bytes value as base64: protobuf sends bytes, OTLP/JSON already base64. */
export function base64(value: Bytes): string {
  if (typeof value === 'string') return value;
  return value.length === 0
    ? ''
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
}
