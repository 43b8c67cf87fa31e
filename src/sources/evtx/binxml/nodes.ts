/**
 * @module sources/evtx/binxml/nodes
 * The in-memory form of BinXml: a static node tree per template definition (compiled once per
 * chunk) with substitution slots, and per-instance value tables that fill the slots. Nothing
 * here is rendered until asked (XML text, event fields).
 */
import type { ByteReader } from '../../binary/byte-reader.js';

export const N_ELEMENT = 1;
export const N_TEXT = 2;
export const N_SUBST = 3;
export const N_CHARREF = 4;
export const N_ENTITYREF = 5;
export const N_CDATA = 6;
export const N_PI = 7;
export const N_TEMPLATE = 8;

export interface ElementNode {
  readonly k: typeof N_ELEMENT;
  readonly name: string;
  readonly attrs: AttrNode[];
  readonly children: Node[];
  /** Per-element cache for derived data (the event mapper's compiled field plan). */
  memo: unknown;
}
export interface AttrNode {
  readonly name: string;
  /** Text, substitution, character and entity references only. */
  readonly value: Node[];
}
export interface TextNode {
  readonly k: typeof N_TEXT;
  readonly text: string;
}
export interface SubstNode {
  readonly k: typeof N_SUBST;
  /** Index into the instance's values (0-based). */
  readonly index: number;
  /** The type the template declares (the value's own type wins when rendering). */
  readonly type: number;
  readonly optional: boolean;
}
export interface CharRefNode {
  readonly k: typeof N_CHARREF;
  readonly code: number;
}
export interface EntityRefNode {
  readonly k: typeof N_ENTITYREF;
  readonly name: string;
}
export interface CDataNode {
  readonly k: typeof N_CDATA;
  readonly text: string;
}
export interface PINode {
  readonly k: typeof N_PI;
  readonly target: string;
  readonly data: string;
}
export interface TemplateNode {
  readonly k: typeof N_TEMPLATE;
  readonly template: Template;
  readonly values: Values;
}
export type Node =
  | ElementNode
  | TextNode
  | SubstNode
  | CharRefNode
  | EntityRefNode
  | CDataNode
  | PINode
  | TemplateNode;

/** A compiled template definition: parsed once per chunk, shared by every instance. */
export interface Template {
  /** Chunk-relative offset of the definition. */
  readonly offset: number;
  /** Template identifier GUID as Windows renders it. */
  readonly guid: string;
  readonly nodes: Node[];
}

/** The substitution values of one template instance: where each value's bytes are. */
export interface Values {
  readonly reader: ByteReader;
  readonly types: number[];
  readonly offs: number[];
  readonly sizes: number[];
  /** Parsed fragments of BinXml-typed (0x21) values, by index. */
  readonly nested: Array<Node[] | undefined>;
}

/** A context for substitutions: the values in scope (null outside any template instance). */
export type Scope = Values | null;
