/**
 * @module sources/xml/split
 * Cutting an XML export into its `<Event>…</Event>` elements without parsing the whole document:
 * `wevtutil qe /f:xml` writes events back to back with no root element, `Get-WinEvent` scripts wrap
 * them in `<Events>`; both are a run of sibling `<Event>` elements. Each element is handed to a
 * fresh XML parser, so a malformed event costs that event only.
 *
 * Events never nest, and markup inside values is escaped, so the next `<Event` start before an
 * `</Event>` means the open event was cut short. (A literal `</Event>` inside a CDATA section would
 * end an event early; Windows never writes CDATA into events.) An event larger than `maxEventBytes`
 * is skipped with an issue.
 */
import type { Issue } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import { ByteWindow, countNewlines } from '../text.js';

/** Default cap on one event element: 16 MiB. */
export const MAX_EVENT_BYTES = 16 * 1024 * 1024;

export interface XmlEventChunk {
  /** The element's bytes, `<Event` to `</Event>` inclusive (a private copy). */
  readonly bytes: Buffer;
  /** Byte offset of `<Event`. */
  readonly offset: number;
  /** 1-based line of `<Event`. */
  readonly line: number;
}

export type XmlSplitItem = { chunk: XmlEventChunk } | { issue: Issue };

const START = Buffer.from('<Event');
const END = Buffer.from('</Event');

function isTagEnd(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x3e || c === 0x2f;
}

/** Index of an `<Event` start tag (not `<Events`, `<EventData`...) at or after `from`, or -1. */
export function findEventStart(v: Uint8Array, from: number): number {
  const b = Buffer.from(v.buffer, v.byteOffset, v.length);
  for (let i = b.indexOf(START, from); i >= 0; i = b.indexOf(START, i + 1)) {
    if (i + START.length >= b.length) return -1;
    if (isTagEnd(b[i + START.length])) return i;
  }
  return -1;
}

/** Index of the `>` ending an `</Event>` close tag at or after `from`, or -1. */
function findEventEnd(b: Buffer, from: number): number {
  for (let i = b.indexOf(END, from); i >= 0; i = b.indexOf(END, i + 1)) {
    let j = i + END.length;
    while (j < b.length && (b[j] === 0x20 || b[j] === 0x09 || b[j] === 0x0a || b[j] === 0x0d)) j++;
    if (j >= b.length) return -1;
    if (b[j] === 0x3e) return j;
  }
  return -1;
}

export interface XmlSplitOptions {
  file: string;
  maxEventBytes?: number;
  signal?: AbortSignal;
}

/** Split `stream` (UTF-8 bytes) into event elements and issues, in stream order. */
export async function* splitEvents(
  stream: AsyncIterable<Uint8Array>,
  opts: XmlSplitOptions,
): AsyncIterable<XmlSplitItem> {
  const { file } = opts;
  const max = opts.maxEventBytes ?? MAX_EVENT_BYTES;
  const win = new ByteWindow();
  let line = 1; // line number at win.base
  let open = false; // win.view() starts with an `<Event` start tag
  let scanFrom = 0;
  const out: XmlSplitItem[] = [];

  const consume = (n: number): void => {
    line += countNewlines(win.view(), 0, n);
    win.consume(n);
  };

  const step = (eof: boolean): void => {
    for (;;) {
      const v = win.view();
      if (!open) {
        const s = findEventStart(v, scanFrom);
        if (s < 0) {
          // Keep a tail long enough to hold a split `<Event` + one byte.
          const keep = eof ? 0 : START.length;
          if (v.length > keep) consume(v.length - keep);
          scanFrom = 0;
          return;
        }
        consume(s);
        open = true;
        scanFrom = START.length;
        continue;
      }
      const e = findEventEnd(v, scanFrom);
      const next = findEventStart(v, Math.max(scanFrom, START.length));
      if (next >= 0 && (e < 0 || next < e)) {
        out.push({
          issue: issue(
            'xml-event-unterminated',
            'event element is cut short: the next <Event> begins before its </Event>',
            {
              file,
              line,
              offset: win.base,
            },
          ),
        });
        consume(next);
        scanFrom = START.length;
        continue;
      }
      if (e >= 0) {
        if (e + 1 > max) {
          out.push({ issue: tooLarge(file, line, win.base, e + 1, max) });
        } else {
          out.push({ chunk: { bytes: Buffer.from(v.subarray(0, e + 1)), offset: win.base, line } });
        }
        consume(e + 1);
        open = false;
        scanFrom = 0;
        continue;
      }
      if (v.length > max) {
        out.push({ issue: tooLarge(file, line, win.base, v.length, max) });
        open = false;
        consume(v.length - START.length);
        scanFrom = 0;
        continue;
      }
      if (eof) {
        if (v.length) {
          out.push({
            issue: issue('xml-truncated', 'the content ends inside this event element', {
              file,
              line,
              offset: win.base,
            }),
          });
          consume(v.length);
        }
        open = false;
        return;
      }
      scanFrom = Math.max(START.length, v.length - END.length - 64);
      return;
    }
  };

  for await (const chunk of stream) {
    if (opts.signal?.aborted) return;
    win.append(chunk);
    step(false);
    while (out.length) yield out.shift() as XmlSplitItem;
  }
  step(true);
  while (out.length) yield out.shift() as XmlSplitItem;
}

function tooLarge(file: string, line: number, offset: number, size: number, max: number): Issue {
  return issue(
    'xml-event-too-large',
    `event element of ${size}+ bytes exceeds the ${max}-byte limit; skipped`,
    { file, line, offset },
    { size, limit: max },
  );
}
