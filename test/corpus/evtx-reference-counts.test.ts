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
      // The zero-size-record sample: the reference parsers stop its first chunk at the broken
      // record; Fathom resynchronises and also returns the live records after it (ids 4..117,
      // inside the chunk's used area and its header's range), which are exactly the ones
      // `evtxexport -m recovered` carves.
      const zeroSize = file.endsWith('sample-with-zero-data-size-event.evtx');
      const want =
        Number(row.evtxexport_records) + (zeroSize ? Number(row.evtxexport_recovered_exported) : 0);
      expect(s.ok).toBe(want);
      const distinct = new Set(s.ids).size;
      expect(distinct).toBe(want - Number(row.pyevtx_dup_ids || 0));
      expect(s.ids.includes(null)).toBe(false);
      if (row.hdr_recnum_ne_xml_EventRecordID !== '' && row.hdr_recnum_ne_xml_EventRecordID !== '-1') {
        expect(s.hdrNeXml).toBe(Number(row.hdr_recnum_ne_xml_EventRecordID));
      }
      // Every record the chunk headers promise comes back on these files.
      expect(s.missing).toBe(0);
      // Only the zero-size-record sample has a broken record (the reference parsers skip it too).
      if (zeroSize) {
        expect(s.recordErrors).toBe(1);
        expect(s.errorCodes).toEqual(['evtx.record-bad-size']);
      } else {
        expect(s.recordErrors).toBe(0);
      }
    });
  },
);
