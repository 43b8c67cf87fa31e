/**
 * @module sigma/modifiers/encoding
 * Transformation modifiers that rewrite a value into one or several values: base64,
 * base64offset, utf16le/utf16be/utf16/wide, windash and expand (placeholders).
 *
 * Encoded values are "byte strings": JS strings whose code units are bytes (0-255). Text is
 * UTF-8 encoded before base64; utf16* output is already bytes.
 */
import type { SigmaPattern, StrPart } from '../rule/types.js';
import { normalise, parseSigmaString } from './pattern.js';

/** A value being transformed: its pattern and whether its literals are bytes (after utf16*). */
export interface WorkingString {
  readonly pattern: SigmaPattern;
  readonly bytes: boolean;
}

function toBytes(w: WorkingString, text: string): Buffer {
  return w.bytes ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
}

export function base64(w: WorkingString, text: string): string {
  return toBytes(w, text).toString('base64');
}

const OFFSET_START = [0, 2, 3] as const;
const OFFSET_END = [undefined, -3, -2] as const;

/**
 * The three base64 renderings of a value that appears at byte offset 0, 1 or 2 of an encoded
 * blob: encode `i` padding bytes + the value and keep only the characters that do not depend on
 * the neighbours.
 */
export function base64Offsets(w: WorkingString, text: string): string[] {
  const bytes = toBytes(w, text);
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const enc = Buffer.concat([Buffer.alloc(i, 0x20), bytes]).toString('base64');
    const end = OFFSET_END[(bytes.length + i) % 3];
    out.push(enc.slice(OFFSET_START[i], end));
  }
  return out;
}

function utf16Bytes(s: string, bigEndian: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const hi = String.fromCharCode(c >> 8);
    const lo = String.fromCharCode(c & 0xff);
    out += bigEndian ? hi + lo : lo + hi;
  }
  return out;
}

export type Utf16Kind = 'utf16le' | 'utf16be' | 'utf16';

/** UTF-16 encode the literal runs (wildcards stay wildcards); `utf16` prepends the LE BOM. */
export function utf16(w: WorkingString, kind: Utf16Kind): WorkingString {
  const parts: StrPart[] = w.pattern.parts.map((p) =>
    typeof p === 'string' ? utf16Bytes(p, kind === 'utf16be') : p,
  );
  if (kind === 'utf16') parts.unshift('\u00ff\u00fe');
  return { pattern: { parts: normalise(parts) }, bytes: true };
}

export const WINDASH_CHARS = ['-', '/', '\u2013', '\u2014', '\u2015'] as const;
/** Cap on flag positions substituted in one value (5^5 = 3,125 variants). */
export const WINDASH_MAX_POSITIONS = 5;

const WORD = /[\p{L}\p{N}\p{M}_]/u;

function isWord(c: string | undefined): boolean {
  return c !== undefined && WORD.test(c);
}

/** Positions of flag starts (`\B[-/]\b` in pySigma's reading) in one literal run. */
function windashPositions(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if ((c === '-' || c === '/') && !isWord(s[i - 1]) && isWord(s[i + 1])) out.push(i);
  }
  return out;
}

/** windash: every combination of dash characters at each flag start; null when over the cap. */
export function windash(p: SigmaPattern): SigmaPattern[] | null {
  const slots: Array<{ part: number; pos: number }> = [];
  p.parts.forEach((x, part) => {
    if (typeof x === 'string') for (const pos of windashPositions(x)) slots.push({ part, pos });
  });
  if (slots.length > WINDASH_MAX_POSITIONS) return null;
  const out: SigmaPattern[] = [];
  const total = WINDASH_CHARS.length ** slots.length;
  for (let n = 0; n < total; n++) {
    const parts = [...p.parts];
    let rest = n;
    // Substitute right to left within a run so earlier positions stay valid (same length).
    for (let s = slots.length - 1; s >= 0; s--) {
      const slot = slots[s] as { part: number; pos: number };
      const ch = WINDASH_CHARS[rest % WINDASH_CHARS.length] as string;
      rest = Math.floor(rest / WINDASH_CHARS.length);
      const run = parts[slot.part] as string;
      parts[slot.part] = run.slice(0, slot.pos) + ch + run.slice(slot.pos + 1);
    }
    out.push({ parts });
  }
  return out;
}

export type ExpandResult =
  | { ok: true; patterns: SigmaPattern[] }
  | { ok: false; missing: string[] }
  | { ok: false; tooMany: true };

/** Cap on the number of values one placeholder expansion may produce. */
export const EXPAND_MAX_VALUES = 10_000;

/**
 * expand: `%name%` in literal runs becomes each configured value (parsed as Sigma strings, so
 * wildcards in them are active); `\%` is a literal percent sign.
 */
export function expandPlaceholders(
  p: SigmaPattern,
  values: Record<string, string[]> | undefined,
): ExpandResult {
  // Build a list of segments: fixed parts or placeholder alternatives.
  const segs: Array<StrPart[] | { name: string }> = [];
  const missing: string[] = [];
  for (const x of p.parts) {
    if (typeof x !== 'string') {
      segs.push([x]);
      continue;
    }
    const re = /\\%|%(\w+)%/g;
    let last = 0;
    for (let m = re.exec(x); m; m = re.exec(x)) {
      if (m.index > last) segs.push([x.slice(last, m.index)]);
      if (m[1] === undefined) segs.push(['%']);
      else {
        segs.push({ name: m[1] });
        if (!values || !Object.hasOwn(values, m[1])) missing.push(m[1]);
      }
      last = m.index + m[0].length;
    }
    if (last < x.length) segs.push([x.slice(last)]);
  }
  if (missing.length) return { ok: false, missing };
  let acc: StrPart[][] = [[]];
  for (const s of segs) {
    if (Array.isArray(s)) {
      for (const a of acc) a.push(...s);
      continue;
    }
    const alts = (values?.[s.name] ?? []).map((v) => parseSigmaString(v).parts);
    const next: StrPart[][] = [];
    for (const a of acc) for (const alt of alts) next.push([...a, ...alt]);
    if (next.length > EXPAND_MAX_VALUES) return { ok: false, tooMany: true };
    acc = next;
  }
  return { ok: true, patterns: acc.map((parts) => ({ parts: normalise(parts) })) };
}
