/**
 * Shared conformance suite: every case runs through the interpreter (the source of truth), the
 * explainer and the compiled matcher; the compiled matcher must agree or refuse at compile time
 * (then run interpreted) where the case says so.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileRule, compileRuleStrict } from '../../src/sigma/compile/index.js';
import { explainMatch, interpretRule } from '../../src/sigma/match/index.js';
import type { SigmaRule } from '../../src/sigma/rule/index.js';
import { loadRuleText } from '../../src/sigma/rule/index.js';
import { plainView } from '../../src/sigma/view.js';
import { conditionCases } from './cases/conditions.js';
import { filterCases } from './cases/filters.js';
import { modifierCases } from './cases/modifiers.js';
import { valueCases } from './cases/values.js';
import type { MatchCase } from './harness.js';
import { FEATURES, makeEvent, ruleDoc } from './harness.js';

const ALL: MatchCase[] = [...valueCases, ...modifierCases, ...conditionCases, ...filterCases];

function loadCase(c: MatchCase): SigmaRule {
  const set = loadRuleText(
    ruleDoc(c.rule),
    'case.yml',
    c.placeholders ? { placeholders: c.placeholders } : {},
  );
  expect(set.refused, `refused: ${JSON.stringify(set.refused)}`).toEqual([]);
  expect(set.rules).toHaveLength(1);
  return set.rules[0] as SigmaRule;
}

interface Matcher {
  readonly name: 'interpreter' | 'compiled';
  run(rule: SigmaRule, c: MatchCase): boolean;
}

const MATCHERS: Matcher[] = [
  {
    name: 'interpreter',
    run(rule, c) {
      const view = plainView(makeEvent(c.event, c.header));
      const r = interpretRule(rule, view);
      expect(explainMatch(rule, view).matched).toBe(r);
      return r;
    },
  },
  {
    name: 'compiled',
    run(rule, c) {
      const m = compileRule(rule);
      if (c.interpretedBecause) {
        expect(m.mode).toBe('interpreted');
        expect(m.interpretedBecause).toMatch(c.interpretedBecause);
      } else {
        expect(() => compileRuleStrict(rule)).not.toThrow();
        expect(m.mode).toBe('compiled');
      }
      // Twice on the same view (memo hit) and once on a fresh view.
      const view = plainView(makeEvent(c.event, c.header));
      const a = m.match(view);
      expect(m.match(view)).toBe(a);
      expect(m.match(plainView(makeEvent(c.event, c.header)))).toBe(a);
      return a;
    },
  },
];

describe.each(MATCHERS)('sigma conformance: $name', (matcher) => {
  for (const c of ALL) {
    const skip = c.skip?.matcher === matcher.name ? c.skip.reason : undefined;
    it.skipIf(skip !== undefined)(`${c.feature} — ${c.name}${skip ? ` (skipped: ${skip})` : ''}`, () => {
      const rule = loadCase(c);
      expect(matcher.run(rule, c)).toBe(c.expect);
    });
  }
});

describe('support matrix', () => {
  it('every feature has at least one positive and the case features are known', () => {
    for (const c of ALL) expect(Object.keys(FEATURES), c.name).toContain(c.feature);
    for (const f of Object.keys(FEATURES)) {
      expect(
        ALL.some((c) => c.feature === f && c.expect),
        `${f} has no positive case`,
      ).toBe(true);
    }
  });

  it('case names are unique', () => {
    const names = ALL.map((c) => `${c.feature} — ${c.name}`);
    expect(new Set(names).size).toBe(names.length);
  });

  it('docs/sigma-support.md holds the generated matrix (FATHOM_UPDATE_DOCS=1 regenerates it)', () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const path = resolve(root, 'docs/sigma-support.md');
    const rows = Object.entries(FEATURES).map(([f, desc]) => {
      const cases = ALL.filter((c) => c.feature === f);
      const interp = cases.filter((c) => c.interpretedBecause).length;
      const compiled =
        interp === cases.length ? 'runs interpreted' : interp ? `yes (${interp} case(s) interpreted)` : 'yes';
      const spec = cases.some((c) => c.source) ? 'yes' : '';
      return `| \`${f}\` | ${desc.replace(/\|/g, '\\|')} | yes | ${compiled} | ${cases.length} | ${spec} |`;
    });
    const table = [
      '<!-- generated:matrix start (test/conformance/matchers.test.ts) -->',
      '| Feature | What | Interpreter | Compiled | Cases | From the spec |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
      '<!-- generated:matrix end -->',
    ].join('\n');
    const doc = readFileSync(path, 'utf8');
    const re = /<!-- generated:matrix start[\s\S]*?<!-- generated:matrix end -->/;
    if (process.env.FATHOM_UPDATE_DOCS === '1') writeFileSync(path, doc.replace(re, table));
    // The formatter pads table cells: compare with padding collapsed.
    const norm = (t: string | undefined) =>
      t?.replace(/ +\|/g, ' |').replace(/\| +/g, '| ').replace(/-{3,}/g, '---');
    expect(norm(re.exec(readFileSync(path, 'utf8'))?.[0])).toBe(norm(table));
  });
});
