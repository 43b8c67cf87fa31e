/**
 * SigmaHQ as published (read in place from the shared corpus): how many rules load, why the
 * others are refused, that every loaded rule compiles, and that each `regression_data` case's
 * rule matches the case's event (the JSON rendering of its EVTX record) in the interpreter and in
 * the compiled matcher alike.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Event, FieldValue } from '../../src/model/event.js';
import { compileRule, compileRuleGroup } from '../../src/sigma/compile/index.js';
import { interpretRule } from '../../src/sigma/match/index.js';
import type { DetectionNode, RuleSet, SigmaRule, ValueMatcher } from '../../src/sigma/rule/index.js';
import { loadRuleFiles } from '../../src/sigma/rule/index.js';
import { plainView } from '../../src/sigma/view.js';
import { corpusAvailable, corpusPath } from '../utils/corpus.js';

const TREES = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-placeholder'] as const;
const sets = new Map<string, RuleSet>();

function loadedShare(s: RuleSet): number {
  const total = s.rules.length + s.refused.length + s.filters.length + s.correlations.length;
  return (total - s.refused.length) / total;
}

function refusalSummary(s: RuleSet): string[] {
  return s.refused.map((r) => `${r.code} ${r.file.replace(/^.*\/sigma\//, '')}`).sort();
}

describe.skipIf(!corpusAvailable)('SigmaHQ corpus (skipped: corpus not found when absent)', () => {
  beforeAll(async () => {
    for (const t of TREES) sets.set(t, await loadRuleFiles([corpusPath('sigma', t)]));
  }, 300_000);

  const set = (t: string): RuleSet => sets.get(t) as RuleSet;

  it('loads at least 99.5 % of rules/windows, and every rule of rules/', async () => {
    const win = await loadRuleFiles([corpusPath('sigma', 'rules', 'windows')]);
    expect(win.rules.length).toBeGreaterThan(2000);
    expect(loadedShare(win)).toBeGreaterThanOrEqual(0.995);
    expect(refusalSummary(set('rules'))).toEqual([]);
  }, 120_000);

  it('loads at least 99.5 % of rules-emerging-threats; refusals are unresolved placeholders only', () => {
    const s = set('rules-emerging-threats');
    expect(loadedShare(s)).toBeGreaterThanOrEqual(0.995);
    expect(s.refused.every((r) => r.code === 'unresolved-placeholder')).toBe(true);
  });

  it('loads every rule of rules-threat-hunting', () => {
    expect(refusalSummary(set('rules-threat-hunting'))).toEqual([]);
    expect(loadedShare(set('rules-threat-hunting'))).toBe(1);
  });

  it('refuses rules-placeholder rules without placeholder values, and loads them with values', async () => {
    const s = set('rules-placeholder');
    const needing = s.refused.filter((r) => r.code === 'unresolved-placeholder');
    expect(needing.length).toBe(s.refused.length);
    // Collect mode names every unresolved placeholder (fail-fast stops at the first per rule).
    const all = await loadRuleFiles([corpusPath('sigma', 'rules-placeholder')], { collectIssues: true });
    const names = new Set<string>();
    for (const i of all.issues) for (const m of i.message.matchAll(/%(\w+)%/g)) names.add(m[1] as string);
    const placeholders = Object.fromEntries([...names].map((n) => [n, ['value-of-' + n]]));
    const again = await loadRuleFiles([corpusPath('sigma', 'rules-placeholder')], { placeholders });
    expect(again.refused).toEqual([]);
  });

  it('compiles every loaded rule (the compiled path never needs the interpreter on SigmaHQ)', () => {
    const interpreted: string[] = [];
    for (const t of TREES) {
      for (const r of set(t).rules) {
        const m = compileRule(r);
        if (m.mode !== 'compiled') interpreted.push(`${r.file}: ${m.interpretedBecause}`);
      }
    }
    expect(interpreted).toEqual([]);
  });

  it('compiled matchers agree with the interpreter on events synthesised from each rule', () => {
    const diffs: string[] = [];
    let positives = 0;
    let checks = 0;
    for (const t of TREES) {
      for (const rule of set(t).rules) {
        const m = compileRule(rule);
        for (const fields of synthesise(rule)) {
          const view = plainView(toEventFromFields(fields));
          const a = interpretRule(rule, view);
          checks++;
          if (a) positives++;
          if (m.match(view) !== a) diffs.push(`${rule.file}: interpreter ${a}`);
        }
      }
    }
    expect(diffs).toEqual([]);
    expect(checks).toBeGreaterThan(10_000);
    expect(positives).toBeGreaterThan(1_000);
  });

  it('a rule group matches exactly what its rules match one by one', () => {
    const rules = set('rules').rules;
    const group = compileRuleGroup(rules);
    const diffs: string[] = [];
    let matched = 0;
    for (const rule of rules.slice(0, 150)) {
      for (const fields of synthesise(rule)) {
        const view = plainView(toEventFromFields(fields));
        const got: number[] = [];
        group.match(view, (i) => got.push(i));
        const want = group.matchers.flatMap((m, i) => (m.match(view) ? [i] : []));
        matched += want.length;
        if (got.join() !== want.join()) diffs.push(`${rule.file}: group ${got} vs ${want}`);
      }
    }
    expect(diffs).toEqual([]);
    expect(matched).toBeGreaterThan(100);
  });

  it('matches every regression_data case (interpreter and compiled)', () => {
    const byId = new Map<string, SigmaRule>();
    for (const t of TREES) for (const r of set(t).rules) if (r.id) byId.set(r.id, r);
    const cases = findInfos(corpusPath('sigma', 'regression_data'));
    expect(cases.length).toBeGreaterThan(150);
    const failures: string[] = [];
    let checked = 0;
    for (const info of cases) {
      const meta = parse(readFileSync(info, 'utf8')) as { rule_metadata?: Array<{ id: string }> };
      const id = meta.rule_metadata?.[0]?.id;
      const rule = id ? byId.get(id) : undefined;
      if (!rule) {
        failures.push(`${info}: rule ${id} not loaded`);
        continue;
      }
      const dir = info.replace(/info\.yml$/, '');
      for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
        // A file holds one or more records' JSON, concatenated; the rule must fire on one.
        const events = splitJson(readFileSync(join(dir, f), 'utf8')).map((j) => toEvent(j, f));
        const m = compileRule(rule);
        const a = events.some((e) => interpretRule(rule, plainView(e)));
        const b = events.some((e) => m.match(plainView(e)));
        checked++;
        if (!a || !b) failures.push(`${f}: interpreter ${a}, compiled ${b} (${rule.title})`);
      }
    }
    expect(checked).toBeGreaterThan(150);
    expect(failures).toEqual([]);
  });
});

/** A plausible value for one matcher (a literal made from a pattern, a network address, ...). */
function sample(v: ValueMatcher, mutate: boolean): FieldValue | undefined {
  switch (v.kind) {
    case 'pattern': {
      const text = v.pattern.parts
        .map((p) => (typeof p === 'string' ? p : p.wild === '?' ? 'x' : mutate ? 'MID' : ''))
        .join('');
      return mutate ? text.toUpperCase() : text;
    }
    case 'alt':
      return v.alts[0] ? sample(v.alts[0], mutate) : undefined;
    case 'cidr':
      return v.family === 4 ? [...v.net].join('.') : '::1';
    case 'cmp':
      return v.op === 'gt' ? v.value + 1 : v.op === 'lt' ? v.value - 1 : v.value;
    case 'exists':
      return 'present';
    default:
      return undefined;
  }
}

/** Events built from a rule's own values: one per selection, plain and mutated, and one merged. */
function synthesise(rule: SigmaRule): Array<Record<string, FieldValue>> {
  const out: Array<Record<string, FieldValue>> = [];
  const merged: Record<string, FieldValue> = {};
  const fill = (n: DetectionNode, into: Record<string, FieldValue>, mutate: boolean): void => {
    if (n.kind !== 'item') {
      for (const x of n.kind === 'or' ? n.items.slice(0, 1) : n.items) fill(x, into, mutate);
      return;
    }
    const v = n.item.values[0];
    const value = v ? sample(v, mutate) : undefined;
    if (value !== undefined) into[n.item.field ?? 'Payload'] = value;
  };
  for (const sel of rule.detection.selections.values()) {
    for (const mutate of [false, true]) {
      const f: Record<string, FieldValue> = {};
      fill(sel.node, f, mutate);
      out.push(f);
      if (!mutate) Object.assign(merged, f);
    }
  }
  out.push(merged);
  return out;
}

function toEventFromFields(fields: Record<string, FieldValue>): Event {
  return {
    kind: 'evtx',
    timestamp: '2024-01-01T00:00:00Z',
    channel: 'Microsoft-Windows-Sysmon/Operational',
    provider: 'Microsoft-Windows-Sysmon',
    eventId: Number(fields.EventID ?? 1) || 1,
    recordId: 1,
    computer: 'host',
    fields,
    source: { file: 'synthetic', offset: 0 },
  };
}

/** Parse concatenated JSON objects (`{...}{...}` or one per line). */
function splitJson(text: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  let depth = 0;
  let start = -1;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
    } else if (c === '"') inStr = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0)
      out.push(JSON.parse(text.slice(start, i + 1)) as Record<string, unknown>);
  }
  return out;
}

function findInfos(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) findInfos(p, out);
    else if (n === 'info.yml') out.push(p);
  }
  return out;
}

const attr = (x: unknown, k: string): unknown =>
  x && typeof x === 'object'
    ? ((x as Record<string, unknown>)['#attributes'] as Record<string, unknown> | undefined)?.[k]
    : undefined;

function flatten(x: unknown, out: Record<string, FieldValue>, name = ''): void {
  if (x === null || typeof x !== 'object') {
    if (name) out[name] = x as FieldValue;
    return;
  }
  if (Array.isArray(x)) {
    if (name)
      out[name] = x.map((v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : (v as FieldValue)));
    return;
  }
  for (const [k, v] of Object.entries(x)) if (k !== '#attributes') flatten(v, out, k);
}

/** The evtx-rs JSON rendering of one record → Fathom's event (EventData/UserData flattened). */
function toEvent(json: Record<string, unknown>, file: string): Event {
  const ev = json.Event as Record<string, unknown>;
  const sys = ev.System as Record<string, unknown>;
  const fields: Record<string, FieldValue> = {};
  if (ev.EventData !== undefined) flatten(ev.EventData, fields);
  if (ev.UserData !== undefined) flatten(ev.UserData, fields);
  const eid = sys.EventID;
  return {
    kind: 'evtx-json',
    timestamp: String(attr(sys.TimeCreated, 'SystemTime') ?? ''),
    channel: String(sys.Channel ?? ''),
    provider: String(attr(sys.Provider, 'Name') ?? ''),
    eventId: Number(
      typeof eid === 'object' && eid !== null ? (eid as Record<string, unknown>)['#text'] : eid,
    ),
    recordId: Number(sys.EventRecordID ?? 0),
    computer: String(sys.Computer ?? ''),
    fields,
    source: { file, offset: 0 },
  };
}
