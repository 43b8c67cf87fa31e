/**
 * @module sigma/correlate/expr
 * pySigma's extended temporal condition: a boolean expression over rule names
 * (`not` > `and` > `or`, parentheses), e.g. `rule_a and (rule_b or not rule_c)`.
 * Bounded: at most 4,096 characters and 64 nesting levels.
 */
import type { TemporalExpr } from './types.js';

const MAX_LEN = 4096;
const MAX_DEPTH = 64;

type Tok = { t: 'id' | '(' | ')' | 'and' | 'or' | 'not'; v: string; at: number };

function lex(s: string): Tok[] | string {
  const out: Tok[] = [];
  const re = /\s*(?:([A-Za-z0-9_][A-Za-z0-9_.-]*)|(\()|(\)))/y;
  let i = 0;
  while (i < s.length) {
    if (/^\s*$/.test(s.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) return `unexpected character at ${i + 1}: '${s.slice(i).trimStart()[0] ?? ''}'`;
    const at = m.index + m[0].length - (m[1] ?? m[2] ?? m[3] ?? '').length;
    if (m[1]) {
      const w = m[1];
      const lw = w.toLowerCase();
      if (lw === 'and' || lw === 'or' || lw === 'not') out.push({ t: lw, v: w, at });
      else out.push({ t: 'id', v: w, at });
    } else if (m[2]) out.push({ t: '(', v: '(', at });
    else out.push({ t: ')', v: ')', at });
    i = re.lastIndex;
  }
  return out;
}

/** Parse the expression, or return a message naming the problem. */
export function parseTemporalExpr(s: string): TemporalExpr | string {
  if (s.length > MAX_LEN) return `expression longer than ${MAX_LEN} characters`;
  const toks = lex(s);
  if (typeof toks === 'string') return toks;
  if (toks.length === 0) return 'empty expression';
  let p = 0;
  const peek = () => toks[p];
  const fail = (what: string) => {
    const t = peek();
    return t ? `${what} at ${t.at + 1} ('${t.v}')` : `${what} at end of expression`;
  };
  function orExpr(depth: number): TemporalExpr | string {
    const first = andExpr(depth);
    if (typeof first === 'string') return first;
    const args = [first];
    while (peek()?.t === 'or') {
      p++;
      const next = andExpr(depth);
      if (typeof next === 'string') return next;
      args.push(next);
    }
    return args.length === 1 ? first : { kind: 'or', args };
  }
  function andExpr(depth: number): TemporalExpr | string {
    const first = notExpr(depth);
    if (typeof first === 'string') return first;
    const args = [first];
    while (peek()?.t === 'and') {
      p++;
      const next = notExpr(depth);
      if (typeof next === 'string') return next;
      args.push(next);
    }
    return args.length === 1 ? first : { kind: 'and', args };
  }
  function notExpr(depth: number): TemporalExpr | string {
    if (depth > MAX_DEPTH) return `expression nested deeper than ${MAX_DEPTH} levels`;
    const t = peek();
    if (t?.t === 'not') {
      p++;
      const arg = notExpr(depth + 1);
      return typeof arg === 'string' ? arg : { kind: 'not', arg };
    }
    if (t?.t === '(') {
      p++;
      const inner = orExpr(depth + 1);
      if (typeof inner === 'string') return inner;
      if (peek()?.t !== ')') return fail("expected ')'");
      p++;
      return inner;
    }
    if (t?.t === 'id') {
      p++;
      return { kind: 'ref', name: t.v };
    }
    return fail('expected a rule name, not or (');
  }
  const e = orExpr(0);
  if (typeof e === 'string') return e;
  if (p < toks.length) return fail('unexpected token');
  return e;
}

/** Rule names in order of first appearance. */
export function exprRefs(e: TemporalExpr, out: string[] = []): string[] {
  if (e.kind === 'ref') {
    if (!out.includes(e.name)) out.push(e.name);
  } else if (e.kind === 'not') exprRefs(e.arg, out);
  else for (const a of e.args) exprRefs(a, out);
  return out;
}

/** Evaluate over the set of rule names present in a window. */
export function evalExpr(e: TemporalExpr, present: (name: string) => boolean): boolean {
  switch (e.kind) {
    case 'ref':
      return present(e.name);
    case 'not':
      return !evalExpr(e.arg, present);
    case 'and':
      return e.args.every((a) => evalExpr(a, present));
    case 'or':
      return e.args.some((a) => evalExpr(a, present));
  }
}
