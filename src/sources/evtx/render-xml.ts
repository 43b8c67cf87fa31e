/**
 * @module sources/evtx/render-xml
 * Windows-style XML of one record, built only when asked: two-space indentation, one element
 * per line, text inline, `<X/>` for empty elements, XML special characters escaped (unlike
 * evtxexport), NullType optional attributes and elements dropped, array substitutions
 * repeated per item, BinXml-typed values rendered in place.
 */
import {
  type ElementNode,
  N_CDATA,
  N_CHARREF,
  N_ELEMENT,
  N_ENTITYREF,
  N_PI,
  N_SUBST,
  N_TEMPLATE,
  N_TEXT,
  type Node,
  type Scope,
} from './binxml/nodes.js';
import { VT_BINXML } from './binxml/value-types.js';
import {
  arrayItems,
  attrOmitted,
  elementOmitted,
  MAX_RENDER_NODES,
  spend,
  substString,
  substType,
  textOf,
  withRenderBudget,
} from './binxml/walk.js';

const ESC_TEST = /[&<>"]/;
const ESC_RE = /[&<>"]/g;
const ESC: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

const TEXT_TEST = /[&<>]/;
const TEXT_RE = /[&<>]/g;

/** Escape `& < > "` for attribute values. */
export function escapeXml(s: string): string {
  return ESC_TEST.test(s) ? s.replace(ESC_RE, (c) => ESC[c] as string) : s;
}

/** Escape `& < >` for element text (quotes stay, as Windows renders them). */
export function escapeText(s: string): string {
  return TEXT_TEST.test(s) ? s.replace(TEXT_RE, (c) => ESC[c] as string) : s;
}

function attrsXml(el: ElementNode, scope: Scope): string {
  let s = '';
  for (const a of el.attrs) {
    if (attrOmitted(a, scope)) continue;
    s += ` ${a.name}="${escapeXml(textOf(a.value, scope))}"`;
  }
  return s;
}

/** True when content has no element-like nodes (text, references, plain substitutions only). */
function isTextOnly(nodes: readonly Node[], scope: Scope): boolean {
  for (const n of nodes) {
    if (n.k === N_ELEMENT || n.k === N_TEMPLATE || n.k === N_PI) return false;
    if (n.k === N_SUBST && substType(scope, n.index) === VT_BINXML) return false;
  }
  return true;
}

function inlineText(nodes: readonly Node[], scope: Scope): string {
  let s = '';
  for (const n of nodes) {
    switch (n.k) {
      case N_TEXT:
        s += escapeText(n.text);
        break;
      case N_SUBST:
        s += escapeText(substString(scope, n.index));
        break;
      case N_CHARREF:
        s += `&#${n.code};`;
        break;
      case N_ENTITYREF:
        s += `&${n.name};`;
        break;
      case N_CDATA:
        s += `<![CDATA[${n.text}]]>`;
        break;
      default:
        break;
    }
  }
  return s;
}

function renderNodes(nodes: readonly Node[], scope: Scope, indent: string, out: string[]): void {
  for (const n of nodes) {
    if (!spend()) return;
    switch (n.k) {
      case N_ELEMENT: {
        if (elementOmitted(n, scope)) break;
        const items = arrayItems(n, scope);
        if (items !== null) {
          const open = `${indent}<${n.name}${attrsXml(n, scope)}`;
          for (const it of items) out.push(it === '' ? `${open}/>` : `${open}>${escapeText(it)}</${n.name}>`);
          break;
        }
        renderElement(n, scope, indent, out);
        break;
      }
      case N_TEMPLATE:
        renderNodes(n.template.nodes, n.values, indent, out);
        break;
      case N_SUBST:
        if (scope !== null && substType(scope, n.index) === VT_BINXML) {
          const nested = scope.nested[n.index];
          if (nested) renderNodes(nested, scope, indent, out);
        } else {
          const t = escapeText(substString(scope, n.index));
          if (t !== '') out.push(indent + t);
        }
        break;
      case N_PI:
        out.push(`${indent}<?${n.target}${n.data ? ` ${n.data}` : ''}?>`);
        break;
      default: {
        const t = inlineText([n], scope);
        if (t !== '') out.push(indent + t);
      }
    }
  }
}

function renderElement(el: ElementNode, scope: Scope, indent: string, out: string[]): void {
  const open = `${indent}<${el.name}${attrsXml(el, scope)}`;
  if (el.children.length === 0) {
    out.push(`${open}/>`);
    return;
  }
  if (isTextOnly(el.children, scope)) {
    const t = inlineText(el.children, scope);
    out.push(t === '' ? `${open}/>` : `${open}>${t}</${el.name}>`);
    return;
  }
  const at = out.length;
  out.push(`${open}>`);
  renderNodes(el.children, scope, `${indent}  `, out);
  if (out.length === at + 1) out[at] = `${open}/>`;
  else out.push(`${indent}</${el.name}>`);
}

/**
 * XML of a node list (a record's BinXml) with the given values in scope. Output that would
 * pass the rendering budget ends with a `<!-- fathom: ... -->` comment saying so.
 */
export function renderNodesXml(nodes: readonly Node[], scope: Scope = null): string {
  const out: string[] = [];
  const { exceeded } = withRenderBudget(() => renderNodes(nodes, scope, '', out));
  if (exceeded) out.push(`<!-- fathom: output cut at ${MAX_RENDER_NODES} nodes (expansion budget) -->`);
  return out.join('\n');
}
