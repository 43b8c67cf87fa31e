/**
 * @module sources/evtx/plan
 * Compiled field plans: the System and EventData elements of a template are static, so which
 * element or attribute feeds which event field is worked out once per template element (cached
 * by node identity) and each record only renders its values. A plan is used only when every
 * substitution it reads holds a plain scalar in this record (no array, no nested BinXml);
 * otherwise the caller falls back to the generic walk, so both paths give the same event.
 */
import { type ElementNode, N_ELEMENT, N_SUBST, N_TEXT, type Node, type Scope } from './binxml/nodes.js';
import { VT_ARRAY, VT_BINXML, VT_NULL } from './binxml/value-types.js';
import { textOf } from './binxml/walk.js';

/** Event fields a System plan can fill. */
export const F_PROVIDER = 0;
export const F_PROVIDER_GUID = 1;
export const F_EVENT_SOURCE = 2;
export const F_EVENT_ID = 3;
export const F_QUALIFIERS = 4;
export const F_VERSION = 5;
export const F_LEVEL = 6;
export const F_TASK = 7;
export const F_OPCODE = 8;
export const F_KEYWORDS = 9;
export const F_TIME = 10;
export const F_RECORD_ID = 11;
export const F_ACTIVITY = 12;
export const F_RELATED_ACTIVITY = 13;
export const F_PROCESS = 14;
export const F_THREAD = 15;
export const F_CHANNEL = 16;
export const F_COMPUTER = 17;
export const F_USER = 18;

export interface FieldOp {
  /** A System field (F_*), or for EventData: -1 named Data, -2 unnamed Data, -3 Binary. */
  readonly field: number;
  /** EventData: the static `Name`. */
  readonly name: string;
  /** Content (element text or attribute value) that renders the field. */
  readonly nodes: Node[];
  /** Optional substitution whose NullType drops the element (and its attributes), else -1. */
  readonly elDrop: number;
  /** Optional substitution whose NullType or empty value drops the attribute, else -1. */
  readonly attrDrop: number;
}

export const D_NAMED = -1;
export const D_UNNAMED = -2;
export const D_BINARY = -3;

export interface Plan {
  readonly ops: FieldOp[];
  /** Substitution indices the plan reads; each must hold a plain scalar. */
  readonly substs: number[];
  /** EventData: no two ops write the same field name. */
  readonly uniqueNames?: boolean;
  /**
   * EventData with unique names: an object holding every field name in op order, in V8's fast
   * mode. Events copy it (`{ ...shape }`) and overwrite the values, so their `fields` share one
   * hidden class; built by adding keys one by one they turn into dictionaries past a dozen keys,
   * which are several times slower to enumerate (keyword searches), look up and serialise.
   */
  readonly shape?: Readonly<Record<string, string>>;
}

/** System elements whose text is a header field (shared with the generic walk in to-event.ts). */
export const SYSTEM_ELEMENT_FIELDS: Readonly<Record<string, number>> = {
  EventID: F_EVENT_ID,
  Version: F_VERSION,
  Level: F_LEVEL,
  Task: F_TASK,
  Opcode: F_OPCODE,
  Keywords: F_KEYWORDS,
  EventRecordID: F_RECORD_ID,
  Channel: F_CHANNEL,
  Computer: F_COMPUTER,
};

/** System element attributes that are header fields, by element then attribute name. */
export const SYSTEM_ATTR_FIELDS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  Provider: { Name: F_PROVIDER, Guid: F_PROVIDER_GUID, EventSourceName: F_EVENT_SOURCE },
  EventID: { Qualifiers: F_QUALIFIERS },
  TimeCreated: { SystemTime: F_TIME },
  Correlation: { ActivityID: F_ACTIVITY, RelatedActivityID: F_RELATED_ACTIVITY },
  Execution: { ProcessID: F_PROCESS, ThreadID: F_THREAD },
  Security: { UserID: F_USER },
};

function optionalIndex(nodes: readonly Node[]): number {
  if (nodes.length !== 1) return -1;
  const n = nodes[0] as Node;
  return n.k === N_SUBST && n.optional ? n.index : -1;
}

/** Content a plan can render: text and substitutions only (no elements, references are fine too). */
function flat(nodes: readonly Node[], substs: number[]): boolean {
  for (const n of nodes) {
    if (n.k === N_ELEMENT) return false;
    if (n.k === N_SUBST) substs.push(n.index);
    else if (n.k !== N_TEXT && n.k !== 4 && n.k !== 5 && n.k !== 6) return false;
  }
  return true;
}

const SYSTEM_MEMO = Symbol('system-plan');
const DATA_MEMO = Symbol('eventdata-plan');

/** Plans live on the (static, per-chunk) element node itself: no map lookup per record. */
function memoOf(el: ElementNode, tag: symbol): Plan | null | undefined {
  const m = el.memo as { tag: symbol; plan: Plan | null } | undefined;
  return m !== undefined && m.tag === tag ? m.plan : undefined;
}

function remember(el: ElementNode, tag: symbol, plan: Plan | null): Plan | null {
  el.memo = { tag, plan };
  return plan;
}

/** The plan of a static `<System>` element, or null when it has anything a plan cannot model. */
export function systemPlan(sys: ElementNode): Plan | null {
  const hit = memoOf(sys, SYSTEM_MEMO);
  if (hit !== undefined) return hit;
  const ops: FieldOp[] = [];
  const substs: number[] = [];
  let plan: Plan | null = { ops, substs };
  for (const c of sys.children) {
    if (c.k !== N_ELEMENT) {
      plan = null;
      break;
    }
    const elDrop = optionalIndex(c.children);
    const f = SYSTEM_ELEMENT_FIELDS[c.name];
    if (f !== undefined) {
      if (!flat(c.children, substs)) {
        plan = null;
        break;
      }
      ops.push({ field: f, name: '', nodes: c.children, elDrop, attrDrop: -1 });
    } else if (c.children.length > 0 && !flat(c.children, substs)) {
      plan = null;
      break;
    }
    const attrs = SYSTEM_ATTR_FIELDS[c.name];
    for (const a of c.attrs) {
      const af = attrs?.[a.name];
      if (af === undefined) continue;
      if (!flat(a.value, substs)) {
        plan = null;
        break;
      }
      // An attribute disappears with its element (element drop) or on its own (attribute drop).
      ops.push({ field: af, name: '', nodes: a.value, elDrop, attrDrop: optionalIndex(a.value) });
    }
    if (plan === null) break;
  }
  return remember(sys, SYSTEM_MEMO, plan);
}

let enabled = true;

/** Switch plans off (differential tests compare the planned and the generic mapping). */
export function setPlansEnabled(on: boolean): void {
  enabled = on;
}

/** True when every substitution the plan reads holds a plain scalar in this scope. */
export function planApplies(plan: Plan, scope: Scope): boolean {
  if (!enabled) return false;
  if (scope === null) return plan.substs.length === 0;
  const types = scope.types;
  for (const i of plan.substs) {
    const t = i < types.length ? (types[i] as number) : VT_NULL;
    if (t & VT_ARRAY || t === VT_BINXML) return false;
  }
  return true;
}

/** The op's rendered value, or undefined when its element or attribute is dropped. */
export function opValue(op: FieldOp, scope: Scope): string | undefined {
  return opDropped(op, scope) ? undefined : textOf(op.nodes, scope);
}

/** True when the op's element or attribute is dropped in this scope (`opValue` is undefined). */
export function opDropped(op: FieldOp, scope: Scope): boolean {
  if (op.elDrop >= 0 && typeAt(scope, op.elDrop) === VT_NULL) return true;
  if (op.attrDrop >= 0) {
    if (typeAt(scope, op.attrDrop) === VT_NULL) return true;
    if (scope === null || scope.sizes[op.attrDrop] === 0) return true;
  }
  return false;
}

function typeAt(scope: Scope, i: number): number {
  if (scope === null || i >= scope.types.length) return VT_NULL;
  return scope.types[i] as number;
}

/** The plan of a static `<EventData>` of `Data`/`Binary` elements with static names, or null. */
export function eventDataPlan(ed: ElementNode): Plan | null {
  const hit = memoOf(ed, DATA_MEMO);
  if (hit !== undefined) return hit;
  const ops: FieldOp[] = [];
  const substs: number[] = [];
  let plan: Plan | null = { ops, substs };
  for (const c of ed.children) {
    if (c.k !== N_ELEMENT || (c.name !== 'Data' && c.name !== 'Binary') || !flat(c.children, substs)) {
      plan = null;
      break;
    }
    const elDrop = optionalIndex(c.children);
    if (c.name === 'Binary') {
      ops.push({ field: D_BINARY, name: 'Binary', nodes: c.children, elDrop, attrDrop: -1 });
      continue;
    }
    let name = '';
    let ok = true;
    for (const a of c.attrs) {
      if (a.name !== 'Name') continue;
      for (const n of a.value) {
        if (n.k === N_TEXT) name += n.text;
        else ok = false;
      }
    }
    if (!ok) {
      plan = null;
      break;
    }
    ops.push({ field: name ? D_NAMED : D_UNNAMED, name, nodes: c.children, elDrop, attrDrop: -1 });
  }
  if (plan !== null) {
    const names = new Set<string>();
    let unique = true;
    for (const op of ops) {
      if (op.field === D_UNNAMED) continue;
      if (names.has(op.name)) unique = false;
      names.add(op.name);
    }
    plan = { ops, substs, uniqueNames: unique };
    if (unique && names.size > 0 && !names.has('__proto__')) {
      // JSON.parse builds objects through hidden-class transitions, whatever the key count.
      const skeleton: Record<string, string> = {};
      for (const n of names) skeleton[n] = '';
      plan = { ...plan, shape: JSON.parse(JSON.stringify(skeleton)) as Record<string, string> };
    }
  }
  return remember(ed, DATA_MEMO, plan);
}
