/**
 * @module sources/json/scan
 * Splitting a byte stream of JSON text into top-level objects without loading the file: NDJSON
 * (one object per line), concatenated pretty-printed objects, and top-level arrays of objects
 * (each element is one item), in one pass that tracks strings and nesting.
 *
 * Damage stays local. Once the first object is seen to fill exactly one line, the content is
 * taken as NDJSON and every line stands alone. Otherwise, a value that cannot continue where it stands (a `{` after a complete member,
 * a raw newline inside a string, a new line-leading `{` while a line-leading object is still open)
 * ends the broken value with an issue and scanning restarts there; a broken NDJSON line therefore
 * costs that line only. Stray text between values is reported once per line, except the
 * `Record N` headings `evtx_dump -o json` prints, which are skipped. A value longer than
 * `maxValueBytes` is skipped with an issue (its bytes are not kept).
 */
import type { Issue } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import { utf8BomLength } from '../text.js';

/** Default cap on one JSON value (one line of NDJSON): 16 MiB. */
export const MAX_VALUE_BYTES = 16 * 1024 * 1024;

export interface JsonValueItem {
  readonly value: unknown;
  /** 1-based line of the value's first byte. */
  readonly line: number;
  /** Byte offset of the value's first byte. */
  readonly offset: number;
}

export type JsonScanItem = { value: JsonValueItem } | { issue: Issue };

export interface JsonScanOptions {
  file: string;
  maxValueBytes?: number;
  signal?: AbortSignal;
}

const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACK = 0x5b;
const RBRACK = 0x5d;
const QUOTE = 0x22;
const BSLASH = 0x5c;
const NL = 0x0a;
const COLON = 0x3a;
const COMMA = 0x2c;

/**
 * A line that is blank (`value` undefined) or exactly one JSON object, or null when it needs the
 * byte-by-byte scanner (anything else, including every kind of damage).
 */
function parseLine(buf: Buffer, from: number, to: number): { value?: unknown; lead: number } | null {
  let a = from;
  while (a < to && isSpace(buf[a] as number)) a++;
  if (a === to) return { lead: 0 };
  if (buf[a] !== LBRACE) return null;
  let b = to;
  while (b > a && isSpace(buf[b - 1] as number)) b--;
  if (buf[b - 1] !== RBRACE) return null;
  try {
    const value: unknown = JSON.parse(buf.toString('utf8', a, b));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? { value, lead: a - from }
      : null;
  } catch {
    return null;
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

const RECORD_HEADING = /^Record \d+\s*$/;

/** Scan `stream` (UTF-8 bytes) into top-level JSON objects and issues, in stream order. */
export async function* scanJson(
  stream: AsyncIterable<Uint8Array>,
  opts: JsonScanOptions,
): AsyncIterable<JsonScanItem> {
  const file = opts.file;
  const maxBytes = opts.maxValueBytes ?? MAX_VALUE_BYTES;
  const out: JsonScanItem[] = [];

  let pos = 0; // absolute offset of the current byte
  let line = 1;
  let col0 = true; // current byte is the first of its line
  let first = true;

  // State of the value being collected.
  let inValue = false;
  let depth = 0; // nesting inside the top-level value (1 = inside the top object)
  let inString = false;
  let escaped = false;
  let prevSig = 0; // last significant byte outside strings within the value
  let valStart = 0;
  let valLine = 0;
  let valCol0 = false;
  let pieces: Uint8Array[] = [];
  let pieceFrom = 0; // index in the current chunk where the value's bytes start
  let size = 0;
  let oversize = false;
  // NDJSON once the first complete object started a line and ended on it: from then on a line
  // end inside an object means the line was cut short, and the next line is read on its own.
  let ndjson: boolean | null = null;

  // Outside values.
  let arrayDepth = 0; // 1 when inside a top-level array
  let skipping = false; // skipping the remainder of a broken value until a line-leading `{`
  let stray: number[] | null = null; // bytes of a stray-text line (capped), with its line number
  let strayLine = 0;
  let strayOffset = 0;

  const finishStray = (): void => {
    if (!stray) return;
    const text = Buffer.from(stray).toString('utf8');
    if (!RECORD_HEADING.test(text)) {
      out.push({
        issue: issue(
          'json-unexpected-text',
          `text outside any JSON object: ${JSON.stringify(text.slice(0, 80))}`,
          { file, line: strayLine, offset: strayOffset },
        ),
      });
    }
    stray = null;
  };

  const startValue = (chunkIndex: number, atLineStart: boolean): void => {
    inValue = true;
    depth = 1;
    inString = false;
    escaped = false;
    prevSig = LBRACE;
    valStart = pos;
    valLine = line;
    valCol0 = atLineStart;
    pieces = [];
    pieceFrom = chunkIndex;
    size = 0;
    oversize = false;
  };

  const brokenValue = (code: string, why: string): void => {
    out.push({
      issue: issue(code, `JSON object starting here is broken: ${why}`, {
        file,
        line: valLine,
        offset: valStart,
      }),
    });
    inValue = false;
    pieces = [];
  };

  const endValue = (chunk: Uint8Array, endIndex: number): void => {
    inValue = false;
    ndjson ??= valCol0 && valLine === line && arrayDepth === 0;
    if (oversize) {
      out.push({
        issue: issue(
          'json-value-too-large',
          `JSON object of ${size} bytes exceeds the ${maxBytes}-byte limit; skipped`,
          { file, line: valLine, offset: valStart },
          { size, limit: maxBytes },
        ),
      });
      pieces = [];
      return;
    }
    pieces.push(chunk.subarray(pieceFrom, endIndex));
    const text = Buffer.concat(pieces).toString('utf8');
    pieces = [];
    try {
      out.push({ value: { value: JSON.parse(text) as unknown, line: valLine, offset: valStart } });
    } catch (e) {
      out.push({
        issue: issue('json-syntax', `invalid JSON: ${e instanceof Error ? e.message : String(e)}`, {
          file,
          line: valLine,
          offset: valStart,
        }),
      });
    }
  };

  for await (const chunk of stream) {
    if (opts.signal?.aborted) return;
    let i = 0;
    if (first) {
      first = false;
      i = utf8BomLength(chunk);
      pos += i;
    }
    if (inValue) pieceFrom = 0;
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    for (; i < chunk.length; i++, pos++) {
      // NDJSON fast path: a whole line in this chunk that parses as one object.
      if (col0 && ndjson && !inValue && !stray && !skipping && arrayDepth === 0) {
        const nl = buf.indexOf(NL, i);
        if (nl >= 0 && nl - i <= maxBytes) {
          const got = parseLine(buf, i, nl);
          if (got !== null) {
            if (got.value !== undefined) {
              out.push({ value: { value: got.value, line, offset: pos + got.lead } });
            }
            pos += nl - i;
            i = nl;
            line++;
            continue; // the loop steps over the newline; col0 stays true
          }
        }
      }
      const c = chunk[i] as number;
      const atCol0 = col0;
      col0 = c === NL;
      if (c === NL) line++;

      if (inValue) {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === BSLASH) escaped = true;
          else if (c === QUOTE) {
            inString = false;
            prevSig = QUOTE;
          } else if (c === NL) {
            brokenValue('json-syntax', 'line ends inside a string');
            skipping = true;
            continue;
          }
        } else if (c === QUOTE) {
          inString = true;
        } else if (c === LBRACE || c === LBRACK) {
          const legal = prevSig === COLON || prevSig === COMMA || prevSig === LBRACK;
          if (c === LBRACE && (!legal || (atCol0 && valCol0 && arrayDepth === 0 && prevSig === COMMA))) {
            // Cannot continue the open value: it was cut short. Restart at this brace.
            brokenValue('json-truncated', 'it ends before its closing brace');
            startValue(i, atCol0);
            continue;
          }
          depth++;
          prevSig = c;
        } else if (c === RBRACE || c === RBRACK) {
          depth--;
          prevSig = c;
          if (depth === 0) {
            size += i + 1 - pieceFrom;
            if (size > maxBytes) oversize = true;
            endValue(chunk, i + 1);
            continue;
          }
        } else if (c === NL && ndjson) {
          brokenValue('json-truncated', 'the line ends before its closing brace');
        } else if (!isSpace(c)) {
          prevSig = c;
        }
        continue;
      }

      // Outside any value.
      if (stray) {
        if (c === NL) finishStray();
        else if (c !== 0x0d && stray.length < 200) stray.push(c);
        continue;
      }
      if (c === LBRACE && (!skipping || atCol0 || arrayDepth > 0)) {
        skipping = false;
        startValue(i, atCol0);
        continue;
      }
      if (skipping) {
        if (atCol0 && c === LBRACK) {
          skipping = false;
          arrayDepth = 1;
        }
        continue;
      }
      if (isSpace(c) || (arrayDepth > 0 && c === COMMA)) continue;
      if (c === LBRACK && arrayDepth === 0) {
        arrayDepth = 1;
        continue;
      }
      if (c === RBRACK && arrayDepth > 0) {
        arrayDepth = 0;
        continue;
      }
      stray = [c];
      strayLine = line;
      strayOffset = pos;
    }
    if (inValue && !oversize) {
      const part = chunk.subarray(pieceFrom);
      size += part.length;
      if (size > maxBytes) {
        oversize = true;
        pieces = [];
      } else {
        // Copy: the producer may reuse its buffer.
        pieces.push(Uint8Array.from(part));
      }
    } else if (inValue) {
      size += chunk.length - pieceFrom;
    }
    pieceFrom = 0;
    while (out.length) yield out.shift() as JsonScanItem;
  }
  finishStray();
  if (inValue) {
    if (oversize) {
      out.push({
        issue: issue(
          'json-value-too-large',
          `JSON object of at least ${size} bytes exceeds the ${maxBytes}-byte limit; skipped`,
          { file, line: valLine, offset: valStart },
          { size, limit: maxBytes },
        ),
      });
    } else {
      brokenValue('json-truncated', 'the content ends before its closing brace');
    }
  }
  while (out.length) yield out.shift() as JsonScanItem;
}
