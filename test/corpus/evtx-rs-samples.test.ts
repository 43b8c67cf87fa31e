// Acceptance 2: every evtx-rs sample yields at least its expected ok-record count, and the
// documented error counts where the TSV gives them.
import { describe, expect, it } from 'vitest';
import { corpusAvailable, corpusPath } from '../utils/corpus.js';
import { readTsv, summarise } from './evtx-helpers.js';

const dir = corpusPath('evtx', 'evtx-rs-samples');
const rows = corpusAvailable ? readTsv(`${dir}/expected_counts.tsv`) : [];

describe.skipIf(!corpusAvailable)('evtx-rs samples — skipped: corpus not found when absent', () => {
  it.each(rows.map((r) => [r.file ?? '', r] as const))('%s', (file, row) => {
    const s = summarise(`${dir}/${file}`);
    const okWant = Number(row.ok_records);
    const errWant = row.error_records;
    if (errWant === '-') {
      // "total records iterated incl. errors; an error must read as an invalid record data size"
      expect(s.ok + s.recordErrors).toBe(okWant);
      expect(s.errorCodes).toEqual(['evtx.record-bad-size']);
      return;
    }
    expect(s.ok).toBeGreaterThanOrEqual(okWant);
    if (file.includes('bad_chunk_magic')) {
      // evtx-rs counts the two chunks with a bad signature; we report them as chunk issues.
      expect(s.chunkIssues).toBe(Number(errWant));
    } else {
      expect(s.recordErrors).toBe(Number(errWant));
    }
  });

  it('recovers the slack records evtxexport recovers (bad chunk magic: 81, zero-size record: 114)', () => {
    expect(summarise(`${dir}/samples/sample_with_a_bad_chunk_magic.evtx`, true).recovered).toBe(81);
    expect(summarise(`${dir}/samples/sample-with-zero-data-size-event.evtx`, true).recovered).toBe(114);
  });

  it('reads the other evtx-rs samples without a record error (issue_201 and the WEC sample omit dependency ids)', () => {
    for (const f of [
      'security.evtx',
      'system.evtx',
      'sysmon.evtx',
      'issue_201.evtx',
      'MSExchange_Management_wec.evtx',
      'Security_with_size_t.evtx',
      'security_bad_string_cache.evtx',
    ]) {
      const s = summarise(`${dir}/samples/${f}`);
      expect(s.ok, f).toBeGreaterThan(0);
      expect(s.recordErrors, f).toBe(0);
    }
  });
});
