/**
 * @module sigma/modifiers/regex
 * Rule regexes (`|re`) run on attacker-controlled text, so they never run unbounded:
 * - the text a regex sees is capped at `REGEX_TEXT_CAP` code units (the first 64 Ki);
 * - a pattern goes to the native backtracking engine only when a conservative static check
 *   shows it cannot blow up (no backreferences or lookaround, no quantified group that itself
 *   holds a quantifier or an alternation, at most one unbounded quantifier, small bounded
 *   repeats) and only for texts up to `NATIVE_TEXT_MAX`; everything else runs on re2js
 *   (linear time). A pattern re2js cannot compile is refused (`unsupported-regex`).
 */
import { RE2JS } from 're2js';

/** Code units of a field value a regex searches (longer values: the first REGEX_TEXT_CAP). */
export const REGEX_TEXT_CAP = 65_536;
/** Longest text the native engine sees for a pattern that passed the static check. */
export const NATIVE_TEXT_MAX = 4_096;

export interface RegexTester {
  /** 'native' when short texts use the native engine, 're2' when every text uses re2js. */
  readonly engine: 'native' | 're2';
  test(text: string): boolean;
}

export type RegexCompile = { ok: true; tester: RegexTester } | { ok: false; message: string };

/** Sigma's flag modifiers and pySigma's long aliases. */
export const REGEX_FLAG_MODIFIERS: Readonly<Record<string, 'i' | 'm' | 's'>> = {
  i: 'i',
  ignorecase: 'i',
  m: 'm',
  multiline: 'm',
  s: 's',
  dotall: 's',
};

/**
 * Conservative check: true only when backtracking is bounded by roughly O(n²) with small
 * constants. False positives (safe patterns rejected) only cost speed.
 */
export function isNativeSafe(src: string): boolean {
  interface Group {
    quant: boolean;
    alt: boolean;
  }
  const stack: Group[] = [{ quant: false, alt: false }];
  let unbounded = 0;
  let boundedProduct = 1;
  let prevWasGroup: Group | null = null;
  const markQuant = (g: Group | null, max: number): boolean => {
    if (g && (g.quant || g.alt)) return false;
    for (const s of stack) s.quant = true;
    if (max === Number.POSITIVE_INFINITY) unbounded++;
    else boundedProduct *= max + 1;
    return unbounded <= 1 && boundedProduct <= 256;
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    const atomGroup: Group | null = null;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) return false;
      if (/[1-9k]/.test(n)) return false;
      i++;
    } else if (c === '[') {
      let j = i + 1;
      if (src[j] === '^') j++;
      if (src[j] === ']') j++;
      while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) return false;
      i = j;
    } else if (c === '(') {
      if (src[i + 1] === '?') {
        const n = src[i + 2];
        if (n === '=' || n === '!') return false;
        if (n === '<' && (src[i + 3] === '=' || src[i + 3] === '!')) return false;
        if (n !== ':' && n !== '<' && n !== 'P') return false;
      }
      stack.push({ quant: false, alt: false });
      prevWasGroup = null;
      continue;
    } else if (c === ')') {
      const g = stack.pop();
      if (!g || stack.length === 0) return false;
      prevWasGroup = g;
      continue;
    } else if (c === '|') {
      (stack[stack.length - 1] as Group).alt = true;
      prevWasGroup = null;
      continue;
    } else if (c === '*' || c === '+' || c === '?' || c === '{') {
      let max = c === '?' ? 1 : Number.POSITIVE_INFINITY;
      if (c === '{') {
        const m = /^\{(\d*)(,(\d*))?\}/.exec(src.slice(i));
        if (!m) {
          prevWasGroup = null;
          continue; // a literal brace
        }
        max = m[2] === undefined ? Number(m[1]) : m[3] ? Number(m[3]) : Number.POSITIVE_INFINITY;
        if (max > 64) max = Number.POSITIVE_INFINITY;
        i += m[0].length - 1;
      }
      if (src[i + 1] === '?' || src[i + 1] === '+') i++;
      if (!markQuant(prevWasGroup, max)) return false;
      prevWasGroup = null;
      continue;
    }
    prevWasGroup = atomGroup;
  }
  return stack.length === 1;
}

const LITERAL_ESCAPE = /[\\.^$|?*+()[\]{}/\-'"#%&,:;<=>@_`~!]/;

/**
 * The longest literal a match must contain (for a cheap `includes` check before the regex), or
 * null. Conservative: only top-level plain characters and escaped punctuation count; any
 * alternation, group, class, or optional repeat ends or drops a run.
 */
export function requiredLiteral(src: string): string | null {
  // Inline flags inside the pattern may switch case-sensitivity: no literal then.
  if (/\(\?[a-zA-Z]*[a-zA-Z]\)|\(\?[a-zA-Z]+:/.test(src)) return null;
  const classEnd = (i: number): number => {
    let j = i + 1;
    if (src[j] === '^') j++;
    if (src[j] === ']') j++;
    while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
    return j;
  };
  let depth = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (c === '[') i = classEnd(i);
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return null;
  }
  let best = '';
  let run = '';
  const flush = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < src.length; ) {
    const c = src[i] as string;
    let lit: string | null = null;
    let width = 1;
    if (c === '\\') {
      const n = src[i + 1];
      if (n !== undefined && LITERAL_ESCAPE.test(n)) lit = n;
      width = 2;
    } else if (c === '[') {
      width = classEnd(i) - i + 1;
    } else if (c === '(') {
      let d = 0;
      let j = i;
      for (; j < src.length; j++) {
        if (src[j] === '\\') j++;
        else if (src[j] === '[') j = classEnd(j);
        else if (src[j] === '(') d++;
        else if (src[j] === ')' && --d === 0) break;
      }
      width = j - i + 1;
    } else if (!'.^$*+?{}|)'.includes(c)) lit = c;
    // The quantifier after the atom, if any.
    const rest = src.slice(i + width);
    let qlen = 0;
    let min = 1;
    let repeats = false;
    const brace = /^\{(\d*)(,\d*)?\}/.exec(rest);
    if (rest[0] === '?' || rest[0] === '*') {
      qlen = 1;
      min = 0;
    } else if (rest[0] === '+') {
      qlen = 1;
      repeats = true;
    } else if (brace) {
      qlen = brace[0].length;
      min = Number(brace[1] || 0);
      repeats = true;
    }
    if (qlen && (rest[qlen] === '?' || rest[qlen] === '+')) qlen++;
    if (lit === null || min === 0) flush();
    else {
      run += lit;
      if (repeats) flush();
    }
    i += width + qlen;
  }
  flush();
  return best.length >= 3 ? best : null;
}

/**
 * A lower-case literal that the text of every match of the regex contains once lower-cased, for
 * literal prefilters; null when there is none. It is the literal the tester itself checks first
 * (`requiredLiteral`), kept only when ASCII: lower-casing an ASCII run is local and exact, whereas
 * case-insensitive matching of other characters does not follow `toLowerCase` (final sigma).
 */
export function regexNeedle(source: string): string | null {
  const lit = requiredLiteral(liftInlineFlags(source, new Set()));
  // biome-ignore lint/suspicious/noControlCharactersInRegex: any ASCII character is fine here
  return lit !== null && /^[\u0000-\u007f]+$/.test(lit) ? lit.toLowerCase() : null;
}

/** Python-style leading inline flags `(?i)`, `(?ims)` become flags. */
function liftInlineFlags(src: string, flags: Set<string>): string {
  const m = /^\(\?([ims]+)\)/.exec(src);
  if (!m) return src;
  for (const f of m[1] as string) flags.add(f);
  return src.slice(m[0].length);
}

export function compileRegex(source: string, flagList: readonly string[]): RegexCompile {
  const flags = new Set(flagList);
  const src = liftInlineFlags(source, flags);
  let re2: RE2JS;
  try {
    let f = 0;
    if (flags.has('i')) f |= RE2JS.CASE_INSENSITIVE;
    if (flags.has('m')) f |= RE2JS.MULTILINE;
    if (flags.has('s')) f |= RE2JS.DOTALL;
    re2 = RE2JS.compile(src, f);
  } catch (e) {
    return { ok: false, message: `regular expression not supported: ${(e as Error).message}` };
  }
  // A literal every match contains: a cheap check that skips most regex runs.
  const lit = requiredLiteral(src);
  const hasLit =
    lit === null
      ? () => true
      : flags.has('i')
        ? (
            (r: RegExp) => (t: string) =>
              r.test(t)
          )(new RegExp(lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'))
        : (t: string) => t.includes(lit);
  let native: RegExp | null = null;
  if (isNativeSafe(src)) {
    try {
      native = new RegExp(src.replace(/\(\?P</g, '(?<'), [...flags].sort().join(''));
    } catch {
      native = null;
    }
  }
  if (native) {
    const n = native;
    return {
      ok: true,
      tester: {
        engine: 'native',
        test(text) {
          const t = text.length > REGEX_TEXT_CAP ? text.slice(0, REGEX_TEXT_CAP) : text;
          if (!hasLit(t)) return false;
          return t.length <= NATIVE_TEXT_MAX ? n.test(t) : re2.test(t);
        },
      },
    };
  }
  return {
    ok: true,
    tester: {
      engine: 're2',
      test(text) {
        const t = text.length > REGEX_TEXT_CAP ? text.slice(0, REGEX_TEXT_CAP) : text;
        return hasLit(t) && re2.test(t);
      },
    },
  };
}
