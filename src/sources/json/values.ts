/**
 * @module sources/json/values
 * Narrowing untrusted JSON values into the model's typed header and `FieldValue`s: numbers that
 * arrive as strings, EventIDs with Qualifiers, Keywords as signed 64-bit numbers, nested objects.
 * Everything here is total: bad input gives `undefined`, never a throw. Nesting is bounded.
 */
import type { FieldValue } from '../../model/event.js';

export type JsonObject = Record<string, unknown>;

/** Deepest nesting turned into field values; deeper parts are rendered as JSON text. */
export const MAX_FIELD_DEPTH = 16;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A non-negative integer from a number, a decimal string, or a `0x` hex string. */
export function asInt(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^\d{1,15}$/.test(s)) return Number(s);
    if (/^0x[0-9a-f]{1,13}$/i.test(s)) return Number.parseInt(s.slice(2), 16);
  }
  if (isObject(v) && '#text' in v) return asInt(v['#text']);
  return undefined;
}

/** A string from a string or a number; `undefined` for anything else (or an empty string). */
export function asText(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (isObject(v) && '#text' in v) return asText(v['#text']);
  return undefined;
}

/**
 * EventID and Qualifiers. Classic event sources encode the qualifiers in the high 16 bits of a
 * 32-bit id (`1073748860` = qualifiers 0x4000, id 7036); such ids are split unless the export
 * already gives the qualifiers separately.
 */
export function eventIdParts(
  id: unknown,
  qualifiers: unknown,
): { eventId: number; qualifiers?: number } | undefined {
  let q = asInt(qualifiers);
  let raw = id;
  if (isObject(id)) {
    raw = id['#text'];
    const attrs = id['#attributes'];
    q ??= asInt(isObject(attrs) ? attrs.Qualifiers : id['@Qualifiers']);
  }
  const n = asInt(raw);
  if (n === undefined || n > 0xffffffff) return undefined;
  if (n > 0xffff && q === undefined) return { eventId: n & 0xffff, qualifiers: n >>> 16 };
  return q === undefined ? { eventId: n } : { eventId: n, qualifiers: q };
}

/** Keywords as Windows renders them (`0x8020000000000000`), from a hex string or a (signed) number. */
export function keywordsHex(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^0x[0-9a-f]{1,16}$/i.test(s))
      return `0x${s
        .slice(2)
        .toLowerCase()
        .replace(/^0+(?=.)/, '')}`;
    if (/^-?\d{1,20}$/.test(s)) return hexOf(BigInt(s));
    return undefined;
  }
  if (typeof v === 'number' && Number.isInteger(v)) return hexOf(BigInt(v));
  return undefined;
}

function hexOf(b: bigint): string | undefined {
  if (b < -(1n << 63n) || b >= 1n << 64n) return undefined;
  return `0x${BigInt.asUintN(64, b).toString(16)}`;
}

/**
 * A JSON value as a field value: scalars as they are, arrays element-wise, an object with `#text`
 * as that text, any other object as compact JSON text (so nothing is silently lost).
 */
export function toFieldValue(v: unknown, depth = 0): FieldValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (depth >= MAX_FIELD_DEPTH) return safeJson(v);
  if (Array.isArray(v)) return v.map((x) => toFieldValue(x, depth + 1));
  if (isObject(v)) {
    if ('#text' in v) return toFieldValue(v['#text'], depth + 1);
    return safeJson(v);
  }
  return String(v);
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
}

/**
 * Set `fields[name]`; a repeated name becomes an array of its values in document order. `repeated`
 * remembers which names already became such arrays (so an array value is not mistaken for one).
 */
export function putField(
  fields: Record<string, FieldValue>,
  name: string,
  value: FieldValue,
  repeated: Set<string>,
): void {
  if (!Object.hasOwn(fields, name)) {
    // `__proto__` from hostile input must become a plain own field, not the object's prototype.
    if (name === '__proto__') {
      Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true });
    } else fields[name] = value;
    return;
  }
  const prev = fields[name] as FieldValue;
  if (repeated.has(name) && Array.isArray(prev)) {
    prev.push(value);
    return;
  }
  repeated.add(name);
  Object.defineProperty(fields, name, {
    value: [prev, value],
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * Flatten an object's leaves into `fields` under their own key (UserData style: the innermost
 * element names are the field names), skipping `#attributes`/`@…` metadata.
 */
export function flattenLeaves(
  obj: JsonObject,
  fields: Record<string, FieldValue>,
  repeated: Set<string>,
  conv: (v: unknown) => FieldValue = toFieldValue,
  depth = 0,
  name?: string,
): void {
  for (const [k, v] of Object.entries(obj)) {
    if (k === '#attributes' || k.startsWith('@') || k === 'xmlns') continue;
    const key = k === '#text' && name ? name : k;
    if (isObject(v) && !('#text' in v) && depth < MAX_FIELD_DEPTH)
      flattenLeaves(v, fields, repeated, conv, depth + 1, k);
    else
      putField(fields, key, depth < MAX_FIELD_DEPTH ? conv(v) : toFieldValue(v, MAX_FIELD_DEPTH), repeated);
  }
}
