/**
 * @module sigma/correlate/evaluate
 * Batch evaluation of correlations over the base-rule matches a hunt collected: resolves rule
 * references (ids, names, other correlations), orders chained correlations, groups matches by
 * the correlation's own group-by (through aliases), and slides windows in event time. Also says
 * which rules `generate: false` keeps from raising findings of their own.
 */
import type { Issue } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import type { FieldValue } from '../../model/event.js';
import type { EventView } from '../view.js';
import type { BaseRuleMatch, CorrelationHit, SigmaCorrelation } from './types.js';
import type { Item } from './window.js';
import { numeric, scanGroup, valueKey } from './window.js';

export interface EvaluateResult {
  hits: CorrelationHit[];
  issues: Issue[];
  /**
   * Keys of base rules and correlations whose own matches/hits must not become findings
   * (referenced only by correlations with `generate: false`; see `correlationKey`).
   */
  suppressed: string[];
}

export type ResolveRule = (ref: string) => { key: string; name?: string } | null;

/** Matches one correlation may consume before the rest are dropped (with an issue). */
export const MAX_INPUTS_PER_CORRELATION = 2_000_000;

/** The key a correlation's hits carry when another correlation consumes them. */
export function correlationKey(c: SigmaCorrelation): string {
  return c.id ?? (c.name ? `name:${c.name}` : `${c.location.file ?? ''}:${c.location.line ?? 0}:${c.title}`);
}

type Ref = { kind: 'rule'; key: string; name?: string } | { kind: 'corr'; index: number };

interface Prepared {
  c: SigmaCorrelation;
  refs: Ref[];
  ok: boolean;
}

function prepare(
  correlations: readonly SigmaCorrelation[],
  resolveRule: ResolveRule,
  issues: Issue[],
): Prepared[] {
  const byRef = new Map<string, number>();
  correlations.forEach((c, i) => {
    for (const k of [c.id, c.name]) {
      if (!k) continue;
      const prev = byRef.get(k);
      if (prev !== undefined && prev !== i) {
        issues.push(
          issue(
            'correlation-duplicate-reference',
            `'${k}' names two correlations; the first is used`,
            c.location,
          ),
        );
      } else byRef.set(k, i);
    }
  });
  return correlations.map((c) => {
    const refs: Ref[] = [];
    let ok = true;
    for (const r of c.rules) {
      const ci = byRef.get(r);
      if (ci !== undefined) {
        refs.push({ kind: 'corr', index: ci });
        continue;
      }
      const base = resolveRule(r);
      if (base) refs.push({ kind: 'rule', key: base.key, ...(base.name ? { name: base.name } : {}) });
      else {
        issues.push(
          issue(
            'correlation-unknown-rule',
            `'${c.title}' references '${r}', which no loaded rule or correlation has as id or name`,
            c.location,
            {
              ref: r,
            },
          ),
        );
        ok = false;
      }
    }
    return { c, refs, ok };
  });
}

/** Dependencies first; correlations in a cycle (or depending on a broken one) are reported and skipped. */
function order(prepared: Prepared[], issues: Issue[]): number[] {
  const state = new Array<0 | 1 | 2>(prepared.length).fill(0);
  const out: number[] = [];
  const visit = (i: number, depth: number): boolean => {
    const p = prepared[i]!;
    if (state[i] === 2) return p.ok;
    if (state[i] === 1 || depth > 256) {
      issues.push(issue('correlation-cycle', `'${p.c.title}' is part of a reference cycle`, p.c.location));
      p.ok = false;
      return false;
    }
    state[i] = 1;
    for (const r of p.refs) {
      if (r.kind === 'corr' && !visit(r.index, depth + 1)) {
        if (p.ok) {
          issues.push(
            issue(
              'correlation-broken-chain',
              `'${p.c.title}' references a correlation that cannot run`,
              p.c.location,
            ),
          );
        }
        p.ok = false;
      }
    }
    state[i] = 2;
    if (p.ok) out.push(i);
    return p.ok;
  };
  for (let i = 0; i < prepared.length; i++) visit(i, 0);
  return out;
}

/** A chained correlation's hit seen as a match: group values first, then its last evidence event. */
function hitView(h: CorrelationHit): EventView {
  const last = h.matches[h.matches.length - 1]!.view;
  return {
    event: last.event,
    get: (name: string): FieldValue | undefined =>
      Object.hasOwn(h.group, name) ? h.group[name] : last.get(name),
    allValues: () => Object.values(h.group),
  };
}

function fieldFor(c: SigmaCorrelation, g: string, refText: string, m: BaseRuleMatch): string {
  if (!Object.hasOwn(c.aliases, g)) return g;
  const alias = c.aliases[g]!;
  const pick = (k: string | undefined) => (k !== undefined && Object.hasOwn(alias, k) ? alias[k] : undefined);
  return pick(refText) ?? pick(m.ruleName) ?? pick(m.ruleKey) ?? g;
}

/**
 * Evaluate every correlation over `matches` (any order: windows use event time).
 * @example evaluateCorrelations([bruteForce], matches, (ref) => rulesByIdOrName.get(ref) ?? null)
 */
export function evaluateCorrelations(
  correlations: readonly SigmaCorrelation[],
  matches: readonly BaseRuleMatch[],
  resolveRule: ResolveRule,
): EvaluateResult {
  const issues: Issue[] = [];
  const prepared = prepare(correlations, resolveRule, issues);
  const runOrder = order(prepared, issues);

  const byRule = new Map<string, BaseRuleMatch[]>();
  for (const m of matches) {
    const l = byRule.get(m.ruleKey);
    if (l) l.push(m);
    else byRule.set(m.ruleKey, [m]);
  }

  const hitsOf = new Map<number, CorrelationHit[]>();
  const all: CorrelationHit[] = [];
  for (const ci of runOrder) {
    const { c, refs } = prepared[ci]!;
    const inputs: Item[] = [];
    let seq = 0;
    let noTime = 0;
    let noGroup = 0;
    let truncated = false;
    const seen = new Set<string>();
    for (const [refIndex, r] of refs.entries()) {
      const refText = c.rules[refIndex]!;
      let ms: readonly BaseRuleMatch[];
      if (r.kind === 'rule') {
        if (seen.has(r.key)) continue; // the same rule named twice (id and name)
        seen.add(r.key);
        ms = byRule.get(r.key) ?? [];
      } else {
        const inner = prepared[r.index]!.c;
        ms = (hitsOf.get(r.index) ?? []).map((h) => ({
          ruleKey: correlationKey(inner),
          ...(inner.name ? { ruleName: inner.name } : {}),
          timeMs: h.triggerMs,
          view: hitView(h),
        }));
      }
      for (const m of ms) {
        if (inputs.length >= MAX_INPUTS_PER_CORRELATION) {
          truncated = true;
          break;
        }
        if (!Number.isFinite(m.timeMs)) {
          noTime++;
          continue;
        }
        inputs.push({ m, t: m.timeMs, ref: refIndex, refText, seq: seq++ });
      }
    }
    if (truncated) {
      issues.push(
        issue(
          'correlation-input-capped',
          `'${c.title}': more than ${MAX_INPUTS_PER_CORRELATION} matches; the rest were ignored`,
          c.location,
          undefined,
          'warning',
        ),
      );
    }

    // Group, reading group-by fields (through aliases) and the aggregated field once per match.
    const groups = new Map<string, { values: string[]; items: Item[] }>();
    const values: string[] = [];
    for (const it of inputs) {
      values.length = 0;
      for (const g of c.groupBy) {
        const v = valueKey(it.m.view.get(fieldFor(c, g, it.refText, it.m)));
        if (v === undefined) break;
        values.push(v);
      }
      if (values.length !== c.groupBy.length) {
        noGroup++;
        continue;
      }
      it.v = aggregatedValue(c, it.m.view);
      const k = values.length === 1 ? values[0]! : values.join('\u001f');
      const slot = groups.get(k);
      if (slot) slot.items.push(it);
      else groups.set(k, { values: [...values], items: [it] });
    }
    if (noTime) {
      issues.push(
        issue(
          'correlation-no-time',
          `'${c.title}': ${noTime} match(es) without an event time were ignored`,
          c.location,
          undefined,
          'warning',
        ),
      );
    }
    if (noGroup) {
      issues.push(
        issue(
          'correlation-missing-group-field',
          `'${c.title}': ${noGroup} match(es) lack a group-by field (${c.groupBy.join(', ')}) and were not grouped`,
          c.location,
          undefined,
          'info',
        ),
      );
    }

    const hits: CorrelationHit[] = [];
    for (const { values: vs, items } of groups.values()) {
      items.sort(byTime);
      const group: Record<string, string> = {};
      c.groupBy.forEach((g, i) => {
        group[g] = vs[i]!;
      });
      for (const h of scanGroup(c, items, group)) hits.push(h);
    }
    hits.sort((a, b) => a.triggerMs - b.triggerMs);
    hitsOf.set(ci, hits);
    all.push(...hits);
  }
  all.sort((a, b) => a.triggerMs - b.triggerMs);
  return { hits: all, issues, suppressed: suppressedKeys(prepared) };
}

function byTime(a: Item, b: Item): number {
  return a.t - b.t || a.seq - b.seq;
}

function aggregatedValue(c: SigmaCorrelation, view: EventView): string | number | undefined {
  const fields = c.condition.field;
  if (!fields?.length) return undefined;
  if (c.type === 'value_count' || (c.type === 'value_percentile' && c.condition.percentile === undefined)) {
    const parts: string[] = [];
    for (const f of fields) {
      const v = valueKey(view.get(f));
      if (v === undefined) return undefined;
      parts.push(v);
    }
    return parts.join('\u001e');
  }
  return numeric(view.get(fields[0]!));
}

function suppressedKeys(prepared: readonly Prepared[]): string[] {
  const off = new Set<string>();
  const on = new Set<string>();
  for (const p of prepared) {
    for (const r of p.refs) {
      const k = r.kind === 'rule' ? r.key : correlationKey(prepared[r.index]!.c);
      (p.c.generate ? on : off).add(k);
    }
  }
  return [...off].filter((k) => !on.has(k)).sort();
}

/** Which rules `generate: false` silences, without evaluating (for the engine's setup). */
export function suppressedRules(
  correlations: readonly SigmaCorrelation[],
  resolveRule: ResolveRule,
): string[] {
  return suppressedKeys(prepare(correlations, resolveRule, []));
}
