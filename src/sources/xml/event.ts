/**
 * @module sources/xml/event
 * One `<Event>` element of an XML export → an Event of kind `evtx-xml`. Parsed with saxes (no DTD
 * processing: only the five predefined entities and character references are known, so entity
 * expansion attacks do not apply), into a small element tree of bounded depth, then mapped:
 * `System` to the typed header, `EventData/Data[@Name]` to fields (unnamed `Data` kept in order in
 * `data`), `UserData` leaves to fields. `RenderingInfo` (rendered messages) is not carried.
 */
import { SaxesParser } from 'saxes';
import type { Issue } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import type { Result } from '../../core/result.js';
import { err, ok } from '../../core/result.js';
import type { Event, FieldValue, Provenance } from '../../model/event.js';
import { asInt, eventIdParts, keywordsHex, putField } from '../json/values.js';
import { normaliseTimestamp } from '../timestamp.js';

/** Deepest element nesting accepted inside one event. */
export const MAX_XML_DEPTH = 64;

interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

function localName(qname: string): string {
  const i = qname.indexOf(':');
  return i < 0 ? qname : qname.slice(i + 1);
}

interface Failure {
  message: string;
  line: number;
  col: number;
}

/**
 * A reusable parser of event elements: one saxes instance (it resets itself after `close()`),
 * so a long export does not build a parser and its handlers per event.
 */
export class XmlEventParser {
  private readonly parser = new SaxesParser({ xmlns: false, position: true });
  private stack: XmlNode[] = [];
  private tooDeep = 0;
  private wasTooDeep = false;
  private failure: Failure | null = null;

  constructor() {
    const p = this.parser;
    p.on('error', (e) => {
      // saxes prefixes its messages with `line:col: `; the position is reported separately.
      this.failure ??= { message: e.message.replace(/^\d+:\d+:\s*/, ''), line: p.line, col: p.column };
    });
    p.on('opentag', (tag) => {
      if (this.tooDeep || this.stack.length > MAX_XML_DEPTH) {
        this.tooDeep++;
        this.wasTooDeep = true;
        return;
      }
      const attrs: Record<string, string> = {};
      for (const k in tag.attributes) {
        const v = tag.attributes[k];
        if (typeof v === 'string') attrs[localName(k)] = v;
      }
      const node: XmlNode = { name: localName(tag.name), attrs, children: [], text: '' };
      (this.stack[this.stack.length - 1] as XmlNode).children.push(node);
      this.stack.push(node);
    });
    p.on('closetag', () => {
      if (this.tooDeep) this.tooDeep--;
      else if (this.stack.length > 1) this.stack.pop();
    });
    const onText = (t: string): void => {
      if (!this.tooDeep) (this.stack[this.stack.length - 1] as XmlNode).text += t;
    };
    p.on('text', onText);
    p.on('cdata', onText);
  }

  /** Parse the text of one event element into a tree, or the issue that stopped it. */
  parse(text: string, loc: { file: string; line: number; offset: number }): Result<XmlNode, Issue> {
    const root: XmlNode = { name: '#document', attrs: {}, children: [], text: '' };
    this.stack = [root];
    this.tooDeep = 0;
    this.wasTooDeep = false;
    this.failure = null;
    try {
      this.parser.write(text).close();
    } catch (e) {
      this.failure ??= { message: e instanceof Error ? e.message : String(e), line: 1, col: 0 };
    }
    const at = (line: number, col: number) => ({
      file: loc.file,
      line: loc.line + line - 1,
      col: col + 1,
      offset: loc.offset,
    });
    const f = this.failure as Failure | null;
    if (f) return err(issue('xml-syntax', `malformed event XML: ${f.message}`, at(f.line, f.col)));
    if (this.wasTooDeep) {
      return err(issue('xml-too-deep', `event nests deeper than ${MAX_XML_DEPTH} elements`, at(1, 0)));
    }
    const top = root.children[0];
    if (!top) return err(issue('xml-syntax', 'no element found', at(1, 0)));
    return ok(top);
  }
}

/** Parse the text of one event element into a tree (a fresh parser; see `XmlEventParser`). */
export function parseXmlTree(
  text: string,
  loc: { file: string; line: number; offset: number },
): Result<XmlNode, Issue> {
  return new XmlEventParser().parse(text, loc);
}

function child(n: XmlNode | undefined, name: string): XmlNode | undefined {
  return n?.children.find((c) => c.name === name);
}

function textOf(n: XmlNode | undefined): string | undefined {
  if (!n) return undefined;
  const t = n.text.trim();
  return t === '' ? undefined : t;
}

/** Convert the element tree of one `<Event>` into an Event. */
export function xmlTreeToEvent(root: XmlNode, source: Provenance): Result<Event, Issue> {
  if (root.name !== 'Event') {
    return err(
      issue('xml-unexpected-element', `expected <Event>, found <${root.name}>`, {
        file: source.file,
        offset: source.offset,
        ...(source.line !== undefined ? { line: source.line } : {}),
      }),
    );
  }
  const sys = child(root, 'System');
  const idEl = child(sys, 'EventID');
  const id = eventIdParts(textOf(idEl), idEl?.attrs.Qualifiers);
  const provider = child(sys, 'Provider');
  const exec = child(sys, 'Execution');
  const corr = child(sys, 'Correlation');
  const ev: Event = {
    kind: 'evtx-xml',
    timestamp: normaliseTimestamp(child(sys, 'TimeCreated')?.attrs.SystemTime),
    channel: textOf(child(sys, 'Channel')) ?? '',
    provider: provider?.attrs.Name ?? '',
    eventId: id?.eventId ?? 0,
    recordId: asInt(textOf(child(sys, 'EventRecordID'))) ?? null,
    computer: textOf(child(sys, 'Computer')) ?? '',
    fields: {},
    source,
  };
  const opt = <K extends keyof Event>(key: K, val: Event[K] | undefined): void => {
    if (val !== undefined && val !== '') ev[key] = val;
  };
  opt('qualifiers', id?.qualifiers);
  opt('userSid', child(sys, 'Security')?.attrs.UserID);
  opt('level', asInt(textOf(child(sys, 'Level'))));
  opt('task', asInt(textOf(child(sys, 'Task'))));
  opt('opcode', asInt(textOf(child(sys, 'Opcode'))));
  opt('keywords', keywordsHex(textOf(child(sys, 'Keywords'))));
  opt('version', asInt(textOf(child(sys, 'Version'))));
  opt('providerGuid', provider?.attrs.Guid);
  opt('eventSourceName', provider?.attrs.EventSourceName);
  opt('processId', asInt(exec?.attrs.ProcessID));
  opt('threadId', asInt(exec?.attrs.ThreadID));
  opt('activityId', corr?.attrs.ActivityID);
  opt('relatedActivityId', corr?.attrs.RelatedActivityID);

  const repeated = new Set<string>();
  const data: FieldValue[] = [];
  const ed = child(root, 'EventData');
  for (const d of ed?.children ?? []) {
    if (d.name === 'Data') {
      const name = d.attrs.Name;
      if (name !== undefined) putField(ev.fields, name, d.text, repeated);
      else data.push(d.text);
    } else if (d.children.length || d.text !== '') {
      // An empty <Binary/> (python-evtx writes one for every event) carries nothing.
      leaves(d, ev.fields, repeated, 0);
    }
  }
  const ud = child(root, 'UserData');
  for (const c of ud?.children ?? []) leaves(c, ev.fields, repeated, 0);
  if (data.length) ev.data = data;
  return ok(ev);
}

/** UserData style: each leaf element becomes a field named after it. */
function leaves(n: XmlNode, fields: Record<string, FieldValue>, repeated: Set<string>, depth: number): void {
  if (n.children.length === 0) {
    putField(fields, n.name, n.text, repeated);
    return;
  }
  if (depth > MAX_XML_DEPTH) return;
  for (const c of n.children) leaves(c, fields, repeated, depth + 1);
}

/** Parse and convert one event element's text (pass a parser to reuse it across events). */
export function xmlEventToEvent(
  text: string,
  source: Provenance & { line: number },
  parser: XmlEventParser = new XmlEventParser(),
): Result<Event, Issue> {
  const tree = parser.parse(text, { file: source.file, line: source.line, offset: source.offset });
  return tree.ok ? xmlTreeToEvent(tree.value, source) : tree;
}
