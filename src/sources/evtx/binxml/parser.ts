/**
 * @module sources/evtx/binxml/parser
 * Token-level BinXml parser for one chunk. Element and attribute names are cached by their
 * chunk offset (the chunk's string table), template definitions by their offset (compiled
 * once into a node tree with substitution slots). Every read is bounds-checked; a fault raises
 * `ReadFault`, which the record parser turns into that record's issue.
 */

import { issue } from '../../../core/issue.js';
import { type ByteReader, ReadFault } from '../../binary/byte-reader.js';
import {
  type AttrNode,
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
  type Template,
  type Values,
} from './nodes.js';
import {
  LIMITS,
  T_ATTRIBUTE,
  T_CDATA,
  T_CHARREF,
  T_CLOSE_EMPTY,
  T_CLOSE_START,
  T_END_ELEMENT,
  T_ENTITYREF,
  T_EOF,
  T_FRAGMENT_HEADER,
  T_NORMAL_SUBST,
  T_OPEN_START,
  T_OPTIONAL_SUBST,
  T_PI_DATA,
  T_PI_TARGET,
  T_TEMPLATE_INSTANCE,
  T_VALUE,
} from './tokens.js';
import { VT_BINXML, VT_STRING } from './value-types.js';

/** Per-chunk parser state: the reader over the chunk and its name and template caches. */
export class ChunkBinXml {
  readonly r: ByteReader;
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, Template | ReadFault>();
  private readonly inProgress = new Set<number>();
  private depth = 0;
  private open = 0;
  private nodes = 0;

  constructor(r: ByteReader) {
    this.r = r;
  }

  private fault(code: string, msg: string, off: number, details?: Record<string, unknown>): ReadFault {
    const at = this.r.base + off;
    const loc = this.r.file === undefined ? { offset: at } : { file: this.r.file, offset: at };
    return new ReadFault(issue(code, msg, loc, details));
  }

  private enter(off: number): void {
    if (++this.depth > LIMITS.maxDepth) {
      throw this.fault('evtx.binxml-too-deep', `BinXml nesting deeper than ${LIMITS.maxDepth}`, off);
    }
  }

  private count(off: number): void {
    if (++this.nodes > LIMITS.maxNodes) {
      throw this.fault('evtx.binxml-too-large', `more than ${LIMITS.maxNodes} BinXml nodes`, off);
    }
  }

  /** Parse the BinXml of one record body `[pos, end)`. */
  parseRecord(pos: number, end: number): Node[] {
    this.depth = 0;
    this.open = 0;
    this.nodes = 0;
    return this.fragment(pos, end, false).nodes;
  }

  /** A name (element, attribute, entity, PI target) at chunk offset `off`. */
  name(off: number): string {
    const hit = this.names.get(off);
    if (hit !== undefined) return hit;
    const n = this.r.u16(off + 6, 'binxml.name.chars');
    const s = this.r.utf16(off + 8, n, 'binxml.name');
    this.names.set(off, s);
    return s;
  }

  /** Read a name reference at `p`; returns [name, position after the reference and any inline name]. */
  private nameRef(p: number, what: string): [string, number] {
    const off = this.r.u32(p, what);
    p += 4;
    const s = this.name(off);
    if (off === p) p += 8 + (this.r.u16(off + 6, 'binxml.name.chars') + 1) * 2;
    return [s, p];
  }

  /**
   * A sequence of top-level tokens until EOF or `end`: fragment headers, elements, template
   * instances, PIs. `inSubst` is true inside a BinXml-typed value, whose element starts carry
   * no dependency identifier.
   */
  fragment(pos: number, end: number, inSubst: boolean): { nodes: Node[]; pos: number } {
    const out: Node[] = [];
    let sub = inSubst;
    let p = pos;
    while (p < end) {
      const tok = this.r.u8(p, 'binxml.token');
      const base = tok & 0xbf;
      if (tok === T_EOF) {
        p++;
        break;
      }
      if (tok === T_FRAGMENT_HEADER) {
        this.r.need(p, 4, 'binxml.fragment-header');
        p += 4;
        // A whole fragment is a normal document: its elements carry the dependency identifier.
        sub = false;
      } else if (base === T_OPEN_START) {
        const [el, np] = this.element(p, end, sub);
        out.push(el);
        p = np;
      } else if (tok === T_TEMPLATE_INSTANCE) {
        const [t, np] = this.templateInstance(p, end);
        out.push(t);
        p = np;
      } else if (tok === T_PI_TARGET) {
        const [pi, np] = this.pi(p);
        out.push(pi);
        p = np;
      } else {
        throw this.fault(
          'evtx.binxml-bad-token',
          `unexpected BinXml token 0x${tok.toString(16)} in fragment`,
          p,
          {
            token: tok,
          },
        );
      }
    }
    return { nodes: out, pos: p };
  }

  private pi(p: number): [Node, number] {
    let [target, np] = this.nameRef(p + 1, 'binxml.pi.target');
    let data = '';
    if (this.r.u8(np, 'binxml.token') === T_PI_DATA) {
      const n = this.r.u16(np + 1, 'binxml.pi.data.chars');
      data = this.r.utf16(np + 3, n, 'binxml.pi.data');
      np += 3 + n * 2;
    }
    target = target.length > 0 ? target : '';
    return [{ k: N_PI, target, data }, np];
  }

  private element(pos: number, end: number, inSubst: boolean): [ElementNode, number] {
    this.enter(pos);
    if (++this.open > LIMITS.maxOpenElements) {
      throw this.fault('evtx.binxml-too-many-open', `more than ${LIMITS.maxOpenElements} open elements`, pos);
    }
    this.count(pos);
    const r = this.r;
    const hasAttrs = (r.u8(pos, 'binxml.token') & 0x40) !== 0;
    let p = pos + 1;
    if (!inSubst && this.hasDependencyId(pos)) p += 2;
    p += 4; // data size
    const [name, np] = this.nameRef(p, 'binxml.element.name');
    p = np;
    const attrs: AttrNode[] = [];
    if (hasAttrs) {
      r.u32(p, 'binxml.attribute-list.size');
      p += 4;
      for (;;) {
        const t = r.u8(p, 'binxml.token');
        if ((t & 0xbf) !== T_ATTRIBUTE) break;
        const [an, ap] = this.nameRef(p + 1, 'binxml.attribute.name');
        const value: Node[] = [];
        p = this.content(ap, end, value, inSubst, true);
        attrs.push({ name: an, value });
        this.count(p);
      }
    }
    const children: Node[] = [];
    const close = r.u8(p, 'binxml.token');
    if (close === T_CLOSE_EMPTY) {
      p++;
    } else if (close === T_CLOSE_START) {
      p = this.content(p + 1, end, children, inSubst, false);
      const t = r.u8(p, 'binxml.token');
      if (t !== T_END_ELEMENT) {
        throw this.fault(
          'evtx.binxml-bad-token',
          `expected end of element <${name}>, got token 0x${t.toString(16)}`,
          p,
          {
            token: t,
          },
        );
      }
      p++;
    } else {
      throw this.fault(
        'evtx.binxml-bad-token',
        `unexpected token 0x${close.toString(16)} in start of <${name}>`,
        p,
        {
          token: close,
        },
      );
    }
    this.depth--;
    this.open--;
    return [{ k: N_ELEMENT, name, attrs, children, memo: undefined }, p];
  }

  /**
   * Whether the element start at `pos` carries the 2-byte dependency identifier. It normally
   * does outside BinXml-typed values, but some writers (forwarded events rendered as plain
   * BinXml, e.g. Exchange via WEC) omit it. The name offset decides: an inline name sits right
   * after the offset field, so the layout whose name offset points at its own end wins.
   */
  private hasDependencyId(pos: number): boolean {
    const r = this.r;
    if (pos + 11 > r.length) return true;
    const withId = r.u32(pos + 7, 'binxml.element.name');
    if (withId === pos + 11) return true;
    const without = r.u32(pos + 5, 'binxml.element.name');
    if (without === pos + 9) return false;
    // Neither inline: a back-reference must point before this element, inside the chunk.
    const okWith = withId >= 512 && withId + 8 <= pos;
    const okWithout = without >= 512 && without + 8 <= pos;
    return okWith || !okWithout;
  }

  /**
   * Content tokens from `p` into `out` until a token that ends it (end element, or for an
   * attribute value anything that is not a value token). Returns the position of that token.
   */
  private content(p: number, end: number, out: Node[], inSubst: boolean, attr: boolean): number {
    const r = this.r;
    for (;;) {
      if (p >= end)
        throw this.fault('truncated', 'BinXml content runs past the end of its data', p, {
          what: 'binxml.content',
        });
      const tok = r.u8(p, 'binxml.token');
      const base = tok & 0xbf;
      switch (base) {
        case T_VALUE: {
          const vt = r.u8(p + 1, 'binxml.value.type');
          if (vt !== VT_STRING) {
            throw this.fault(
              'evtx.binxml-bad-value',
              `value text of type 0x${vt.toString(16)} (expected string)`,
              p,
            );
          }
          const n = r.u16(p + 2, 'binxml.value.chars');
          out.push({ k: N_TEXT, text: r.utf16(p + 4, n, 'binxml.value.text') });
          p += 4 + n * 2;
          break;
        }
        case T_NORMAL_SUBST:
        case T_OPTIONAL_SUBST: {
          if (tok !== base)
            throw this.fault('evtx.binxml-bad-token', `bad substitution token 0x${tok.toString(16)}`, p);
          const index = r.u16(p + 1, 'binxml.substitution.id');
          const type = r.u8(p + 3, 'binxml.substitution.type');
          out.push({ k: N_SUBST, index, type, optional: tok === T_OPTIONAL_SUBST });
          p += 4;
          break;
        }
        case T_CHARREF:
          out.push({ k: N_CHARREF, code: r.u16(p + 1, 'binxml.charref') });
          p += 3;
          break;
        case T_ENTITYREF: {
          const [name, np] = this.nameRef(p + 1, 'binxml.entityref.name');
          out.push({ k: N_ENTITYREF, name });
          p = np;
          break;
        }
        default: {
          if (attr) return p;
          if (base === T_OPEN_START) {
            const [el, np] = this.element(p, end, inSubst);
            out.push(el);
            p = np;
          } else if (base === T_CDATA) {
            const n = r.u16(p + 1, 'binxml.cdata.chars');
            out.push({ k: N_CDATA, text: r.utf16(p + 3, n, 'binxml.cdata') });
            p += 3 + n * 2;
          } else if (tok === T_PI_TARGET) {
            const [pi, np] = this.pi(p);
            out.push(pi);
            p = np;
          } else if (tok === T_TEMPLATE_INSTANCE) {
            const [t, np] = this.templateInstance(p, end);
            out.push(t);
            p = np;
          } else if (tok === T_END_ELEMENT) {
            return p;
          } else {
            throw this.fault(
              'evtx.binxml-bad-token',
              `unexpected BinXml token 0x${tok.toString(16)} in content`,
              p,
              {
                token: tok,
              },
            );
          }
        }
      }
      this.count(p);
    }
  }

  /** A template instance at `pos`: the definition (inline or by reference) and its values. */
  private templateInstance(pos: number, end: number): [Node, number] {
    this.enter(pos);
    const r = this.r;
    let p = pos + 1;
    r.u8(p, 'template-instance.unknown');
    p += 1;
    r.u32(p, 'template-instance.id');
    p += 4;
    const defOff = r.u32(p, 'template-instance.definition-offset');
    p += 4;
    const template = this.template(defOff);
    if (defOff === p) {
      // Defined inline on first use: skip the definition (24-byte header + data).
      p += 24 + r.u32(defOff + 20, 'template.data-size');
    }
    const n = r.u32(p, 'template-instance.value-count');
    p += 4;
    if (n > LIMITS.maxValues || p + n * 4 > end) {
      throw this.fault(
        'evtx.binxml-bad-value-count',
        `template instance with ${n} values does not fit`,
        p - 4,
        {
          count: n,
        },
      );
    }
    const types: number[] = new Array(n);
    const offs: number[] = new Array(n);
    const sizes: number[] = new Array(n);
    let dp = p + n * 4;
    for (let i = 0; i < n; i++) {
      const size = r.u16(p + i * 4, 'template-value.size');
      types[i] = r.u8(p + i * 4 + 2, 'template-value.type');
      offs[i] = dp;
      sizes[i] = size;
      dp += size;
    }
    if (dp > end)
      throw this.fault('truncated', 'template values run past the end of the record', p, {
        what: 'template-values',
        need: dp - p,
        have: end - p,
      });
    const nested: Array<Node[] | undefined> = [];
    for (let i = 0; i < n; i++) {
      if (types[i] === VT_BINXML && (sizes[i] as number) > 0) {
        const o = offs[i] as number;
        nested[i] = this.fragment(o, o + (sizes[i] as number), true).nodes;
      }
    }
    const values: Values = { reader: r, types, offs, sizes, nested };
    this.depth--;
    return [{ k: N_TEMPLATE, template, values }, dp];
  }

  /** The compiled template at chunk offset `off`, parsed on first use and cached. */
  template(off: number): Template {
    const hit = this.templates.get(off);
    if (hit !== undefined) {
      if (hit instanceof ReadFault) throw hit;
      return hit;
    }
    if (this.inProgress.has(off)) {
      throw this.fault('evtx.template-cycle', `template at chunk offset ${off} refers to itself`, off);
    }
    const r = this.r;
    if (off < 512 || off + 24 > r.length) {
      throw this.fault(
        'evtx.template-bad-offset',
        `template definition offset ${off} is outside the chunk`,
        off,
        {
          templateOffset: off,
        },
      );
    }
    this.inProgress.add(off);
    const savedOpen = this.open;
    const savedNodes = this.nodes;
    try {
      const guid = r.guid(off + 4, 'template.guid');
      const size = r.u32(off + 20, 'template.data-size');
      const start = off + 24;
      if (start + size > r.length) {
        throw this.fault(
          'evtx.template-bad-size',
          `template data of ${size} bytes runs past the chunk`,
          off,
          { size },
        );
      }
      this.open = 0;
      this.nodes = 0;
      const t: Template = { offset: off, guid, nodes: this.fragment(start, start + size, false).nodes };
      this.templates.set(off, t);
      return t;
    } catch (e) {
      // A depth fault depends on where the template was used from, not on the template.
      if (e instanceof ReadFault && e.issue.code !== 'evtx.binxml-too-deep') this.templates.set(off, e);
      throw e;
    } finally {
      this.open = savedOpen;
      this.nodes = savedNodes;
      this.inProgress.delete(off);
    }
  }
}
