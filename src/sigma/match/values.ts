/**
 * @module sigma/match/values
 * Reference semantics of one value matcher against one field value, shared by the interpreter
 * (the source of truth) and used by the compiler only for the rare, slow value kinds it does not
 * specialise. Field values are compared as text: numbers in decimal, booleans as `true`/`false`.
 */
import type { FieldValue } from '../../model/event.js';
import type { RegexTester } from '../modifiers/regex.js';
import { compileRegex } from '../modifiers/regex.js';

const regexCache = new Map<string, RegexTester>();

/** The tester of a rule regex (compiled once per pattern and flags). */
export function regexTester(source: string, flags: string): RegexTester {
  const key = `${flags}\u0000${source}`;
  let t = regexCache.get(key);
  if (!t) {
    const c = compileRegex(source, flags.split(''));
    // Loading refuses rules whose regex does not compile, so this is a programming error.
    if (!c.ok) throw new Error(`regex passed loading but does not compile: ${c.message}`);
    t = c.tester;
    regexCache.set(key, t);
  }
  return t;
}

/** A scalar field value as text; null for null/absent. Arrays are handled by the caller. */
export function valueText(v: FieldValue | undefined): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/** The scalar members of a field value (an array's elements, flattened one level deep or more). */
export function scalars(v: FieldValue | undefined, out: FieldValue[] = []): FieldValue[] {
  if (Array.isArray(v)) for (const x of v) scalars(x, out);
  else if (v !== undefined) out.push(v);
  return out;
}
