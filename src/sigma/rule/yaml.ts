/**
 * @module sigma/rule/yaml
 * YAML text → located documents. Every map entry, list item and scalar keeps its line:col so
 * issues point at the exact place in the rule file. Aliases are resolved (bounded by the YAML
 * library's alias cap); duplicate keys are kept last-wins (as PyYAML does) and reported.
 */

import type { Document, Node as YNode } from 'yaml';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';

export interface Pos {
  readonly line: number;
  readonly col: number;
}

export type LNode =
  | { readonly kind: 'map'; readonly entries: ReadonlyArray<LEntry>; readonly pos: Pos }
  | { readonly kind: 'seq'; readonly items: readonly LNode[]; readonly pos: Pos }
  | { readonly kind: 'scalar'; readonly value: unknown; readonly pos: Pos };

export interface LEntry {
  readonly key: string;
  readonly keyPos: Pos;
  readonly value: LNode;
}

export interface LDocument {
  /** The document root, or null for an empty document. */
  readonly root: LNode | null;
  readonly pos: Pos;
  readonly errors: ReadonlyArray<{ message: string; pos: Pos }>;
  readonly warnings: ReadonlyArray<{ code: string; message: string; pos: Pos }>;
}

const MAX_DEPTH = 64;
/** Cap on nodes built per document (aliases can multiply a small text: "billion laughs"). */
const MAX_NODES = 50_000;

export function parseYamlDocuments(text: string): LDocument[] {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false });
  const list = Array.isArray(docs) ? docs : [];
  const posOf = (offset: number | undefined): Pos => {
    const p = lc.linePos(offset ?? 0);
    return { line: p.line, col: p.col };
  };
  const out: LDocument[] = [];
  for (const doc of list as Document.Parsed[]) {
    const errors = doc.errors.map((e) => ({
      message: e.message.split('\n')[0] ?? e.message,
      pos: e.linePos ? { line: e.linePos[0].line, col: e.linePos[0].col } : posOf(e.pos[0]),
    }));
    const warnings: Array<{ code: string; message: string; pos: Pos }> = [];
    // Anchors by name, collected once (the library's alias.resolve walks the whole document).
    const anchors = new Map<string, unknown>();
    const collectAnchors = (n: unknown, depth: number): void => {
      if (!n || typeof n !== 'object' || depth > MAX_DEPTH) return;
      const a = (n as { anchor?: string }).anchor;
      if (a && !anchors.has(a)) anchors.set(a, n);
      if (isMap(n) || isSeq(n)) {
        for (const it of n.items) {
          if (isPair(it)) {
            collectAnchors(it.key, depth + 1);
            collectAnchors(it.value, depth + 1);
          } else collectAnchors(it, depth + 1);
        }
      }
    };
    collectAnchors(doc.contents, 0);
    const resolveAlias = (n: { source: string }): unknown => anchors.get(n.source) ?? null;
    let budget = MAX_NODES;
    const conv = (n: unknown, depth: number): LNode => {
      if (depth > MAX_DEPTH || --budget < 0) {
        if (budget === -1 || depth > MAX_DEPTH) {
          errors.push({
            message: 'YAML nested too deeply or too large after alias expansion',
            pos: posOf((n as YNode | null)?.range?.[0]),
          });
        }
        return { kind: 'scalar', value: null, pos: posOf(0) };
      }
      if (isAlias(n)) return conv(resolveAlias(n), depth + 1);
      const pos = posOf((n as YNode | null)?.range?.[0]);
      if (isMap(n)) {
        const entries: LEntry[] = [];
        const seen = new Map<string, number>();
        for (const it of n.items) {
          if (!isPair(it)) continue;
          const k = isScalar(it.key) ? it.key.value : isAlias(it.key) ? toKey(resolveAlias(it.key)) : it.key;
          const key =
            k === null || k === undefined ? '' : typeof k === 'object' ? JSON.stringify(k) : String(k);
          const keyPos = posOf((it.key as YNode | null)?.range?.[0]);
          const value =
            it.value === null
              ? { kind: 'scalar' as const, value: null, pos: keyPos }
              : conv(it.value, depth + 1);
          const prev = seen.get(key);
          if (prev !== undefined) {
            warnings.push({
              code: 'duplicate-key',
              message: `duplicate key '${key}' (the last one wins)`,
              pos: keyPos,
            });
            entries[prev] = { key, keyPos, value };
          } else {
            seen.set(key, entries.length);
            entries.push({ key, keyPos, value });
          }
        }
        return { kind: 'map', entries, pos };
      }
      if (isSeq(n)) return { kind: 'seq', items: n.items.map((x) => conv(x, depth + 1)), pos };
      if (isScalar(n)) return { kind: 'scalar', value: n.value, pos };
      return { kind: 'scalar', value: null, pos };
    };
    const root = doc.contents === null ? null : conv(doc.contents, 0);
    out.push({ root, pos: posOf(doc.range?.[0]), errors, warnings });
  }
  return out;
}

function toKey(n: unknown): unknown {
  return isScalar(n) ? n.value : n;
}

/** Plain JS value of a located node (maps become objects with own keys). */
export function toPlain(n: LNode | null | undefined): unknown {
  if (!n) return null;
  if (n.kind === 'scalar') return n.value;
  if (n.kind === 'seq') return n.items.map(toPlain);
  const o: Record<string, unknown> = {};
  for (const e of n.entries)
    Object.defineProperty(o, e.key, {
      value: toPlain(e.value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return o;
}

export function entry(n: LNode | null | undefined, key: string): LEntry | undefined {
  return n?.kind === 'map' ? n.entries.find((e) => e.key === key) : undefined;
}
