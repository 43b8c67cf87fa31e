/**
 * @module sources/types
 * What every evidence reader declares and returns. Readers never throw on bad input: each
 * item is an event or the issues that stopped one record/line (style rule 1).
 */
import type { Issue } from '../core/issue.js';
import type { Result } from '../core/result.js';
import type { Event } from '../model/event.js';

export interface ReadOptions {
  /** EVTX: also recover records from chunk slack space. */
  recover?: boolean;
  /** Abort long reads (Ctrl-C). */
  signal?: AbortSignal;
  /** Readers that hold the event's native XML (EVTX) attach it as `EventWithXml.xml`. */
  xml?: boolean;
}

/** An event with its native XML rendering attached (only when `ReadOptions.xml` was asked). */
export interface EventWithXml extends Event {
  xml?: string;
}

/** One item of a reader's stream: an event, or the issues of a record that could not be read. */
export type SourceItem = Result<Event, Issue>;

export interface SniffInput {
  /** The first bytes of the (already decompressed) content, up to 64 KiB. */
  head: Uint8Array;
  /** The path, for messages and as a weak hint only: content decides. */
  path: string;
}

export interface SourceDescriptor {
  /** Stable id, e.g. `evtx`, `evtx-json`, `evtx-xml`. */
  readonly kind: string;
  readonly description: string;
  /** Confidence in [0, 1] that this reader understands the content. 0 = no. */
  sniff(input: SniffInput): number;
  /**
   * Read the events. `open()` yields the decompressed byte stream from the start (gzip is
   * undone by the registry, so readers see plain content); `path` names the evidence in
   * provenance and messages.
   */
  read(input: ReaderInput, opts?: ReadOptions): AsyncIterable<SourceItem>;
  /** The same items in batches (e.g. an EVTX chunk's), for readers that produce them so. */
  readBatches?(input: ReaderInput, opts?: ReadOptions): AsyncIterable<SourceItem[]>;
}

export interface ReaderInput {
  path: string;
  /** A fresh stream of the (decompressed) content each call. */
  open(): AsyncIterable<Uint8Array>;
  /** True when `open()` yields a decompressed view of a compressed file (no random access). */
  compressed: boolean;
}
