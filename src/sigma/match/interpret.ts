/**
 * @module sigma/match/interpret
 * The interpreter: the source of truth for what a rule matches, written for clarity over speed,
 * and the only matcher that can explain a match (which selections, items and values).
 *
 * Semantics: values are case-insensitive (`cased` and `re` are case-sensitive); a field holding a
 * list matches when any element does; keywords (field-less values) match when any value of the
 * event contains them; `null` matches an absent or null field; `|neq` negates its item.
 */
import type { FieldValue } from '../../model/event.js';
import { addWildcards, globMatch, lowerPattern } from '../modifiers/pattern.js';
import { compare, datePart, inCidr, parseNumber } from '../modifiers/scalar.js';
import type { Condition, DetectionItem, DetectionNode, SigmaRule, ValueMatcher } from '../rule/types.js';
import type { EventView } from '../view.js';
import { regexTester, scalars, valueText } from './values.js';

function textMatch(vm: ValueMatcher, text: string, view: EventView, keyword: boolean): boolean {
  switch (vm.kind) {
    case 'pattern': {
      const p = keyword ? addWildcards(vm.pattern, true, true) : vm.pattern;
      return vm.cased ? globMatch(p.parts, text) : globMatch(lowerPattern(p).parts, text.toLowerCase());
    }
    case 'alt':
      return vm.alts.some((a) => textMatch(a, text, view, keyword));
    case 're':
      return regexTester(vm.source, vm.flags).test(text);
    case 'cidr':
      return inCidr(vm, text);
    case 'cmp':
      return compare(vm.op, parseNumber(text), vm.value);
    case 'time':
      return compare(vm.op, datePart(vm.part, text), vm.value);
    case 'fieldref': {
      const others = scalars(view.get(vm.field));
      return others.some((o) => {
        const ot = valueText(o);
        if (ot === null) return false;
        const a = vm.cased ? text : text.toLowerCase();
        const b = vm.cased ? ot : ot.toLowerCase();
        if (vm.mode === 'eq') return a === b;
        if (vm.mode === 'contains') return a.includes(b);
        if (vm.mode === 'startswith') return a.startsWith(b);
        return a.endsWith(b);
      });
    }
    case 'null':
    case 'exists':
      return false;
  }
}

/** Whether one value matcher matches a field's value (absent = undefined). */
export function valueMatches(vm: ValueMatcher, v: FieldValue | undefined, view: EventView): boolean {
  if (vm.kind === 'exists') return (v !== undefined) === vm.value;
  if (vm.kind === 'null') return v === undefined || v === null;
  if (vm.kind === 'alt' && vm.alts.some((a) => a.kind === 'null' || a.kind === 'exists')) {
    return vm.alts.some((a) => valueMatches(a, v, view));
  }
  if (vm.kind === 'cmp' || vm.kind === 'time') {
    // Numbers and dates are compared on the value itself (a number stays a number).
    return scalars(v).some((x) =>
      vm.kind === 'cmp'
        ? compare(vm.op, parseNumber(x), vm.value)
        : compare(vm.op, datePart(vm.part, x), vm.value),
    );
  }
  return scalars(v).some((x) => {
    const t = valueText(x);
    return t !== null && textMatch(vm, t, view, false);
  });
}

export interface ItemOutcome {
  readonly matched: boolean;
  /** Indexes of the item's values that matched. */
  readonly values: number[];
}

export function itemOutcome(item: DetectionItem, view: EventView): ItemOutcome {
  const hits: number[] = [];
  if (item.field === null) {
    const all = scalars(view.allValues());
    item.values.forEach((vm, i) => {
      const ok =
        vm.kind === 'null'
          ? false
          : all.some((x) => {
              const t = valueText(x);
              return t !== null && textMatch(vm, t, view, true);
            });
      if (ok) hits.push(i);
    });
  } else {
    const v = view.get(item.field);
    item.values.forEach((vm, i) => {
      if (valueMatches(vm, v, view)) hits.push(i);
    });
  }
  const raw = item.combine === 'and' ? hits.length === item.values.length : hits.length > 0;
  return { matched: item.negated ? !raw : raw, values: hits };
}

export function nodeMatches(
  n: DetectionNode,
  view: EventView,
  trace?: (item: DetectionItem, o: ItemOutcome) => void,
): boolean {
  switch (n.kind) {
    case 'item': {
      const o = itemOutcome(n.item, view);
      trace?.(n.item, o);
      return o.matched;
    }
    case 'and':
      if (trace) return n.items.map((x) => nodeMatches(x, view, trace)).every(Boolean);
      return n.items.every((x) => nodeMatches(x, view));
    case 'or':
      if (trace) return n.items.map((x) => nodeMatches(x, view, trace)).some(Boolean);
      return n.items.some((x) => nodeMatches(x, view));
  }
}

export function conditionMatches(c: Condition, sel: (name: string) => boolean): boolean {
  switch (c.kind) {
    case 'id':
      return sel(c.name);
    case 'not':
      return !conditionMatches(c.item, sel);
    case 'and':
      return c.items.every((x) => conditionMatches(x, sel));
    case 'or':
      return c.items.some((x) => conditionMatches(x, sel));
    case 'of': {
      const n = c.names.filter((x) => sel(x)).length;
      if (c.quant === 'all') return n === c.names.length;
      if (c.quant === 'any') return n >= 1;
      return n >= c.quant;
    }
  }
}

/** Interpret a rule on an event. */
export function interpretRule(rule: Pick<SigmaRule, 'detection'>, view: EventView): boolean {
  const { selections, condition } = rule.detection;
  return conditionMatches(condition, (name) => {
    const s = selections.get(name);
    return s ? nodeMatches(s.node, view) : false;
  });
}

export interface ItemExplanation {
  readonly field: string | null;
  readonly modifiers: readonly string[];
  readonly matched: boolean;
  readonly negated: boolean;
  /** The rule values (as matchers) that matched. */
  readonly matchedValues: ValueMatcher[];
  /** The event's value of the field (keywords: omitted). */
  readonly eventValue?: FieldValue | undefined;
  readonly line: number;
  readonly col: number;
}

export interface SelectionExplanation {
  readonly name: string;
  readonly matched: boolean;
  readonly items: ItemExplanation[];
}

export interface MatchExplanation {
  readonly matched: boolean;
  readonly condition: readonly string[];
  readonly selections: SelectionExplanation[];
  /** Filters that were applied to the rule (their selections are named `filter:<key>:<name>`). */
  readonly filters: readonly string[];
}

/** Why a rule matched (or not): every selection's outcome with the items and values that hit. */
export function explainMatch(rule: SigmaRule, view: EventView): MatchExplanation {
  const selections: SelectionExplanation[] = [];
  const outcome = new Map<string, boolean>();
  for (const [name, s] of rule.detection.selections) {
    const items: ItemExplanation[] = [];
    const matched = nodeMatches(s.node, view, (item, o) => {
      items.push({
        field: item.field,
        modifiers: item.modifiers,
        matched: o.matched,
        negated: item.negated,
        matchedValues: o.values.map((i) => item.values[i] as ValueMatcher),
        ...(item.field !== null ? { eventValue: view.get(item.field) } : {}),
        line: item.line,
        col: item.col,
      });
    });
    outcome.set(name, matched);
    selections.push({ name, matched, items });
  }
  const matched = conditionMatches(rule.detection.condition, (n) => outcome.get(n) ?? false);
  return { matched, condition: rule.detection.conditionText, selections, filters: rule.filters };
}
