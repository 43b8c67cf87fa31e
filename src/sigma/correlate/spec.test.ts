/**
 * The specification's own correlation examples (sigma-specification v2.1.0: the files under
 * tests/schema/correlation/ and the YAML blocks of sigma-correlation-rules-specification.md)
 * parse, and behave as the text around them says.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { corpusAvailable, corpusPath } from '../../../test/utils/corpus.js';
import { identityResolver, loadMultiDoc, match as m, sec } from '../../../test/utils/correlation.js';
import type { BaseRuleMatch, SigmaCorrelation } from './index.js';
import { evaluateCorrelations, parseCorrelationDocument } from './index.js';

const SPEC = () => corpusPath('sigma-specification');

function fromFile(name: string): SigmaCorrelation {
  const doc = parse(readFileSync(`${SPEC()}/tests/schema/correlation/${name}`, 'utf8')) as Record<
    string,
    unknown
  >;
  const r = parseCorrelationDocument(doc, { file: name, line: 1, col: 1 });
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.value;
}

function hits(c: SigmaCorrelation | SigmaCorrelation[], ms: BaseRuleMatch[]) {
  return evaluateCorrelations(Array.isArray(c) ? c : [c], ms, identityResolver).hits;
}

const times = (
  n: number,
  step: number,
  rule: string,
  fields: (i: number) => Record<string, string | number>,
) => Array.from({ length: n }, (_, i) => m(rule, i * step, fields(i)));

describe.skipIf(!corpusAvailable)(
  'spec examples: tests/schema/correlation (skipped: corpus not found)',
  () => {
    it('every file parses without errors', () => {
      const files = readdirSync(`${SPEC()}/tests/schema/correlation`).filter((f) => f.endsWith('.yml'));
      expect(files).toHaveLength(8);
      for (const f of files) expect(() => fromFile(f)).not.toThrow();
    });

    it('event_count: 100 failed logins on one host within an hour', () => {
      const c = fromFile('event_count.yml');
      const rule = '5638f7c0-ac70-491d-8465-2a65075e0d86';
      expect(
        hits(
          c,
          times(99, 30, rule, () => ({ ComputerName: 'DC1' })),
        ),
      ).toEqual([]);
      expect(
        hits(
          c,
          times(100, 30, rule, () => ({ ComputerName: 'DC1' })),
        ).map((h) => h.value),
      ).toEqual([100]);
      // 100 events, but over more than an hour (one every 40 s): never 100 inside one hour.
      expect(
        hits(
          c,
          times(100, 40, rule, () => ({ ComputerName: 'DC1' })),
        ),
      ).toEqual([]);
    });

    it('event_count (ECS taxonomy): grouped by dns.question.name', () => {
      const c = fromFile('event_count_ecs.yml');
      const rule = '5638f7c0-ac70-491d-8465-2a65075e0d86';
      const ms = times(150, 1, rule, (i) => ({ 'dns.question.name': i % 2 ? 'a.example' : 'b.example' }));
      expect(hits(c, ms).map((h) => h.group)).toEqual([]);
      const more = times(200, 1, rule, (i) => ({ 'dns.question.name': i < 120 ? 'a.example' : 'b.example' }));
      expect(hits(c, more).map((h) => h.group)).toEqual([{ 'dns.question.name': 'a.example' }]);
    });

    it('value_count: 100 different users per source and destination within a day', () => {
      const c = fromFile('value_count.yml');
      const rule = '5638f7c0-ac70-491d-8465-2a65075e0d86';
      const same = times(300, 60, rule, (i) => ({
        ComputerName: 'DC1',
        WorkstationName: 'WS7',
        User: `u${i % 99}`,
      }));
      expect(hits(c, same)).toEqual([]);
      const spray = times(300, 60, rule, (i) => ({
        ComputerName: 'DC1',
        WorkstationName: 'WS7',
        User: `u${i}`,
      }));
      expect(hits(c, spray).map((h) => [h.group, h.value])).toEqual([
        [{ ComputerName: 'DC1', WorkstationName: 'WS7' }, 300],
      ]);
    });

    it('temporal: three recon rules, any order, within 5 minutes, same host and user', () => {
      const c = fromFile('temporal.yml');
      const g = { ComputerName: 'PC1', User: 'alice' };
      expect(
        hits(c, [m('recon_cmd_b', 0, g), m('recon_cmd_c', 60, g), m('recon_cmd_a', 120, g)]),
      ).toHaveLength(1);
      expect(hits(c, [m('recon_cmd_b', 0, g), m('recon_cmd_c', 60, g), m('recon_cmd_a', 301, g)])).toEqual(
        [],
      );
    });

    it('temporal_ordered: the same, in the order of `rules`', () => {
      const c = fromFile('temporal_ordered.yml');
      const g = { ComputerName: 'PC1', User: 'alice' };
      expect(
        hits(c, [m('recon_cmd_a', 0, g), m('recon_cmd_b', 60, g), m('recon_cmd_c', 120, g)]),
      ).toHaveLength(1);
      expect(hits(c, [m('recon_cmd_b', 0, g), m('recon_cmd_c', 60, g), m('recon_cmd_a', 120, g)])).toEqual(
        [],
      );
    });

    it('value_sum: more than 1,000,000 bytes sent per source IP and user in an hour', () => {
      const c = fromFile('value_sum.yml');
      const ms = times(11, 300, 'website_access', () => ({
        SourceIP: '10.1.1.1',
        User: 'bob',
        bytes_sent: 100_000,
      }));
      expect(hits(c, ms.slice(0, 10))).toEqual([]);
      expect(hits(c, ms).map((h) => h.value)).toEqual([1_100_000]);
    });

    it('value_avg: average BytesOut above 500', () => {
      const c = fromFile('value_avg.yml');
      const ms = times(4, 60, 'rule_a_id', (i) => ({
        SourceIP: '10.1.1.1',
        User: 'bob',
        BytesOut: [400, 500, 600, 700][i]!,
      }));
      expect(hits(c, ms).map((h) => h.value)).toEqual([550]);
      expect(hits(c, ms.slice(0, 2))).toEqual([]);
    });

    it('value_percentile: an image rarer than 1 % of the host’s processes in 24 h', () => {
      const c = fromFile('value_percentile.yml');
      const ms = times(200, 60, 'process_creation', (i) => ({
        ComputerName: 'PC1',
        Image: i === 100 ? 'C:\\Temp\\x.exe' : `C:\\Windows\\common${i % 3}.exe`,
      }));
      expect(hits(c, ms).map((h) => h.group)).toEqual([{ ComputerName: 'PC1', Image: 'C:\\Temp\\x.exe' }]);
    });
  },
);

describe.skipIf(!corpusAvailable)('spec examples: the specification text (skipped: corpus not found)', () => {
  const text = () => readFileSync(`${SPEC()}/specification/sigma-correlation-rules-specification.md`, 'utf8');
  const blocks = () => [...text().matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((b) => b[1]!);

  it('every correlation block parses (fragments: a missing title is added; the rules-only snippet is skipped)', () => {
    let n = 0;
    for (const b of blocks()) {
      for (const d of parseAllDocuments(b)) {
        const o = d.toJS() as Record<string, unknown> | null;
        if (!o || typeof o !== 'object' || !('correlation' in o)) continue;
        // The "Related rules" section shows `correlation.rules` alone, without type or timespan.
        if (!('type' in (o.correlation as object))) continue;
        const doc = 'title' in o ? o : { title: 'fragment', ...o };
        const r = parseCorrelationDocument(doc, { file: 'spec.md', line: 1, col: 1 });
        expect(r.ok, JSON.stringify(r.ok ? null : r.issues)).toBe(true);
        n++;
      }
    }
    expect(n).toBe(10);
  });

  it('"Failed Logins Followed by Successful Login": chained, by name, as the text says', () => {
    const full = blocks().find((b) => b.includes('Multiple Failed Logins Followed by Successful Login'))!;
    const { correlations, rules } = loadMultiDoc(full);
    expect(correlations.map((c) => c.type)).toEqual(['temporal_ordered', 'event_count']);
    expect(rules.map((r) => r.name)).toEqual(['failed_login', 'successful_login']);
    const u = { User: 'mallory' };
    const ms = [...times(10, 20, 'failed_login', () => u), m('successful_login', 250, u)];
    const outer = (xs: BaseRuleMatch[]) =>
      evaluateCorrelations(correlations, xs, identityResolver).hits.filter(
        (h) => h.correlation.type === 'temporal_ordered',
      );
    const found = outer(ms);
    expect(found.map((h) => [h.group, sec(h.startMs), sec(h.endMs)])).toEqual([[u, 180, 250]]);
    expect(found[0]!.correlation.level).toBe('high');
    // Nine failures are not "multiple" (gte 10); a success by another user does not follow.
    expect(outer([...times(9, 20, 'failed_login', () => u), m('successful_login', 250, u)])).toEqual([]);
    expect(
      outer([...times(10, 20, 'failed_login', () => u), m('successful_login', 250, { User: 'bob' })]),
    ).toEqual([]);
    // generate defaults to false: the base rules and the inner correlation raise no findings alone.
    expect(evaluateCorrelations(correlations, ms, identityResolver).suppressed).toEqual([
      'a8418a5a-5fc4-46b5-b23b-6c73beb19d41',
      'failed_login',
      'successful_login',
    ]);
  });
});
