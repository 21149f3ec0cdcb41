import type { Attributes } from '../rows.ts';
import { OtlpRefused, otlpLimits } from './limits.ts';
import type { AnyValue, KeyValue } from './model.ts';
import { base64, double, int64 } from './scalars.ts';

const has = Object.hasOwn;

/** OTLP attributes as stored: every value a string, arrays and key-value lists as JSON. */
export function attributes(list: KeyValue[] | undefined, where: string): Attributes {
  // No prototype: a key named `__proto__` is stored like any other.
  const out: Attributes = Object.create(null);
  if (list === undefined || list.length === 0) return out;
  if (list.length > otlpLimits.maxAttributesPerItem) {
    throw new OtlpRefused(
      `${where} has ${list.length} attributes; at most ${otlpLimits.maxAttributesPerItem} are accepted`,
    );
  }
  for (const { key = '', value } of list) {
    if (key.length > otlpLimits.maxAttributeKeyChars) {
      throw new OtlpRefused(
        `${where} has an attribute key of ${key.length} characters; at most ${otlpLimits.maxAttributeKeyChars} are accepted`,
      );
    }
    // Described lazily: building the description for every attribute would cost more than the check.
    const text = anyValueText(value, () => `attribute ${key.slice(0, 64)} of ${where}`);
    if (
      text.length * 3 > otlpLimits.maxAttributeValueBytes &&
      Buffer.byteLength(text) > otlpLimits.maxAttributeValueBytes
    ) {
      throw new OtlpRefused(
        `attribute ${key.slice(0, 64)} of ${where} is over ${otlpLimits.maxAttributeValueBytes} bytes`,
      );
    }
    out[key] = text;
  }
  return out;
}

/** An AnyValue as one string, the way the ClickHouse exporter stores it (pdata's `AsString`). */
export function anyValueText(value: AnyValue | null | undefined, where: string | (() => string)): string {
  if (value === null || value === undefined) return '';
  if (has(value, 'stringValue')) return value.stringValue ?? '';
  if (has(value, 'arrayValue') || has(value, 'kvlistValue'))
    return JSON.stringify(anyValueJson(value, 1, where));
  const json = anyValueJson(value, 1, where);
  return json === null ? '' : String(json);
}

function anyValueJson(
  value: AnyValue | null | undefined,
  depth: number,
  where: string | (() => string),
): unknown {
  if (depth > otlpLimits.maxValueDepth) {
    throw new OtlpRefused(`${describe(where)} nests values deeper than ${otlpLimits.maxValueDepth} levels`);
  }
  if (value === null || value === undefined) return null;
  if (has(value, 'stringValue')) return value.stringValue ?? '';
  if (has(value, 'boolValue')) return value.boolValue === true;
  if (has(value, 'intValue')) {
    const n = int64(value.intValue, describe(where));
    const small = Number(n);
    return Number.isSafeInteger(small) ? small : n.toString();
  }
  if (has(value, 'doubleValue')) {
    const n = double(value.doubleValue);
    return Number.isFinite(n) ? n : String(n);
  }
  if (has(value, 'bytesValue')) return value.bytesValue === undefined ? '' : base64(value.bytesValue);
  if (has(value, 'arrayValue')) {
    return (value.arrayValue?.values ?? []).map((item) => anyValueJson(item, depth + 1, where));
  }
  if (has(value, 'kvlistValue')) {
    const out: Record<string, unknown> = Object.create(null);
    for (const kv of value.kvlistValue?.values ?? [])
      out[kv.key ?? ''] = anyValueJson(kv.value, depth + 1, where);
    return out;
  }
  return null;
}

function describe(where: string | (() => string)): string {
  return typeof where === 'string' ? where : where();
}
