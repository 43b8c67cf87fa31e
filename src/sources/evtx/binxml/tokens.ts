/**
 * @module sources/evtx/binxml/tokens
 * BinXml token codes (MS-EVEN6 / libyal "Token types"). Bit 0x40 on some tokens means "more
 * data follows" (attributes present, another attribute, more value text).
 */
export const T_EOF = 0x00;
export const T_OPEN_START = 0x01;
export const T_CLOSE_START = 0x02;
export const T_CLOSE_EMPTY = 0x03;
export const T_END_ELEMENT = 0x04;
export const T_VALUE = 0x05;
export const T_ATTRIBUTE = 0x06;
export const T_CDATA = 0x07;
export const T_CHARREF = 0x08;
export const T_ENTITYREF = 0x09;
export const T_PI_TARGET = 0x0a;
export const T_PI_DATA = 0x0b;
export const T_TEMPLATE_INSTANCE = 0x0c;
export const T_NORMAL_SUBST = 0x0d;
export const T_OPTIONAL_SUBST = 0x0e;
export const T_FRAGMENT_HEADER = 0x0f;
export const T_MORE = 0x40;

/** Caps on untrusted BinXml (listed under Security in the changelog). */
export const LIMITS = {
  /** Nesting of elements, template instances and nested BinXml values together. */
  maxDepth: 64,
  /** Elements open at once while parsing one record. */
  maxOpenElements: 512,
  /** Substitution values in one template instance. */
  maxValues: 4096,
  /** Nodes materialised for one template definition or record. */
  maxNodes: 65536,
} as const;
