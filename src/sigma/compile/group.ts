/**
 * @module sigma/compile/group
 * Many rules matched together: instead of asking every rule's prefilter, each field the group's
 * prefilters use is scanned once per event and only the rules one of whose needles was found
 * (plus the rules without a prefilter) are evaluated. The outcome is exactly that of calling
 * `match` on every rule, in the same order; only the work differs.
 */
import type { SigmaRule } from '../rule/types.js';
import type { EventView } from '../view.js';
import type { CompileOptions, RuleMatcher } from './compile.js';
import { compileRule } from './compile.js';
import type { FieldNeedles, NeedleSet } from './needles.js';
import { defaultNeedleIndex } from './needles.js';

export interface RuleGroup {
  readonly matchers: readonly RuleMatcher[];
  /** Calls `onMatch(i)` for each matching rule, in the order the rules were given. */
  match(view: EventView, onMatch: (index: number) => void): void;
}

interface TableOwners {
  readonly table: FieldNeedles;
  /** A needle set of the table (for scanning), and per needle id the rules that own it. */
  readonly probe: NeedleSet;
  readonly owners: Map<number, number[]>;
}

/** Compile rules as a group (matchers shared with `compileRule` semantics). */
export function compileRuleGroup(rules: readonly SigmaRule[], opts: CompileOptions = {}): RuleGroup {
  const index = opts.needles ?? defaultNeedleIndex;
  const matchers = rules.map((r) => compileRule(r, { needles: index }));
  const tables = new Map<FieldNeedles, TableOwners>();
  const always: number[] = [];
  matchers.forEach((m, i) => {
    if (!m.prefilter) {
      always.push(i);
      return;
    }
    for (const t of m.prefilter.anyOf) {
      const set = index.register(t.field, t.needles);
      let o = tables.get(set.table);
      if (!o) {
        o = { table: set.table, probe: set, owners: new Map() };
        tables.set(set.table, o);
      }
      for (const id of set.ids) {
        const list = o.owners.get(id);
        if (list) {
          if (list[list.length - 1] !== i) list.push(i);
        } else o.owners.set(id, [i]);
      }
    }
  });
  const owners = [...tables.values()];
  const seen = new Int32Array(matchers.length).fill(-1);
  const candidates: number[] = [];
  return {
    matchers,
    match(view, onMatch) {
      candidates.length = 0;
      let gen = 0;
      for (const o of owners) {
        gen = index.ensureScanned(view, o.probe);
        const { found, foundCount } = o.table;
        for (let k = 0; k < foundCount; k++) {
          const list = o.owners.get(found[k] as number);
          if (!list) continue;
          for (const i of list) {
            if (seen[i] !== gen) {
              seen[i] = gen;
              candidates.push(i);
            }
          }
        }
      }
      for (const i of always) candidates.push(i);
      candidates.sort((a, b) => a - b);
      for (const i of candidates) if ((matchers[i] as RuleMatcher).match(view)) onMatch(i);
    },
  };
}
