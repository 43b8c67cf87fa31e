import { describe, expect, it } from 'vitest';
import type { Condition } from '../rule/types.js';
import { parseCondition } from './parse.js';

const ids = ['a', 'b', 'c', 'sel_1', 'sel_2', '_x'];

function show(c: Condition): string {
  switch (c.kind) {
    case 'id':
      return c.name;
    case 'not':
      return `not(${show(c.item)})`;
    case 'of':
      return `${c.quant}[${c.names.join(',')}]`;
    default:
      return `${c.kind}(${c.items.map(show).join(',')})`;
  }
}

describe('parseCondition', () => {
  it.each([
    ['a or b and c', 'or(a,and(b,c))'],
    ['not a and b', 'and(not(a),b)'],
    ['not 1 of sel_* or c', 'or(not(any[sel_1,sel_2]),c)'],
    ['a and (b or c)', 'and(a,or(b,c))'],
    ['all of them', 'all[a,b,c,sel_1,sel_2]'],
    ['1 of *_1', 'any[sel_1]'],
    ['any of s*', 'any[sel_1,sel_2]'],
    ['2 of them', '2[a,b,c,sel_1,sel_2]'],
    ['((a))', 'a'],
    ['a AND NOT b', 'and(a,not(b))'],
  ])('%s → %s', (text, expected) => {
    const r = parseCondition(text, ids);
    expect(r.ok && show(r.condition)).toBe(expected);
  });

  it.each([
    ['', 'bad-condition', 0],
    ['a and', 'bad-condition', 5],
    ['a b', 'bad-condition', 2],
    ['(a', 'bad-condition', 2],
    ['a)', 'bad-condition', 1],
    ['x', 'unknown-identifier', 0],
    ['1 of z*', 'unknown-identifier', 5],
    ['a | count() > 5', 'legacy-aggregation', 2],
    ['a near b', 'legacy-aggregation', 2],
    ['3x of them', 'bad-condition', 0],
    [`${'('.repeat(100)}a${')'.repeat(100)}`, 'bad-condition', 65],
  ])('%j is refused with %s at %d', (text, code, offset) => {
    const r = parseCondition(text, ids);
    expect(r.ok ? null : [r.error.code, r.error.offset]).toEqual([code, offset]);
  });
});
