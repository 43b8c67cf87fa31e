/**
 * Corpus test for the XML reader on real exports: `reference/xml` holds ten EVTX files dumped by
 * python-evtx (`<?xml?>` + `<Events>` wrapper, one line per element) and by libevtx's evtxexport
 * (a banner line, then indented events with no root). Counts must equal the manifest, record ids
 * the ones a regular expression finds in the text, and both dumps of one log must agree on the
 * header and the EventData names of every record they share.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Event } from '../../src/model/event.js';
import { readEvidenceFile } from '../../src/sources/registry.js';
import { corpusAvailable, corpusPath } from '../utils/corpus.js';
import { collect } from './inputs.js';

interface Row {
  name: string;
  pyevtx: number;
  evtxexport: number;
}

const rows: Row[] = corpusAvailable
  ? readFileSync(corpusPath('reference', 'xml', 'MANIFEST.tsv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'))
      .map((c) => ({ name: c[0] ?? '', pyevtx: Number(c[4]), evtxexport: Number(c[5]) }))
  : [];

async function readDump(name: string, tool: 'pyevtx' | 'evtxexport') {
  const path = corpusPath('reference', 'xml', `${name}.${tool}.xml`);
  const text = readFileSync(path, 'utf8');
  // python-evtx renders a broken record with an empty header (`<EventRecordID></EventRecordID>`).
  const ids = [...text.matchAll(/<EventRecordID>(\d*)<\/EventRecordID>/g)].map((m) =>
    m[1] ? Number(m[1]) : null,
  );
  const kinds = new Set<string>();
  const r = await collect(
    readEvidenceFile(path, { onDetect: (d) => kinds.add(d?.descriptor.kind ?? 'none') }),
  );
  return { ...r, ids, kinds };
}

describe.skipIf(!corpusAvailable)('corpus: reference/xml exports (skipped: corpus not found)', () => {
  it('has the manifest', () => {
    expect(rows.length).toBe(10);
  });

  it.each(rows.map((r) => [r.name, r]))('%s', async (_name, row) => {
    const py = await readDump(row.name, 'pyevtx');
    const ex = await readDump(row.name, 'evtxexport');
    for (const [dump, count] of [
      [py, row.pyevtx],
      [ex, row.evtxexport],
    ] as const) {
      expect([...dump.kinds]).toEqual(['evtx-xml']);
      expect(dump.issues).toEqual([]);
      expect(dump.events.length).toBe(count);
      expect(dump.events.map((e) => e.recordId)).toEqual(dump.ids);
      for (const e of dump.events) {
        if (e.recordId !== null)
          expect(e.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?Z$/);
      }
    }
    // Both tools dumped the same log: records they share agree on header and field names.
    const byId = new Map<number | null, Event>(ex.events.map((e) => [e.recordId, e]));
    let shared = 0;
    for (const p of py.events) {
      const x = p.recordId === null ? undefined : byId.get(p.recordId);
      if (!x) continue;
      shared++;
      expect([x.eventId, x.channel, x.provider, x.computer, x.level]).toEqual([
        p.eventId,
        p.channel,
        p.provider,
        p.computer,
        p.level,
      ]);
      expect(Object.keys(x.fields).sort()).toEqual(Object.keys(p.fields).sort());
      expect(x.timestamp.slice(0, 19)).toBe(p.timestamp.slice(0, 19));
    }
    expect(shared).toBe(ex.ids.filter((id) => py.ids.includes(id)).length);
  });
});
