/**
 * @module sources/registry
 * The explicit list of evidence readers and the one way to read a file: open it (gzip undone
 * transparently), sniff the decompressed head against every descriptor, read with the most
 * confident one. Content decides, never the file name. Nothing here throws on bad evidence: an
 * unreadable or unrecognised file is one issue in the stream.
 */
import type { Issue } from '../core/issue.js';
import { issue } from '../core/issue.js';
import { err } from '../core/result.js';
import { evtxSource } from './evtx/index.js';
import { ecsSource, evtxJsonSource, flatJsonSource } from './json/index.js';
import type { EvidenceInput } from './open.js';
import { openEvidence, readHead } from './open.js';
import { describeBytes } from './text.js';
import type { ReaderInput, ReadOptions, SniffInput, SourceDescriptor, SourceItem } from './types.js';
import { xmlEventsSource } from './xml/index.js';

/** Every reader Fathom has, EVTX first. Ties in confidence go to the earlier entry. */
export const SOURCES: readonly SourceDescriptor[] = [
  evtxSource,
  evtxJsonSource,
  ecsSource,
  flatJsonSource,
  xmlEventsSource,
];

/** Bytes of the head given to `sniff`. */
export const SNIFF_BYTES = 65536;

export interface Detection {
  descriptor: SourceDescriptor;
  confidence: number;
}

/** The most confident descriptor for a head, or null when none claims it. */
export function detectFromHead(
  input: SniffInput,
  sources: readonly SourceDescriptor[] = SOURCES,
): Detection | null {
  let best: Detection | null = null;
  for (const d of sources) {
    let c = 0;
    try {
      c = d.sniff(input);
    } catch {
      c = 0; // a sniffer that fails on odd input simply does not claim it
    }
    if (!(c > 0)) continue;
    if (!best || c > best.confidence) best = { descriptor: d, confidence: Math.min(c, 1) };
    // Full confidence (a magic number) cannot be beaten: skip the text sniffers' decoding.
    if (c >= 1) break;
  }
  return best;
}

/** Sniff an opened input's decompressed head. */
export async function detectSource(
  input: ReaderInput,
  sources: readonly SourceDescriptor[] = SOURCES,
): Promise<Detection | null> {
  const head = await readHead(input, SNIFF_BYTES);
  return detectFromHead({ head, path: input.path }, sources);
}

export interface ReadEvidenceOptions extends ReadOptions {
  /** Readers to choose from (default `SOURCES`). */
  sources?: readonly SourceDescriptor[];
  /** Called once with the chosen reader (or null), before the first item. */
  onDetect?: (d: Detection | null) => void;
  /**
   * The file was found by walking a directory. Content no reader recognises is then a warning
   * (evidence folders hold many files that are not event logs: registry hives, prefetch, $MFT),
   * while a file named on the command line that cannot be read stays an error, and so does a file
   * named as an event log (`.evtx`, `.evt`): one whose header is destroyed is what a responder
   * needs to hear about.
   */
  inDirectory?: boolean;
}

/**
 * Read one evidence file whatever its format: events and issues, in file order, ending with the
 * issues of the byte layer (truncated gzip, read errors).
 *
 * @example
 * for await (const item of readEvidenceFile('Security.json.gz')) {
 *   if (item.ok) use(item.value); else report(item.issues);
 * }
 */
export async function* readEvidenceFile(
  path: string,
  opts: ReadEvidenceOptions = {},
): AsyncIterable<SourceItem> {
  for await (const batch of readEvidenceBatches(path, opts)) yield* batch;
}

/** Events of other readers are handed on in batches of this many items. */
const BATCH = 256;

/** Names that say "event log": such a file no reader recognises is an error even in a directory. */
const EVENT_LOG_NAME = /\.(evtx|evt)(\.gz)?$/i;

/** Group a reader's items into batches; a reader that fails still hands on what it read. */
async function* batched(items: AsyncIterable<SourceItem>): AsyncIterable<SourceItem[]> {
  let out: SourceItem[] = [];
  try {
    for await (const item of items) {
      out.push(item);
      if (out.length >= BATCH) {
        yield out;
        out = [];
      }
    }
  } catch (e) {
    if (out.length) yield out;
    throw e;
  }
  if (out.length) yield out;
}

/**
 * `readEvidenceFile` in batches of items (an EVTX chunk's worth, or a few hundred events), in
 * the same order: consumers that handle many events loop over each batch synchronously.
 */
export async function* readEvidenceBatches(
  path: string,
  opts: ReadEvidenceOptions = {},
): AsyncIterable<SourceItem[]> {
  let input: EvidenceInput;
  try {
    input = await openEvidence(path);
  } catch (e) {
    yield [err(openIssue(path, e))];
    return;
  }
  const head = await readHead(input, SNIFF_BYTES);
  const found = detectFromHead({ head, path }, opts.sources ?? SOURCES);
  opts.onDetect?.(found);
  if (!found) {
    const issues = input.drainIssues();
    if (head.length === 0 && issues.length === 0) {
      yield [
        err(issue('empty-file', 'the file has no content', { file: path, offset: 0 }, undefined, 'warning')),
      ];
    } else if (head.length > 0) {
      const skip = opts.inDirectory === true && !EVENT_LOG_NAME.test(path);
      yield [
        err(
          issue(
            'unrecognised-format',
            `${skip ? 'skipped: ' : ''}no reader recognises this content${input.compressed ? ' (after gzip decompression)' : ''}; first bytes: ${describeBytes(head)}`,
            { file: path, offset: 0 },
            { compressed: input.compressed },
            skip ? 'warning' : 'error',
          ),
        ),
      ];
    }
    if (issues.length) yield issues.map((i) => err(i));
    return;
  }
  try {
    const d = found.descriptor;
    yield* d.readBatches ? d.readBatches(input, opts) : batched(d.read(input, opts));
  } catch (e) {
    // Readers must not throw; if one does, the file still ends with an issue, not a crash.
    yield [
      err(
        issue(
          'reader-failed',
          `the ${found.descriptor.kind} reader stopped: ${e instanceof Error ? e.message : String(e)}`,
          {
            file: path,
          },
        ),
      ),
    ];
  }
  const tail = input.drainIssues();
  if (tail.length) yield tail.map((i) => err(i));
}

function openIssue(path: string, e: unknown): Issue {
  const code =
    typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  const why =
    code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : '';
  return issue(
    'unreadable',
    `cannot open: ${why || (e instanceof Error ? e.message : String(e))}`,
    { file: path },
    code ? { cause: code } : undefined,
  );
}
