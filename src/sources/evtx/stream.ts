/**
 * @module sources/evtx/stream
 * Streaming reader: consumes `input.open()` sequentially (it may be a gzip stream with no
 * random access), cuts it into the 4 KiB header block and 64 KiB chunks, and yields each
 * chunk's events before reading on. Memory stays at about one chunk whatever the file size.
 */
import { issue } from '../../core/issue.js';
import { err, ok } from '../../core/result.js';
import type { EventWithXml, ReaderInput, ReadOptions, SourceItem } from '../types.js';
import { CHUNK_SIZE } from './chunk.js';
import { BadChunkCounter, fileTruncation, layoutOf, parseBlock, readHeaderBlock } from './file.js';
import { type EvtxFileHeaderInfo, FILE_HEADER_BLOCK } from './file-header.js';
import type { EvtxRecord } from './record.js';
import { renderNodesXml } from './render-xml.js';
import { recordToEvent } from './to-event.js';

/**
 * Yields fixed-size blocks: the first of `first` bytes, then `rest` bytes; the last may be short.
 * Blocks that lie whole inside one piece of the input are views of it (no copy); only blocks that
 * straddle pieces are assembled.
 */
async function* blocks(
  src: AsyncIterable<Uint8Array>,
  first: number,
  rest: number,
): AsyncGenerator<Uint8Array> {
  let want = first;
  let buf: Uint8Array | null = null;
  let fill = 0;
  for await (const piece of src) {
    let p = 0;
    while (p < piece.length) {
      if (fill === 0 && piece.length - p >= want) {
        yield piece.subarray(p, p + want);
        p += want;
        want = rest;
        continue;
      }
      buf ??= new Uint8Array(want);
      const n = Math.min(want - fill, piece.length - p);
      buf.set(piece.subarray(p, p + n), fill);
      fill += n;
      p += n;
      if (fill === want) {
        yield buf;
        want = rest;
        buf = null;
        fill = 0;
      }
    }
  }
  if (buf && fill > 0) yield buf.subarray(0, fill);
}

/**
 * The event of a parsed record as readers hand it on; with `xml`, carrying the XML Windows
 * renders, from the record itself (every EVTX path uses this, so output never depends on which
 * path read the record).
 */
export function recordItem(rec: EvtxRecord, file: string, xml: boolean): SourceItem {
  const ev: EventWithXml = recordToEvent(rec, file);
  if (xml) ev.xml = renderNodesXml(rec.nodes);
  return ok(ev);
}

/** Read an EVTX stream as events; bad chunks and records are yielded as issues. */
export async function* readEvtx(input: ReaderInput, opts: ReadOptions = {}): AsyncIterable<SourceItem> {
  for await (const batch of readEvtxBatches(input, opts)) yield* batch;
}

/**
 * `readEvtx` a chunk at a time: each batch holds one 64 KiB chunk's events and issues (or the
 * header block's issues), in file order. Consumers that handle many events prefer batches: one
 * asynchronous step per chunk instead of one per event.
 */
export async function* readEvtxBatches(
  input: ReaderInput,
  opts: ReadOptions = {},
): AsyncIterable<SourceItem[]> {
  const file = input.path;
  const recover = opts.recover ?? false;
  // Peek at the first bytes to learn the layout, then replay them in front of the rest.
  const it = input.open()[Symbol.asyncIterator]();
  const pending: Uint8Array[] = [];
  let have = 0;
  while (have < 8) {
    const n = await it.next();
    if (n.done) break;
    pending.push(n.value);
    have += n.value.length;
  }
  const head = new Uint8Array(have);
  let at = 0;
  for (const p of pending) {
    head.set(p, at);
    at += p.length;
  }
  const layout = layoutOf(head);
  async function* all(): AsyncGenerator<Uint8Array> {
    yield head;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  }
  let flags: string[] = [];
  let header: EvtxFileHeaderInfo | null = null;
  let offset = 0;
  let idx = 0;
  let headerPending = layout !== 'chunk';
  const bad = new BadChunkCounter(file);
  for await (const block of blocks(all(), headerPending ? FILE_HEADER_BLOCK : CHUNK_SIZE, CHUNK_SIZE)) {
    if (opts.signal?.aborted) return;
    const out: SourceItem[] = [];
    if (headerPending) {
      headerPending = false;
      if (layout === 'file') {
        const h = readHeaderBlock(block, file);
        flags = h.flags;
        header = h.header;
        for (const i of h.issues) out.push(err(i));
      } else {
        out.push(
          err(
            issue('evtx.bad-magic', 'not an EVTX file (no ElfFile or ElfChnk signature)', {
              file,
              offset: 0,
            }),
          ),
        );
      }
      offset = block.length;
      if (out.length) yield out;
      continue;
    }
    const res = parseBlock(block, file, idx, offset, flags, recover);
    for (const i of res.issues) if (bad.admit(i)) out.push(err(i));
    for (const r of res.items) out.push(r.ok ? recordItem(r.value, file, opts.xml === true) : r);
    offset += block.length;
    idx++;
    if (out.length) yield out;
  }
  const tail: SourceItem[] = [];
  const more = bad.summary();
  if (more) tail.push(err(more));
  const cut = header ? fileTruncation(header, offset, file) : null;
  if (cut) tail.push(err(cut));
  if (tail.length) yield tail;
}
