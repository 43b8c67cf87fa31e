import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { SigmaCorrelation } from './index.js';
import { parseCorrelationDocument, parseTimespan } from './index.js';

const LOC = { file: 'mr_test.yml', line: 3, col: 1 };

function parseYaml(text: string) {
  return parseCorrelationDocument(parse(text) as Record<string, unknown>, LOC);
}

function okYaml(text: string): SigmaCorrelation {
  const r = parseYaml(text);
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.value;
}

function errors(text: string): string[] {
  const r = parseYaml(text);
  return r.ok ? [] : r.issues.map((i) => i.message);
}

const base = `
title: t
correlation:
  type: event_count
  rules: [rule_a]
  group-by: [User]
  timespan: 5m
  condition: { gte: 3 }
`;

describe('parseCorrelationDocument', () => {
  it('reads every field, defaults generate to false, keeps custom keys', () => {
    const c = okYaml(`
title: Many failed logins
id: 0e95725d-7320-415d-80f7-004da920fc11
name: many_failed
status: test
level: high
description: d
author: me
references: [https://example.org]
date: 2024-01-02
modified: 2024/02/03
falsepositives: [admins]
tags: [attack.t1110]
x-custom: 42
correlation:
  type: event_count
  rules: [5638f7c0-ac70-491d-8465-2a65075e0d86, failed_login]
  group-by: [ComputerName, User]
  timespan: 1h
  condition: { gte: 100 }
`);
    expect(c).toMatchObject({
      title: 'Many failed logins',
      name: 'many_failed',
      level: 'high',
      generate: false,
      type: 'event_count',
      rules: ['5638f7c0-ac70-491d-8465-2a65075e0d86', 'failed_login'],
      groupBy: ['ComputerName', 'User'],
      timespanMs: 3_600_000,
      condition: { comparisons: [{ op: 'gte', value: 100 }] },
      custom: { 'x-custom': 42 },
      date: '2024-01-02',
      modified: '2024-02-03',
      location: LOC,
    });
    expect(c.notices.map((n) => n.code)).toEqual(['correlation-date-v1']);
  });

  it.each([
    ['30s', 30_000],
    ['90m', 5_400_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['1M', 2_629_746_000],
    ['1y', 31_556_952_000],
  ])('timespan %s = %d ms', (s, ms) => {
    expect(parseTimespan(s)?.ms).toBe(ms);
  });

  it.each(['', '5', 'm', '0m', '5 minutes', '-5m', '1.5h', '5H', '5mm'])('rejects timespan %j', (s) => {
    expect(parseTimespan(s)).toBeNull();
  });

  it('pySigma timespan units and value_median carry a notice', () => {
    const c = okYaml(base.replace('5m', '2w'));
    expect(c.notices.map((n) => n.code)).toEqual(['correlation-pysigma-extension']);
  });

  it('a range is an AND of comparisons, with an info notice; an empty range warns', () => {
    const c = okYaml(base.replace('{ gte: 3 }', '{ gt: 100, lte: 200 }'));
    expect(c.condition.comparisons).toEqual([
      { op: 'gt', value: 100 },
      { op: 'lte', value: 200 },
    ]);
    expect(c.notices.map((n) => n.code)).toEqual(['correlation-range']);
    const empty = okYaml(base.replace('{ gte: 3 }', '{ gt: 10, lt: 5 }'));
    expect(empty.notices.map((n) => n.code)).toEqual(['correlation-range', 'correlation-empty-range']);
  });

  it('temporal types default to "every rule"; group-by may be missing (global group, noted)', () => {
    const c = okYaml(`
title: t
correlation:
  type: temporal
  rules: [a_rule, b_rule]
  timespan: 5m
`);
    expect(c.condition).toEqual({ comparisons: [] });
    expect(c.groupBy).toEqual([]);
    expect(c.notices.map((n) => n.code)).toEqual(['correlation-no-group-by']);
  });

  it('temporal accepts a pySigma boolean expression, deriving rules when absent', () => {
    const c = okYaml(`
title: t
correlation:
  type: temporal
  group-by: [Host]
  timespan: 5m
  condition: recon_a and (recon_b or not recon_c)
`);
    expect(c.rules).toEqual(['recon_a', 'recon_b', 'recon_c']);
    expect(c.condition.expressionText).toBe('recon_a and (recon_b or not recon_c)');
    expect(c.notices.map((n) => n.code)).toEqual(['correlation-pysigma-extension']);
  });

  it('value types need condition.field; value_sum takes one field; value_count several', () => {
    expect(errors(base.replace('event_count', 'value_count'))).toEqual([
      'correlation.condition.field: mandatory for value_count',
    ]);
    expect(
      errors(base.replace('event_count', 'value_sum').replace('{ gte: 3 }', '{ gte: 3, field: [a, b] }')),
    ).toEqual(['correlation.condition.field: value_sum aggregates one numeric field']);
    const vc = okYaml(
      base.replace('event_count', 'value_count').replace('{ gte: 3 }', '{ gte: 3, field: [a, b] }'),
    );
    expect(vc.condition.field).toEqual(['a', 'b']);
  });

  it('names every invalid field', () => {
    expect(
      errors(`
title: ${'x'.repeat(257)}
status: nope
level: severe
date: 2024-13-01
generate: yes please
correlation:
  type: event_count
  rules: [a_rule, a_rule]
  group-by: User
  timespan: 5 minutes
  condition: { gte: many, between: 3 }
`),
    ).toEqual([
      'title: at most 256 characters (has 257)',
      'status: one of stable, test, experimental, deprecated, unsupported',
      'level: one of informational, low, medium, high, critical',
      "date: a date YYYY-MM-DD (got '2024-13-01')",
      'generate: true or false',
      "correlation.timespan: invalid '5 minutes': use Ns, Nm, Nh or Nd (pySigma also: Nw, NM, Ny)",
      'correlation.condition.gte: a number',
      'correlation.condition.between: unknown key (gt, gte, lt, lte, eq, neq, field, percentile)',
      'correlation.rules: references must be unique',
    ]);
    expect(errors('title: t\ncorrelation:\n  type: event_sum\n')).toEqual([
      'correlation.type: mandatory, one of event_count, value_count, temporal, temporal_ordered, value_sum, value_avg, value_percentile, value_median',
    ]);
    expect(errors('title: t\n')).toEqual(['correlation: mandatory, a map']);
    expect(errors(base.replace('condition: { gte: 3 }', ''))).toEqual([
      'correlation.condition: mandatory for event_count',
    ]);
    expect(errors(base.replace('{ gte: 3 }', "'a and b'"))).toEqual([
      'correlation.condition: a boolean expression over rule names is only allowed for temporal types (pySigma extension)',
    ]);
  });

  it('issues carry the document location and the field', () => {
    const r = parseYaml('title: t\ncorrelation: 3\n');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues[0]).toMatchObject({
        code: 'correlation-invalid',
        severity: 'error',
        location: LOC,
        details: { field: 'correlation' },
      });
    }
  });

  it('rejects malformed expressions with the position', () => {
    expect(
      errors(base.replace('event_count', 'temporal').replace('{ gte: 3 }', "'a_rule and (b_rule or'")),
    ).toEqual(['correlation.condition: expression: expected a rule name, not or ( at end of expression']);
    expect(
      errors(base.replace('event_count', 'temporal_ordered').replace('{ gte: 3 }', "'a and b'")),
    ).toEqual([
      'correlation.condition: a boolean expression cannot express an order: not supported for temporal_ordered',
    ]);
  });
});
