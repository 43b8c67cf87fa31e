/**
 * @module sigma/modifiers/pattern
 * Sigma strings: escape processing into literal runs and wildcards (spec "Escape Character",
 * the same reading as pySigma's SigmaString), wildcard helpers, and the reference glob matcher
 * the interpreter uses.
 */
import type { SigmaPattern, StrPart } from '../rule/types.js';

const STAR: StrPart = Object.freeze({ wild: '*' as const });
const QMARK: StrPart = Object.freeze({ wild: '?' as const });

/**
 * Parse a rule string. A backslash escapes `*`, `?` and `\`; before any other character it is a
 * literal backslash. A trailing lone backslash is literal.
 */
export function parseSigmaString(raw: string): SigmaPattern {
  const parts: StrPart[] = [];
  let lit = '';
  let escaped = false;
  for (const c of raw) {
    if (escaped) {
      lit += c === '*' || c === '?' || c === '\\' ? c : `\\${c}`;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === '*' || c === '?') {
      if (lit) parts.push(lit);
      lit = '';
      parts.push(c === '*' ? STAR : QMARK);
    } else {
      lit += c;
    }
  }
  if (escaped) lit += '\\';
  if (lit) parts.push(lit);
  return { parts: normalise(parts) };
}

/** A pattern of literal text only. */
export function literalPattern(text: string): SigmaPattern {
  return { parts: text ? [text] : [] };
}

/** Merge adjacent literals and collapse runs of `*`. */
export function normalise(parts: readonly StrPart[]): StrPart[] {
  const out: StrPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (typeof p === 'string') {
      if (!p) continue;
      if (typeof last === 'string') out[out.length - 1] = last + p;
      else out.push(p);
    } else if (p.wild === '*' && last !== undefined && typeof last !== 'string' && last.wild === '*') {
      // `**` is `*`
    } else {
      out.push(p.wild === '*' ? STAR : QMARK);
    }
  }
  return out;
}

export function hasWildcards(p: SigmaPattern): boolean {
  return p.parts.some((x) => typeof x !== 'string');
}

/** The literal text of a wildcard-free pattern. */
export function plainText(p: SigmaPattern): string {
  return p.parts.map((x) => (typeof x === 'string' ? x : x.wild)).join('');
}

export function startsWithStar(p: SigmaPattern): boolean {
  const f = p.parts[0];
  return f !== undefined && typeof f !== 'string' && f.wild === '*';
}

export function endsWithStar(p: SigmaPattern): boolean {
  const l = p.parts[p.parts.length - 1];
  return l !== undefined && typeof l !== 'string' && l.wild === '*';
}

/** `contains` / `startswith` / `endswith`: add `*` where it is not already. */
export function addWildcards(p: SigmaPattern, front: boolean, back: boolean): SigmaPattern {
  const parts = [...p.parts];
  if (front && !startsWithStar(p)) parts.unshift(STAR);
  if (back && !endsWithStar(p)) parts.push(STAR);
  return { parts: normalise(parts) };
}

export function mapLiterals(p: SigmaPattern, f: (s: string) => string): SigmaPattern {
  return { parts: normalise(p.parts.map((x) => (typeof x === 'string' ? f(x) : x))) };
}

export function lowerPattern(p: SigmaPattern): SigmaPattern {
  return mapLiterals(p, (s) => s.toLowerCase());
}

/** Render a pattern back as Sigma source text (escaping literal wildcards and backslashes). */
export function renderPattern(p: SigmaPattern): string {
  return p.parts
    .map((x) => (typeof x === 'string' ? x.replace(/[\\*?]/g, (c) => `\\${c}`) : x.wild))
    .join('');
}

/**
 * Reference glob matcher over code units: `*` any run, `?` exactly one. Linear backtracking to the
 * last star (worst case O(text × pattern), never exponential). Both inputs already case-folded.
 */
export function globMatch(parts: readonly StrPart[], text: string): boolean {
  // Flatten into a token array: strings of length 1 for literals, 0 = '*', 1 = '?'.
  const toks: Array<string | 0 | 1> = [];
  for (const p of parts) {
    if (typeof p === 'string') for (let i = 0; i < p.length; i++) toks.push(p[i] as string);
    else toks.push(p.wild === '*' ? 0 : 1);
  }
  let t = 0;
  let k = 0;
  let starK = -1;
  let starT = 0;
  while (t < text.length) {
    const tok = toks[k];
    if (tok !== undefined && tok !== 0 && (tok === 1 || tok === text[t])) {
      t++;
      k++;
    } else if (tok === 0) {
      starK = k++;
      starT = t;
    } else if (starK >= 0) {
      k = starK + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (toks[k] === 0) k++;
  return k === toks.length;
}
