/**
 * Mutation test of the text readers (fixed seed): damaged NDJSON, pretty-printed JSON and XML
 * exports must never make a reader throw or hang, and every item is an event or an issue that
 * names the file. A slow `scripts/` sweep is not needed: the inputs are small and the mutations many.
 */
import { describe, expect, it } from 'vitest';
import { ecsSource, evtxJsonSource, flatJsonSource } from '../../src/sources/json/index.js';
import type { SourceDescriptor } from '../../src/sources/types.js';
import { xmlEventsSource } from '../../src/sources/xml/index.js';
import { memInput } from './inputs.js';

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

const NOISE = Buffer.from('{}[]",:\\\n\r<>/=&;\'"  aZ0\u00e9\u0000');

function mutate(src: Buffer, r: () => number): Buffer {
  const b = Buffer.from(src);
  const kind = Math.floor(r() * 4);
  if (kind === 0) return b.subarray(0, Math.floor(r() * b.length)); // truncate
  const n = 1 + Math.floor(r() * 8);
  const parts: Buffer[] = [b];
  for (let k = 0; k < n; k++) {
    const cur = parts[0] as Buffer;
    const at = Math.floor(r() * cur.length);
    const noise = NOISE.subarray(Math.floor(r() * NOISE.length), Math.floor(r() * NOISE.length) + 1);
    if (kind === 1)
      cur[at] = noise[0] ?? 0; // overwrite
    else if (kind === 2)
      parts[0] = Buffer.concat([cur.subarray(0, at), noise, cur.subarray(at)]); // insert
    else parts[0] = Buffer.concat([cur.subarray(0, at), cur.subarray(at + 1 + Math.floor(r() * 40))]); // delete
  }
  return parts[0] as Buffer;
}

const flat = Array.from({ length: 6 }, (_, i) =>
  JSON.stringify({
    EventID: 4688,
    Channel: 'Security',
    Hostname: 'h',
    RecordNumber: i,
    CommandLine: `a "b" \\ ${i}`,
  }),
).join('\n');
const nested = Array.from({ length: 3 }, (_, i) =>
  JSON.stringify(
    {
      Event: {
        System: { EventID: { '#text': i, '#attributes': { Qualifiers: 1 } }, Channel: 'C' },
        EventData: { Data: { '#text': ['x', i] } },
      },
    },
    null,
    2,
  ),
).join('\n');
const ecs = JSON.stringify(
  Array.from({ length: 6 }, (_, i) => ({
    winlog: { channel: 'Security', event_id: i, event_data: { A: 'b' } },
  })),
);
const xml = Array.from(
  { length: 3 },
  (_, i) =>
    `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID Qualifiers='0'>${i}</EventID><TimeCreated SystemTime='2019-03-19T23:34:25.1234567Z'/></System><EventData><Data Name='A'>&amp;${i}</Data><Data>u</Data></EventData><UserData><X><Y>1</Y></X></UserData></Event>`,
).join('\r\n');

const CASES: Array<[string, SourceDescriptor, string]> = [
  ['flat NDJSON', flatJsonSource, flat],
  ['pretty evtx-JSON', evtxJsonSource, nested],
  ['ECS array', ecsSource, ecs],
  ['wevtutil XML', xmlEventsSource, `<Events>${xml}</Events>`],
];

describe('text readers under mutation (seed 20261129)', () => {
  it.each(CASES)('%s: 300 mutants, no throw, every issue located', async (_name, source, text) => {
    const r = rng(20261129);
    const base = Buffer.from(text);
    let events = 0;
    let issues = 0;
    for (let m = 0; m < 300; m++) {
      const bytes = mutate(base, r);
      const chunk = 1 + Math.floor(r() * 97);
      expect(() => source.sniff({ head: bytes, path: 'm' })).not.toThrow();
      for await (const item of source.read(memInput(bytes, chunk, 'mutant'))) {
        if (item.ok) {
          events++;
          expect(typeof item.value.eventId).toBe('number');
          expect(item.value.source.file).toBe('mutant');
        } else {
          issues++;
          for (const i of item.issues) expect(i.location?.file).toBe('mutant');
        }
      }
    }
    // The mutants are mostly readable and mostly damaged somewhere: both counts are non-trivial.
    expect(events).toBeGreaterThan(75);
    expect(issues).toBeGreaterThan(50);
  });
});
