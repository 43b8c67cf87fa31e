/**
 * @module sources/json
 * The JSON readers of Windows events, one `SourceDescriptor` per shape — flat (`flat-json`),
 * nested evtx-JSON (`evtx-json`), Winlogbeat/ECS (`ecs`) — sharing one streaming scanner
 * (NDJSON, concatenated or pretty-printed objects, arrays). Each recognises its shape from the
 * first objects of the content, never from the file name.
 */
import { issue } from '../../core/issue.js';
import { err, ok } from '../../core/result.js';
import type { Event, Provenance } from '../../model/event.js';
import { headText, utf8View } from '../text.js';
import type { ReaderInput, ReadOptions, SniffInput, SourceDescriptor, SourceItem } from '../types.js';
import { ecsToEvent, isEcsDoc } from './ecs.js';
import { isNestedEvent, nestedToEvent } from './evtx-json.js';
import { flatToEvent, hasFlatEventId } from './flat.js';
import { sampleJson } from './sample.js';
import { scanJson } from './scan.js';
import { isObject } from './values.js';

export { ecsToEvent, isEcsDoc, pathGet } from './ecs.js';
export { isNestedEvent, nestedToEvent } from './evtx-json.js';
export { flatToEvent, hasFlatEventId } from './flat.js';
export { sampleJson } from './sample.js';
export type { JsonScanItem, JsonScanOptions, JsonValueItem } from './scan.js';
export { MAX_VALUE_BYTES, scanJson } from './scan.js';

/** Turns one parsed object into an event, or undefined when the object is not of this shape. */
type Convert = (obj: Record<string, unknown>, source: Provenance) => Event | undefined;

function jsonReader(
  kind: string,
  expected: string,
  convert: Convert,
): (input: ReaderInput, opts?: ReadOptions) => AsyncIterable<SourceItem> {
  return async function* read(input: ReaderInput, opts: ReadOptions = {}): AsyncIterable<SourceItem> {
    const file = input.path;
    const scan = scanJson(utf8View(input.open()), {
      file,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    for await (const item of scan) {
      if ('issue' in item) {
        yield err(item.issue);
        continue;
      }
      const { value, line, offset } = item.value;
      const loc = { file, line, offset };
      if (!isObject(value)) {
        yield err(issue('json-not-object', `expected a JSON object, found ${jsonType(value)}`, loc));
        continue;
      }
      const ev = convert(value, { file, offset, line });
      if (ev) yield ok(ev);
      else {
        yield err(
          issue('json-unexpected-shape', `object is not ${expected} (read as ${kind})`, loc, {
            keys: Object.keys(value).slice(0, 8),
          }),
        );
      }
    }
  };
}

function jsonType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

/** Share of the sampled objects for which `test` holds, 0 when the head holds no JSON object. */
function sniffShare(input: SniffInput, test: (o: unknown) => boolean): { share: number; sample: string } {
  const s = sampleJson(headText(input.head));
  if (!s.objects.length) return { share: 0, sample: s.partial };
  return { share: s.objects.filter(test).length / s.objects.length, sample: s.partial };
}

const FLAT_HINT = /"(?:EventID|EventId)"\s*:/;
const FLAT_HEADER = /"(?:Channel|SourceName|Provider_Name|ProviderName|Hostname|Computer)"\s*:/;
const FLAT_HEADER_KEYS = ['Channel', 'SourceName', 'Provider_Name', 'ProviderName', 'Hostname', 'Computer'];

export const flatJsonSource: SourceDescriptor = {
  kind: 'flat-json',
  description: 'Flat Windows events as JSON / NDJSON (NXLog, Logstash, Sentinel WindowsEvent, Sigma tests)',
  sniff(input) {
    const { share, sample } = sniffShare(
      input,
      (o) => isObject(o) && hasFlatEventId(o) && FLAT_HEADER_KEYS.some((k) => Object.hasOwn(o, k)),
    );
    if (share > 0) return 0.5 + 0.4 * share;
    // One object bigger than the head: judge from its opening keys.
    if (
      sample &&
      FLAT_HINT.test(sample) &&
      FLAT_HEADER.test(sample) &&
      !/"(?:Event|winlog)"\s*:\s*\{/.test(sample)
    )
      return 0.4;
    return 0;
  },
  read: jsonReader('flat-json', 'a flat Windows event (no EventID)', (o, src) =>
    hasFlatEventId(o) ? flatToEvent(o, src) : undefined,
  ),
};

export const evtxJsonSource: SourceDescriptor = {
  kind: 'evtx-json',
  description:
    'Windows events as nested evtx-JSON ({"Event": {"System": ...}}), e.g. evtx_dump -o json/jsonl',
  sniff(input) {
    const { share, sample } = sniffShare(input, isNestedEvent);
    if (share > 0) return 0.55 + 0.4 * share;
    if (sample && /^\s*\[?\s*\{\s*"Event"\s*:\s*\{/.test(sample) && /"System"\s*:\s*\{/.test(sample))
      return 0.5;
    return 0;
  },
  read: jsonReader('evtx-json', 'an evtx-JSON event ({"Event": {"System": ...}})', nestedToEvent),
};

export const ecsSource: SourceDescriptor = {
  kind: 'ecs',
  description: 'Winlogbeat / Elastic Common Schema documents (winlog.*)',
  sniff(input) {
    const { share, sample } = sniffShare(input, isEcsDoc);
    if (share > 0) return 0.55 + 0.4 * share;
    if (sample && /"winlog"\s*:\s*\{/.test(sample) && /"(?:event_id|channel)"\s*:/.test(sample)) return 0.5;
    return 0;
  },
  read: jsonReader('ecs', 'a Winlogbeat/ECS document (winlog.channel / winlog.event_id)', ecsToEvent),
};

/** The JSON descriptors, most specific first. */
export const JSON_SOURCES: readonly SourceDescriptor[] = [evtxJsonSource, ecsSource, flatJsonSource];
