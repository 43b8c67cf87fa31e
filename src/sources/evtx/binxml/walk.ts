/**
 * @module sources/evtx/binxml/walk
 * Walking a record's node tree with its substitution values in scope: which elements exist
 * (template instances and BinXml-typed values expanded, NullType optional substitutions
 * dropped, array substitutions repeated), their text and their attributes. Used by both the
 * XML renderer and the event mapper, so the two always agree.
 */
import {
  type AttrNode,
  type ElementNode,
  N_CDATA,
  N_CHARREF,
  N_ELEMENT,
  N_ENTITYREF,
  N_SUBST,
  N_TEMPLATE,
  N_TEXT,
  type Node,
  type Scope,
} from './nodes.js';
import { VT_ARRAY, VT_BINXML, VT_NULL } from './value-types.js';
import { renderItems, renderValue } from './values.js';

/**
 * Rendering budget: how many nodes one record may expand to. Substitutions can reference the
 * same BinXml value many times at every nesting level, so a small crafted record could
 * otherwise expand exponentially. Checked by `forEachElement` and the XML renderer.
 */
export const MAX_RENDER_NODES = 1_000_000;
let budget = MAX_RENDER_NODES;

/** Run `fn` with a fresh budget; `exceeded` tells whether output was cut short. */
export function withRenderBudget<T>(fn: () => T): { value: T; exceeded: boolean } {
  const saved = budget;
  budget = MAX_RENDER_NODES;
  try {
    const value = fn();
    return { value, exceeded: budget < 0 };
  } finally {
    budget = saved;
  }
}

/** Spend one unit; false once the budget is gone. */
export function spend(): boolean {
  return --budget >= 0;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The character an entity reference stands for (unknown names render as `&name;`). */
export function entityChar(name: string): string {
  return ENTITIES[name] ?? `&${name};`;
}

/** Value `i` of the scope: `[type, offset, size]`, or null when out of range. */
export function substType(scope: Scope, i: number): number {
  if (scope === null || i >= scope.types.length) return VT_NULL;
  return scope.types[i] as number;
}

export function substSize(scope: Scope, i: number): number {
  if (scope === null || i >= scope.sizes.length) return 0;
  return scope.sizes[i] as number;
}

/** Rendered string of substitution `i` (empty when absent). */
export function substString(scope: Scope, i: number): string {
  if (scope === null || i >= scope.types.length) return '';
  const t = scope.types[i] as number;
  if (t === VT_BINXML) return '';
  return renderValue(scope.reader, t, scope.offs[i] as number, scope.sizes[i] as number);
}

/** Items of an array substitution. */
export function substItems(scope: Scope, i: number): string[] {
  if (scope === null || i >= scope.types.length) return [];
  return renderItems(
    scope.reader,
    scope.types[i] as number,
    scope.offs[i] as number,
    scope.sizes[i] as number,
  );
}

/** Plain text of content nodes (elements and nested BinXml contribute nothing). */
export function textOf(nodes: readonly Node[], scope: Scope): string {
  if (nodes.length === 1) {
    const n = nodes[0] as Node;
    if (n.k === N_SUBST) return substString(scope, n.index);
    if (n.k === N_TEXT) return n.text;
  }
  let s = '';
  for (const n of nodes) {
    switch (n.k) {
      case N_TEXT:
      case N_CDATA:
        s += n.text;
        break;
      case N_SUBST:
        s += substString(scope, n.index);
        break;
      case N_CHARREF:
        s += String.fromCharCode(n.code);
        break;
      case N_ENTITYREF:
        s += entityChar(n.name);
        break;
      default:
        break;
    }
  }
  return s;
}

/** True when the attribute is dropped: its value is one optional substitution that is NullType or empty. */
export function attrOmitted(a: AttrNode, scope: Scope): boolean {
  if (a.value.length !== 1) return false;
  const n = a.value[0] as Node;
  if (n.k !== N_SUBST || !n.optional) return false;
  return substType(scope, n.index) === VT_NULL || substSize(scope, n.index) === 0;
}

/** True when the element is dropped: its only content is an optional substitution of NullType. */
export function elementOmitted(el: ElementNode, scope: Scope): boolean {
  if (el.children.length !== 1) return false;
  const n = el.children[0] as Node;
  return n.k === N_SUBST && n.optional && substType(scope, n.index) === VT_NULL;
}

/**
 * When the element's only content is an array substitution, Windows repeats the element once
 * per item: returns the items (an empty array still gives one empty element), else null.
 */
export function arrayItems(el: ElementNode, scope: Scope): string[] | null {
  if (el.children.length !== 1) return null;
  const n = el.children[0] as Node;
  if (n.k !== N_SUBST) return null;
  const t = substType(scope, n.index);
  if ((t & VT_ARRAY) === 0) return null;
  const items = substItems(scope, n.index);
  return items.length === 0 ? [''] : items;
}

export type ElementVisitor = (el: ElementNode, scope: Scope, item: string | undefined) => void;

/**
 * Visit the elements among `nodes` in document order, expanding template instances and
 * BinXml-typed substitutions, skipping omitted elements and repeating array ones.
 */
export function forEachElement(nodes: readonly Node[], scope: Scope, visit: ElementVisitor): void {
  for (const n of nodes) {
    if (--budget < 0) return;
    if (n.k === N_ELEMENT) {
      if (elementOmitted(n, scope)) continue;
      const items = arrayItems(n, scope);
      if (items === null) visit(n, scope, undefined);
      else for (const it of items) visit(n, scope, it);
    } else if (n.k === N_TEMPLATE) {
      forEachElement(n.template.nodes, n.values, visit);
    } else if (n.k === N_SUBST && scope !== null && substType(scope, n.index) === VT_BINXML) {
      const nested = scope.nested[n.index];
      if (nested) forEachElement(nested, scope, visit);
    }
  }
}

/** The element's text: the array item when repeated, else its content's text. */
export function elementText(el: ElementNode, scope: Scope, item: string | undefined): string {
  return item ?? textOf(el.children, scope);
}

/** An attribute's rendered value, or undefined when absent or omitted. */
export function attrValue(el: ElementNode, name: string, scope: Scope): string | undefined {
  for (const a of el.attrs) {
    if (a.name === name) return attrOmitted(a, scope) ? undefined : textOf(a.value, scope);
  }
  return undefined;
}

/** True when the element has element children (after expansion). */
export function hasChildElements(el: ElementNode, scope: Scope): boolean {
  let found = false;
  forEachElement(el.children, scope, () => {
    found = true;
  });
  return found;
}
