/**
 * @module test/conformance/cases/conditions
 * Condition forms with the spec's precedence, quantifiers and condition lists.
 */
import type { MatchCase } from '../harness.js';

const SPEC = 'sigma-rules-specification.md "Condition"';

const three = `    a:
        A: '1'
    b:
        B: '1'
    c:
        C: '1'`;

const cond = (
  feature: string,
  name: string,
  condition: string,
  event: Record<string, string>,
  expect: boolean,
  extra: Partial<MatchCase> = {},
): MatchCase => ({ feature, name, rule: `${three}\n    condition: ${condition}`, event, expect, ...extra });

export const conditionCases: MatchCase[] = [
  cond('cond:and-or', 'a and b', 'a and b', { A: '1', B: '1' }, true, { source: SPEC }),
  cond('cond:and-or', 'a and b (b missing)', 'a and b', { A: '1' }, false),
  cond('cond:and-or', 'a or b', 'a or b', { B: '1' }, true, { source: SPEC }),
  cond('cond:and-or', 'keywords are case-insensitive (AND, Or)', 'a AND b Or c', { C: '1' }, true),
  cond('cond:not', 'a and not b', 'a and not b', { A: '1' }, true, { source: SPEC }),
  cond('cond:not', 'a and not b (b present)', 'a and not b', { A: '1', B: '1' }, false),
  cond('cond:not', 'not not a', 'not not a', { A: '1' }, true),
  cond('cond:parens', 'a and (b or c)', 'a and (b or c)', { A: '1', C: '1' }, true, { source: SPEC }),
  cond('cond:parens', '(a or b) and c', '(a or b) and c', { A: '1' }, false),
  cond('cond:precedence', 'and binds tighter than or: a or b and c', 'a or b and c', { A: '1' }, true, {
    source: SPEC,
  }),
  cond('cond:precedence', 'and binds tighter than or: b and c missing', 'a or b and c', { B: '1' }, false),
  cond('cond:precedence', 'not binds tighter than and: not a and b', 'not a and b', { B: '1' }, true),
  cond(
    'cond:precedence',
    'not binds tighter than and: not (a and b) differs',
    'not a and b',
    { A: '1', B: '1' },
    false,
  ),
  cond('cond:precedence', 'not binds tighter than or: not a or b', 'not a or b', { A: '1', B: '1' }, true),
  cond(
    'cond:precedence',
    'x of binds tighter than not: not 1 of a* and c',
    'not 1 of a* and c',
    { C: '1' },
    true,
  ),
  cond('cond:precedence', 'x of binds tighter than and: 1 of b* and c', '1 of b* and c', { B: '1' }, false),
  cond('cond:1-of', 'spec: 1 of selection* and keywords', '1 of a* and c', { A: '1', C: '1' }, true, {
    source: SPEC,
  }),
  cond('cond:any-of', 'any of (pySigma synonym of 1 of)', 'any of *', { B: '1' }, true),
  cond('cond:any-of', 'any of: none', 'any of *', {}, false),
  cond('cond:all-of', 'all of pattern (all hold)', 'all of *', { A: '1', B: '1', C: '1' }, true, {
    source: SPEC,
  }),
  cond('cond:all-of', 'all of pattern (one fails)', 'all of *', { A: '1', B: '1' }, false),
  cond('cond:1-of', 'pattern with * in the middle', '1 of a* or 1 of *b', { B: '1' }, true),
  {
    feature: 'cond:1-of',
    name: 'spec: 1 of selection* and not 1 of filter*',
    source: SPEC,
    rule: `    selection_1:
        A: '1'
    selection_2:
        B: '1'
    filter_1:
        C: '1'
    filter_2:
        D: '1'
    condition: 1 of selection* and not 1 of filter*`,
    event: { B: '1', D: '1' },
    expect: false,
  },
  {
    feature: 'cond:all-of',
    name: 'spec: all of selection*',
    source: SPEC,
    rule: `    selection_1:
        A: '1'
    selection_2:
        B: '1'
    filter:
        C: '1'
    condition: all of selection*`,
    event: { A: '1', B: '1' },
    expect: true,
  },
  {
    feature: 'cond:them',
    name: 'spec: 1 of them skips _-prefixed identifiers',
    source: SPEC,
    rule: `    selection:
        A: '1'
    _example:
        B: '1'
    condition: 1 of them`,
    event: { B: '1' },
    expect: false,
  },
  {
    feature: 'cond:them',
    name: 'all of them ignores a failing _ identifier',
    source: SPEC,
    rule: `    selection:
        A: '1'
    other:
        C: '1'
    _example:
        B: '1'
    condition: all of them`,
    event: { A: '1', C: '1' },
    expect: true,
  },
  {
    feature: 'cond:them',
    name: '_ identifiers can still be named explicitly',
    rule: `    selection:
        A: '1'
    _helper:
        B: '1'
    condition: selection and _helper`,
    event: { A: '1', B: '1' },
    expect: true,
  },
  {
    feature: 'cond:list',
    name: 'condition list is OR (second)',
    source: SPEC,
    rule: `${three}
    condition:
        - a and b
        - c`,
    event: { C: '1' },
    expect: true,
  },
  {
    feature: 'cond:list',
    name: 'condition list is OR (none)',
    rule: `${three}
    condition:
        - a and b
        - c`,
    event: { A: '1' },
    expect: false,
  },
  {
    feature: 'cond:1-of',
    name: '2 of (extension: at least N) runs interpreted',
    rule: `${three}\n    condition: 2 of *`,
    event: { A: '1', C: '1' },
    expect: true,
    interpretedBecause: /2 of/,
  },
];
