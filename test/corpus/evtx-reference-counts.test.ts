// Acceptance 1: every file the two reference parsers agree on (reference/evtx_counts.tsv,
// agree=yes) yields exactly their record count and EventRecordID set. The TSV carries counts,
// not the ids themselves, so the set is pinned by: the count, the number of distinct ids
// (minus python-evtx's duplicates), and the number of records whose header number differs
// from the inner EventRecordID (`hdr_recnum_ne_xml_EventRecordID`). scripts/verify-evtx-corpus.mjs
// --with-evtxexport compares the full id sets against evtxexport.
import { describe, expect, it } from 'vitest';
import { corpusAvailable, corpusPath } from '../utils/corpus.js';
import { readTsv, summarise } from './evtx-helpers.js';

const rows = corpusAvailable
  ? readTsv(corpusPath('reference', 'evtx_counts.tsv')).filter((r) => r.agree === 'yes')
  : [];

describe.skipIf(!corpusAvailable)(
  'EVTX reference counts (agree=yes) — skipped: corpus not found when absent',
  () => {
    it('has the reference rows', () => {
      expect(rows.length).toBeGreaterThan(400);
    });
    it.each(rows.map((r) => [r.file ?? '', r] as const))('%s', (file, row) => {
      const s = summarise(corpusPath(file));
      const want = Number(row.evtxexport_records);
      expect(s.ok).toBe(want);
      const distinct = new Set(s.ids).size;
      expect(distinct).toBe(want - Number(row.pyevtx_dup_ids || 0));
      expect(s.ids.includes(null)).toBe(false);
      if (row.hdr_recnum_ne_xml_EventRecordID !== '' && row.hdr_recnum_ne_xml_EventRecordID !== '-1') {
        expect(s.hdrNeXml).toBe(Number(row.hdr_recnum_ne_xml_EventRecordID));
      }
      // Only the zero-size-record sample has a broken record (the reference parsers skip it too).
      if (file.endsWith('sample-with-zero-data-size-event.evtx')) {
        expect(s.recordErrors).toBe(1);
        expect(s.errorCodes).toEqual(['evtx.record-bad-size']);
      } else {
        expect(s.recordErrors).toBe(0);
      }
    });
  },
);
