// Acceptance 3: field values equal evtxexport's on the reference/xml/*.evtxexport.xml files,
// after the normalisation documented rule by rule in docs/evtx-normalisation.md:
//   N1 timestamps: evtxexport prints 9 fractional digits (the last two always 00), Windows 7;
//   N2 hex integers: evtxexport zero-pads HexInt32/HexInt64 (0x%08x, 0x%016x), Windows does not;
//   N3 records are matched by EventRecordID (evtxexport drops records it cannot read);
//   N4 field values are compared unescaped (&amp; &lt; &gt; in element text).
// Both the whole rendered XML of each event and the event-model fields are compared.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Event } from '../../src/model/event.js';
import { parseEvtxBytes, recordToEvent, renderRecordXml } from '../../src/sources/evtx/index.js';
import { corpusAvailable, corpusPath } from '../utils/corpus.js';
import { readTsv } from './evtx-helpers.js';

/** N1 + N2, applied to both sides. */
function normaliseEvtxexport(s: string): string {
  return s.replace(/(\d{2}:\d{2}:\d{2}\.\d{7})\d\dZ/g, '$1Z').replace(/0x0+([0-9a-fA-F])/g, '0x$1');
}

function unescapeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const idOf = (x: string): string => /<EventRecordID>(\d+)</.exec(x)?.[1] ?? '';

/** The `<Data Name=X>` values and System header of one evtxexport event. */
function refFields(xml: string): { data: Record<string, string>; sys: Record<string, string> } {
  const data: Record<string, string> = {};
  for (const m of xml.matchAll(/<Data Name="([^"]*)"(?:\/>|>([\s\S]*?)<\/Data>)/g)) {
    data[m[1] ?? ''] = unescapeXml(m[2] ?? '');
  }
  const one = (re: RegExp) => re.exec(xml)?.[1] ?? '';
  const sys = {
    provider: one(/<Provider Name="([^"]*)"/),
    eventId: one(/<EventID[^>]*>(\d+)</),
    channel: one(/<Channel>([^<]*)</),
    computer: one(/<Computer>([^<]*)</),
    timestamp: one(/<TimeCreated SystemTime="([^"]*)"/),
    recordId: one(/<EventRecordID>(\d+)</),
    userSid: one(/<Security UserID="([^"]*)"/),
  };
  return { data, sys };
}

function scalar(v: Event['fields'][string] | undefined): string | undefined {
  return Array.isArray(v) ? v.join('\n') : v === undefined || v === null ? undefined : String(v);
}

const listed = corpusAvailable ? readTsv(corpusPath('reference', 'xml', 'MANIFEST.tsv')) : [];
// One manifest row (windows_powershell_400_600_800) names an EVTX file the corpus does not ship.
const manifest = listed.filter((r) => existsSync(corpusPath('evtx', r.source ?? '')));

describe.skipIf(!corpusAvailable)(
  'EVTX values equal evtxexport (reference/xml) — skipped: corpus not found when absent',
  () => {
    it('has at least nine of the ten reference files', () => {
      expect(listed).toHaveLength(10);
      expect(manifest.length).toBeGreaterThanOrEqual(9);
    });
    it.each(manifest.map((r) => [r.name ?? '', r] as const))('%s', (name, row) => {
      const src = corpusPath('evtx', row.source ?? '');
      const refXml = readFileSync(corpusPath('reference', 'xml', `${name}.evtxexport.xml`), 'utf8');
      const ref = refXml
        .split(/\n(?=<Event[ >])/)
        .slice(1)
        .map((e) => normaliseEvtxexport(e.trim()));
      expect(ref.length).toBe(Number(row.evtxexport_events));
      const res = parseEvtxBytes(readFileSync(src), { file: src });
      const ours = new Map<string, { xml: string; ev: Event }>();
      for (const it of res.items) {
        if (!it.ok) continue;
        const xml = normaliseEvtxexport(renderRecordXml(it.value));
        ours.set(idOf(xml), { xml, ev: recordToEvent(it.value, src) });
      }
      let compared = 0;
      for (const r of ref) {
        const o = ours.get(idOf(r));
        expect(o, `record ${idOf(r)} missing`).toBeDefined();
        if (!o) continue;
        expect(o.xml).toBe(r);
        const { data, sys } = refFields(r);
        for (const [k, v] of Object.entries(data))
          expect(normaliseEvtxexport(scalar(o.ev.fields[k]) ?? ''), k).toBe(v);
        expect(o.ev.provider).toBe(sys.provider);
        expect(String(o.ev.eventId)).toBe(sys.eventId);
        expect(o.ev.channel).toBe(sys.channel);
        expect(o.ev.computer).toBe(sys.computer);
        expect(o.ev.timestamp).toBe(sys.timestamp);
        expect(String(o.ev.recordId)).toBe(sys.recordId);
        expect(o.ev.userSid ?? '').toBe(sys.userSid);
        compared++;
      }
      expect(compared).toBe(ref.length);
    });
  },
);
