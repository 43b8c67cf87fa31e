/**
 * @module sources/xml
 * The XML-export reader (`evtx-xml`): `wevtutil qe /f:xml` output (events back to back, no root),
 * `<Events>`-wrapped exports (`Get-WinEvent | % ToXml()` scripts, Event Viewer "Save as XML"),
 * UTF-8 or UTF-16. Streaming, one event element at a time.
 */
import { err } from '../../core/result.js';
import { headText, utf8View } from '../text.js';
import type { EventWithXml, ReaderInput, ReadOptions, SourceDescriptor, SourceItem } from '../types.js';
import { XmlEventParser, xmlEventToEvent } from './event.js';
import { splitEvents } from './split.js';

export { MAX_XML_DEPTH, parseXmlTree, XmlEventParser, xmlEventToEvent, xmlTreeToEvent } from './event.js';
export type { XmlEventChunk, XmlSplitItem, XmlSplitOptions } from './split.js';
export { findEventStart, MAX_EVENT_BYTES, splitEvents } from './split.js';

/** Read the events of an XML export. */
export async function* readXmlEvents(input: ReaderInput, opts: ReadOptions = {}): AsyncIterable<SourceItem> {
  const file = input.path;
  const split = splitEvents(utf8View(input.open()), {
    file,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const parser = new XmlEventParser();
  for await (const item of split) {
    if ('issue' in item) {
      yield err(item.issue);
      continue;
    }
    const { bytes, offset, line } = item.chunk;
    const text = bytes.toString('utf8');
    const res = xmlEventToEvent(text, { file, offset, line }, parser);
    if (res.ok && opts.xml) {
      // The element as exported is this event's native XML.
      const ev: EventWithXml = res.value;
      ev.xml = text;
    }
    yield res;
  }
}

/** Prolog: BOM, XML declaration, comments, processing instructions, doctype, whitespace. */
/** One short line of plain text, then a line break. */
const BANNER = /^[^<\r\n]{1,80}\r?\n/;
const PROLOG = /^(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)*/;

export const xmlEventsSource: SourceDescriptor = {
  kind: 'evtx-xml',
  description: 'Windows events as XML (wevtutil qe /f:xml, Get-WinEvent ToXml(), <Events> exports)',
  sniff(input) {
    const text = headText(input.head).replace(/^\uFEFF/, '');
    let rest = text.slice(PROLOG.exec(text)?.[0].length ?? 0);
    // Tools print a banner line before the events (`evtxexport 20181227`): allow one short line.
    let banner = false;
    const banned = BANNER.exec(rest);
    if (banned && !rest.startsWith('<')) {
      banner = true;
      rest = rest.slice(banned[0].length).trimStart();
    }
    const wrapped = /^<Events[\s>]/.test(rest);
    const body = wrapped ? rest.slice(rest.indexOf('>') + 1).trimStart() : rest;
    if (!/^<Event[\s>]/.test(body)) {
      // A wrapper whose first event lies beyond the head still says what it is.
      return wrapped && /<Event[\s>]/.test(rest) ? 0.5 : 0;
    }
    const score = /<System[\s>]/.test(body) ? 0.95 : 0.6;
    return banner ? score - 0.15 : score;
  },
  read: readXmlEvents,
};
