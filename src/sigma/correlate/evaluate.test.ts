import { describe, expect, it } from 'vitest';
import {
  correlationFromYaml as corr,
  identityResolver,
  match as m,
  sec,
} from '../../../test/utils/correlation.js';
import type { BaseRuleMatch, CorrelationHit, SigmaCorrelation } from './index.js';
import { EVIDENCE_CAP, evaluateCorrelations, suppressedRules } from './index.js';

function run(cs: SigmaCorrelation | SigmaCorrelation[], ms: BaseRuleMatch[]) {
  return evaluateCorrelations(Array.isArray(cs) ? cs : [cs], ms, identityResolver);
}

/** Compact view of hits: group, window in seconds, value. */
function brief(hits: CorrelationHit[]) {
  return hits.map((h) => ({ group: h.group, from: sec(h.startMs), to: sec(h.endMs), value: h.value }));
}

const eventCount = (cond: string, span = '5m', groupBy = '[User]') =>
  corr(`
title: burst
correlation:
  type: event_count
  rules: [failed_login]
  group-by: ${groupBy}
  timespan: ${span}
  condition: ${cond}
`);

describe('event_count', () => {
  it('counts per group inside the window', () => {
    const ms = [
      m('failed_login', 0, { User: 'alice' }),
      m('failed_login', 60, { User: 'alice' }),
      m('failed_login', 120, { User: 'bob' }),
      m('failed_login', 180, { User: 'alice' }),
    ];
    expect(brief(run(eventCount('{ gte: 3 }'), ms).hits)).toEqual([
      { group: { User: 'alice' }, from: 0, to: 180, value: 3 },
    ]);
  });

  it('several group-by fields are ANDed; no group-by means one global group', () => {
    const ms = [
      m('failed_login', 0, { User: 'alice', Computer: 'A' }),
      m('failed_login', 1, { User: 'alice', Computer: 'B' }),
      m('failed_login', 2, { User: 'alice', Computer: 'A' }),
    ];
    expect(run(eventCount('{ gte: 2 }', '5m', '[User, Computer]'), ms).hits.map((h) => h.group)).toEqual([
      { User: 'alice', Computer: 'A' },
    ]);
    const global = corr(`
title: g
correlation: { type: event_count, rules: [failed_login], timespan: 5m, condition: { gte: 3 } }
`);
    expect(brief(run(global, ms).hits)).toEqual([{ group: {}, from: 0, to: 2, value: 3 }]);
  });

  it('one burst gives one hit; the next burst another', () => {
    const ms = [0, 10, 20, 30, 40, 1000, 1010, 1020].map((s) => m('failed_login', s, { User: 'alice' }));
    expect(brief(run(eventCount('{ gte: 3 }'), ms).hits)).toEqual([
      { group: { User: 'alice' }, from: 0, to: 40, value: 5 },
      { group: { User: 'alice' }, from: 1000, to: 1020, value: 3 },
    ]);
  });

  it('ranges are ANDed comparisons over each anchored window (documented reading)', () => {
    const ms = [0, 1, 2, 3, 4].map((s) => m('failed_login', s, { User: 'alice' }));
    // The window anchored at the first match holds 5 (outside 3..4); anchored at the second, 4.
    expect(brief(run(eventCount('{ gt: 2, lte: 4 }'), ms).hits)).toEqual([
      { group: { User: 'alice' }, from: 1, to: 4, value: 4 },
    ]);
    expect(run(eventCount('{ gt: 5, lte: 9 }'), ms).hits).toEqual([]);
    expect(brief(run(eventCount('{ eq: 5 }'), ms).hits)).toHaveLength(1);
    expect(brief(run(eventCount('{ neq: 5, gte: 5 }'), ms).hits)).toEqual([]);
  });

  it('the condition fires at the match that reaches the threshold (triggerMs)', () => {
    const ms = [0, 10, 20, 30].map((s) => m('failed_login', s, { User: 'alice' }));
    const [h] = run(eventCount('{ gte: 3 }'), ms).hits;
    expect(sec(h!.triggerMs)).toBe(20);
    expect(sec(h!.endMs)).toBe(30);
  });

  it('evidence is capped, the count is not', () => {
    const ms = Array.from({ length: 250 }, (_, i) => m('failed_login', i, { User: 'alice' }));
    const [h] = run(eventCount('{ gte: 3 }', '1h'), ms).hits;
    expect(h!.matches).toHaveLength(EVIDENCE_CAP);
    expect(h!.matchCount).toBe(250);
    expect(h!.value).toBe(250);
  });

  it('matches without a group-by field are not grouped (reported), without time are ignored', () => {
    const ms = [
      m('failed_login', 0, {}),
      m('failed_login', 1, { User: 'a' }),
      { ...m('failed_login', 2, { User: 'a' }), timeMs: Number.NaN },
    ];
    const r = run(eventCount('{ gte: 1 }'), ms);
    expect(r.hits).toHaveLength(1);
    expect(r.issues.map((i) => [i.code, i.severity])).toEqual([
      ['correlation-no-time', 'warning'],
      ['correlation-missing-group-field', 'info'],
    ]);
  });
});

describe('peer bugs Fathom does not have (sigma.md §5, §11.3)', () => {
  it('Hayabusa: windows longer than the timespan — three events 4 minutes apart are not "3 in 5m"', () => {
    const ms = [0, 240, 480].map((s) => m('failed_login', s, { User: 'alice' }));
    expect(run(eventCount('{ gte: 3 }'), ms).hits).toEqual([]);
    // ...and every hit's window fits the timespan.
    const dense = [0, 100, 200, 290, 300, 590, 600, 890].map((s) => m('failed_login', s, { User: 'alice' }));
    for (const h of run(eventCount('{ gte: 2 }'), dense).hits)
      expect(h.endMs - h.startMs).toBeLessThanOrEqual(300_000);
  });

  it('Zircolite: event_count ignoring the timespan — 3 events spread over 3 hours are not "3 in 1h"', () => {
    const ms = [0, 3600 + 1, 7200 + 2].map((s) => m('failed_login', s, { User: 'alice' }));
    expect(run(eventCount('{ gte: 3 }', '1h'), ms).hits).toEqual([]);
  });

  it('Zircolite: whole-group span instead of a sliding window — a late burst still counts', () => {
    // One early failure, then a burst five hours later: first-to-last is 5 h, the burst is 2 min.
    const ms = [0, 18_000, 18_060, 18_120].map((s) => m('failed_login', s, { User: 'alice' }));
    expect(brief(run(eventCount('{ gte: 3 }', '10m'), ms).hits)).toEqual([
      { group: { User: 'alice' }, from: 18_000, to: 18_120, value: 3 },
    ]);
    const temporal = corr(`
title: t
correlation: { type: temporal, rules: [a_rule, b_rule], group-by: [User], timespan: 5m }
`);
    const ts = [
      m('a_rule', 0, { User: 'u' }),
      m('b_rule', 6000, { User: 'u' }),
      m('a_rule', 6060, { User: 'u' }),
    ];
    expect(brief(run(temporal, ts).hits)).toEqual([{ group: { User: 'u' }, from: 6000, to: 6060, value: 2 }]);
  });

  it('Hayabusa: temporal ignoring group-by — two users do not make one sequence', () => {
    const temporal = corr(`
title: t
correlation: { type: temporal, rules: [a_rule, b_rule], group-by: [User], timespan: 5m }
`);
    expect(run(temporal, [m('a_rule', 0, { User: 'alice' }), m('b_rule', 10, { User: 'bob' })]).hits).toEqual(
      [],
    );
    expect(
      run(temporal, [m('a_rule', 0, { User: 'alice' }), m('b_rule', 10, { User: 'alice' })]).hits,
    ).toHaveLength(1);
  });

  it('Hayabusa/Zircolite: temporal_ordered checking only the first step (or no order at all)', () => {
    const ordered = corr(`
title: o
correlation: { type: temporal_ordered, rules: [step_a, step_b, step_c], group-by: [User], timespan: 5m }
`);
    const u = { User: 'alice' };
    // a, c, b: the first step is right, the later ones are not in order.
    expect(run(ordered, [m('step_a', 0, u), m('step_c', 10, u), m('step_b', 20, u)]).hits).toEqual([]);
    // c, b, a: no order at all.
    expect(run(ordered, [m('step_c', 0, u), m('step_b', 10, u), m('step_a', 20, u)]).hits).toEqual([]);
    // a, c, b, c: in order once the second c arrives.
    const hits = run(ordered, [
      m('step_a', 0, u),
      m('step_c', 10, u),
      m('step_b', 20, u),
      m('step_c', 30, u),
    ]).hits;
    expect(brief(hits)).toEqual([{ group: u, from: 0, to: 30, value: 3 }]);
    expect(hits[0]!.matches.map((x) => x.ruleKey)).toEqual(['step_a', 'step_b', 'step_c']);
    // In order but the last step falls outside the timespan.
    expect(run(ordered, [m('step_a', 0, u), m('step_b', 10, u), m('step_c', 301, u)]).hits).toEqual([]);
  });
});

describe('out-of-order input', () => {
  it('windows use event time, not arrival order', () => {
    const ms = [
      m('step_b', 20, { User: 'u' }),
      m('failed_login', 30, { User: 'u' }),
      m('step_a', 0, { User: 'u' }),
    ];
    const ordered = corr(`
title: o
correlation: { type: temporal_ordered, rules: [step_a, step_b], group-by: [User], timespan: 1m }
`);
    expect(brief(run(ordered, ms).hits)).toEqual([{ group: { User: 'u' }, from: 0, to: 20, value: 2 }]);
  });

  it('any permutation of the input gives the same hits', () => {
    const times = [5, 400, 401, 402, 900, 1200, 1201, 3000, 3001, 3002, 3003];
    const ms = times.map((s, i) => m('failed_login', s, { User: i % 3 === 0 ? 'bob' : 'alice' }));
    const expected = brief(run(eventCount('{ gte: 2 }'), ms).hits);
    let seed = 7;
    for (let round = 0; round < 20; round++) {
      const shuffled = [...ms];
      for (let i = shuffled.length - 1; i > 0; i--) {
        seed = (seed * 48271) % 2147483647;
        const j = seed % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      expect(brief(run(eventCount('{ gte: 2 }'), shuffled).hits)).toEqual(expected);
    }
  });
});

describe('value types', () => {
  it('value_count counts distinct values (several fields form one value) and evicts old ones', () => {
    const c = corr(`
title: spray
correlation:
  type: value_count
  rules: [failed_login]
  group-by: [Computer]
  timespan: 10m
  condition: { field: TargetUserName, gte: 3 }
`);
    const ms = [
      m('failed_login', 0, { Computer: 'DC', TargetUserName: 'a' }),
      m('failed_login', 1, { Computer: 'DC', TargetUserName: 'a' }),
      m('failed_login', 2, { Computer: 'DC', TargetUserName: 'b' }),
      m('failed_login', 700, { Computer: 'DC', TargetUserName: 'c' }),
      m('failed_login', 701, { Computer: 'DC', TargetUserName: 'd' }),
      m('failed_login', 702, { Computer: 'DC', TargetUserName: 'c' }),
    ];
    expect(run(c, ms).hits).toEqual([]);
    ms.push(m('failed_login', 703, { Computer: 'DC', TargetUserName: 'e' }));
    expect(brief(run(c, ms).hits)).toEqual([{ group: { Computer: 'DC' }, from: 700, to: 703, value: 3 }]);
    const pairs = corr(`
title: pairs
correlation:
  type: value_count
  rules: [failed_login]
  group-by: [Computer]
  timespan: 10m
  condition: { field: [TargetUserName, IpAddress], gte: 2 }
`);
    const p = [
      m('failed_login', 0, { Computer: 'DC', TargetUserName: 'a', IpAddress: '1' }),
      m('failed_login', 1, { Computer: 'DC', TargetUserName: 'a', IpAddress: '2' }),
    ];
    expect(run(pairs, p).hits.map((h) => h.value)).toEqual([2]);
  });

  it('value_sum adds numeric values (decimal, float, hex); others are ignored', () => {
    const c = corr(`
title: exfil
correlation:
  type: value_sum
  rules: [website_access]
  group-by: [SourceIP]
  timespan: 1h
  condition: { field: bytes_sent, gt: 1000000 }
`);
    const ms = [
      m('website_access', 0, { SourceIP: '10.0.0.5', bytes_sent: 600000 }),
      m('website_access', 10, { SourceIP: '10.0.0.5', bytes_sent: '0x61a80' }), // 400,000
      m('website_access', 20, { SourceIP: '10.0.0.5', bytes_sent: '-' }),
      m('website_access', 30, { SourceIP: '10.0.0.5', bytes_sent: '0.5' }),
    ];
    expect(brief(run(c, ms).hits)).toEqual([
      { group: { SourceIP: '10.0.0.5' }, from: 0, to: 30, value: 1000000.5 },
    ]);
  });

  it('value_avg averages numeric values in the window', () => {
    const c = corr(`
title: avg
correlation:
  type: value_avg
  rules: [rule_a_id]
  group-by: [SourceIP]
  timespan: 24h
  condition: { field: BytesOut, gt: 500 }
`);
    const low = [100, 200, 300, 400].map((b, i) => m('rule_a_id', i * 3600, { SourceIP: 'x', BytesOut: b }));
    expect(run(c, low).hits).toEqual([]);
    // Each match anchors a window: the one anchored at 200 holds {200, 900} (avg 550), as a
    // bucketed backend's bucket holding those two would (documented reading).
    const tail = [100, 200, 900].map((b, i) => m('rule_a_id', i, { SourceIP: 'x', BytesOut: b }));
    expect(brief(run(c, tail).hits)).toEqual([{ group: { SourceIP: 'x' }, from: 1, to: 2, value: 550 }]);
    const high = [100, 900, 900].map((b, i) => m('rule_a_id', i, { SourceIP: 'x', BytesOut: b }));
    expect(brief(run(c, high).hits)).toEqual([{ group: { SourceIP: 'x' }, from: 0, to: 2, value: 1900 / 3 }]);
  });

  it('value_percentile with pySigma `percentile`: the Nth percentile of a numeric field; value_median', () => {
    const c = corr(`
title: slow
correlation:
  type: value_percentile
  rules: [req]
  group-by: [Host]
  timespan: 1h
  condition: { field: duration, percentile: 90, gte: 9 }
`);
    const ms = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((d, i) => m('req', i, { Host: 'h', duration: d }));
    // 90th percentile of 1..10 by linear interpolation = 9.1
    expect(run(c, ms).hits.map((h) => h.value)).toEqual([9.1]);
    const med = corr(`
title: med
correlation:
  type: value_median
  rules: [req]
  group-by: [Host]
  timespan: 1h
  condition: { field: duration, eq: 5.5 }
`);
    expect(run(med, ms).hits.map((h) => h.value)).toEqual([5.5]);
  });

  it('value_percentile without `percentile` (spec example): values rarer than N % of the window', () => {
    const c = corr(`
title: rare image
correlation:
  type: value_percentile
  rules: [process_creation]
  group-by: [ComputerName]
  timespan: 24h
  condition: { field: Image, lte: 1 }
`);
    const common = Array.from({ length: 150 }, (_, i) =>
      m('process_creation', i, {
        ComputerName: 'PC1',
        Image: i % 2 ? 'C:\\Windows\\svchost.exe' : 'C:\\Windows\\explorer.exe',
      }),
    );
    const rare = m('process_creation', 75.5, { ComputerName: 'PC1', Image: 'C:\\Users\\Public\\evil.exe' });
    const r = run(c, [...common, rare]);
    expect(r.hits.map((h) => [h.group, Number(h.value.toFixed(3))])).toEqual([
      [{ ComputerName: 'PC1', Image: 'C:\\Users\\Public\\evil.exe' }, 0.662],
    ]);
    // With few events every value is common: 1 of 51 is ~2 %.
    expect(run(c, [...common.slice(0, 50), rare]).hits).toEqual([]);
  });
});

describe('temporal', () => {
  const three = `
title: recon
correlation:
  type: temporal
  rules: [recon_cmd_a, recon_cmd_b, recon_cmd_c]
  group-by: [ComputerName, User]
  timespan: 5m
`;
  const g = { ComputerName: 'PC1', User: 'alice' };

  it('all rules in any order within the window, by the same group', () => {
    const ms = [m('recon_cmd_c', 0, g), m('recon_cmd_a', 100, g), m('recon_cmd_b', 200, g)];
    expect(brief(run(corr(three), ms).hits)).toEqual([{ group: g, from: 0, to: 200, value: 3 }]);
    expect(run(corr(three), ms.slice(0, 2)).hits).toEqual([]);
  });

  it('a condition counts distinct rules; an expression names them (pySigma)', () => {
    const two = corr(`${three}  condition: { gte: 2 }\n`);
    expect(run(two, [m('recon_cmd_c', 0, g), m('recon_cmd_c', 1, g)]).hits).toEqual([]);
    expect(run(two, [m('recon_cmd_c', 0, g), m('recon_cmd_a', 1, g)]).hits).toHaveLength(1);
    const expr = corr(`${three}  condition: recon_cmd_a and not recon_cmd_c\n`);
    expect(run(expr, [m('recon_cmd_a', 0, g), m('recon_cmd_b', 1, g)]).hits).toHaveLength(1);
    expect(run(expr, [m('recon_cmd_a', 0, g), m('recon_cmd_c', 1, g)]).hits).toEqual([]);
  });
});

describe('aliases, chaining, generate', () => {
  it('aliases group different field names of different rules (spec example)', () => {
    const c = corr(`
title: alias
correlation:
  type: temporal
  rules: [internal_error, new_network_connection]
  group-by: [internal_ip, remote_ip]
  timespan: 10s
  aliases:
    internal_ip: { internal_error: destination.ip, new_network_connection: source.ip }
    remote_ip: { internal_error: source.ip, new_network_connection: destination.ip }
`);
    const err500 = m('internal_error', 0, { 'destination.ip': '10.0.0.1', 'source.ip': '203.0.113.9' });
    const conn = m('new_network_connection', 5, { 'source.ip': '10.0.0.1', 'destination.ip': '203.0.113.9' });
    const other = m('new_network_connection', 6, {
      'source.ip': '10.0.0.2',
      'destination.ip': '203.0.113.9',
    });
    expect(run(c, [err500, other]).hits).toEqual([]);
    expect(run(c, [err500, conn]).hits.map((h) => h.group)).toEqual([
      { internal_ip: '10.0.0.1', remote_ip: '203.0.113.9' },
    ]);
    expect(
      run(c, [
        err500,
        m('new_network_connection', 11, { 'source.ip': '10.0.0.1', 'destination.ip': '203.0.113.9' }),
      ]).hits,
    ).toEqual([]);
  });

  const chain = () => [
    corr(`
title: Multiple failed logins followed by successful login
correlation:
  type: temporal_ordered
  rules: [multiple_failed_login, successful_login]
  group-by: [User]
  timespan: 10m
`),
    corr(`
title: Multiple failed logons
name: multiple_failed_login
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [User]
  timespan: 10m
  condition: { gte: 3 }
`),
  ];

  it('a correlation consumes another correlation, in its own group-by, at the inner trigger time', () => {
    const u = { User: 'alice' };
    const ms = [
      m('failed_login', 0, u),
      m('failed_login', 10, u),
      m('failed_login', 20, u), // inner condition holds here
      m('successful_login', 25, u),
      m('failed_login', 30, u), // still inside the inner window
      m('successful_login', 40, { User: 'bob' }),
    ];
    const r = run(chain(), ms);
    const outer = r.hits.filter((h) => h.correlation.type === 'temporal_ordered');
    expect(brief(outer)).toEqual([{ group: u, from: 20, to: 25, value: 2 }]);
    expect(outer[0]!.matches.map((x) => x.ruleKey)).toEqual([
      'name:multiple_failed_login',
      'successful_login',
    ]);
    // A success before the third failure is not "after many failures".
    const early = [
      m('failed_login', 0, u),
      m('failed_login', 10, u),
      m('successful_login', 15, u),
      m('failed_login', 20, u),
    ];
    expect(run(chain(), early).hits.filter((h) => h.correlation.type === 'temporal_ordered')).toEqual([]);
  });

  it('generate: false (default) suppresses the referenced rules and inner correlations', () => {
    const cs = chain();
    expect(suppressedRules(cs, identityResolver)).toEqual([
      'failed_login',
      'name:multiple_failed_login',
      'successful_login',
    ]);
    const gen = corr(`
title: also standalone
generate: true
correlation: { type: event_count, rules: [successful_login], group-by: [User], timespan: 1m, condition: { gte: 1 } }
`);
    expect(suppressedRules([...cs, gen], identityResolver)).toEqual([
      'failed_login',
      'name:multiple_failed_login',
    ]);
    expect(run(cs, []).suppressed).toEqual([
      'failed_login',
      'name:multiple_failed_login',
      'successful_login',
    ]);
  });

  it('unknown references and cycles are reported and skipped', () => {
    const a = corr(`
title: a
name: corr_a
correlation: { type: event_count, rules: [corr_b], group-by: [User], timespan: 1m, condition: { gte: 1 } }
`);
    const b = corr(`
title: b
name: corr_b
correlation: { type: event_count, rules: [corr_a], group-by: [User], timespan: 1m, condition: { gte: 1 } }
`);
    const lost = corr(`
title: lost
correlation: { type: event_count, rules: [nowhere], group-by: [User], timespan: 1m, condition: { gte: 1 } }
`);
    const r = evaluateCorrelations([a, b, lost], [m('nowhere', 0, { User: 'x' })], () => null);
    expect(r.hits).toEqual([]);
    expect(r.issues.map((i) => i.code)).toEqual([
      'correlation-unknown-rule',
      'correlation-cycle',
      'correlation-broken-chain',
    ]);
  });

  it('rules are referenced by id or name through the resolver', () => {
    const c = corr(`
title: by id
correlation: { type: event_count, rules: [5638f7c0-ac70-491d-8465-2a65075e0d86, failed_login], group-by: [User], timespan: 1m, condition: { gte: 2 } }
`);
    const resolve = (ref: string) =>
      ref === 'failed_login' || ref.startsWith('5638') ? { key: 'R1', name: 'failed_login' } : null;
    const ms = [
      { ...m('x', 0, { User: 'u' }), ruleKey: 'R1' },
      { ...m('x', 1, { User: 'u' }), ruleKey: 'R1' },
    ];
    // The same rule named twice counts its matches once.
    expect(evaluateCorrelations([c], ms, resolve).hits.map((h) => h.value)).toEqual([2]);
  });
});

describe('sliding windows against a brute-force oracle', () => {
  it('a group has a hit iff some window of `timespan` holds enough matches; no hit window is wider', () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      const n = 1 + rnd(12);
      const threshold = 2 + rnd(3);
      const ms = Array.from({ length: n }, () => m('failed_login', rnd(1200), { User: rnd(2) ? 'a' : 'b' }));
      const hits = run(eventCount(`{ gte: ${threshold} }`), ms).hits;
      for (const user of ['a', 'b']) {
        const ts = ms.filter((x) => x.view.get('User') === user).map((x) => x.timeMs);
        const exists = ts.some((t0) => ts.filter((t) => t >= t0 && t - t0 <= 300_000).length >= threshold);
        expect(hits.some((h) => h.group.User === user)).toBe(exists);
      }
      for (const h of hits) {
        expect(h.endMs - h.startMs).toBeLessThanOrEqual(300_000);
        expect(h.value).toBeGreaterThanOrEqual(threshold);
      }
    }
  });
});
