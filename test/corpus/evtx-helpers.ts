/**
 * @module test/corpus/evtx-helpers
 * Shared helpers for the EVTX corpus tests: TSV loading and a one-call parse summary.
 */
import { readFileSync } from 'node:fs';
import { parseEvtxBytes, recordToEvent } from '../../src/sources/evtx/index.js';

export function readTsv(path: string): Array<Record<string, string>> {
  const [head, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const cols = (head ?? '').split('\t');
  return rows.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [cols[i] ?? `c${i}`, v])));
}

export interface EvtxSummary {
  ok: number;
  /** Records that were found but could not be read (not counting `missing`). */
  recordErrors: number;
  /** Records a chunk header promises that never came back (`evtx.records-missing` items). */
  missing: number;
  chunkIssues: number;
  ids: Array<number | null>;
  /** Records whose header number differs from the EventRecordID inside the event. */
  hdrNeXml: number;
  recovered: number;
  errorCodes: string[];
}

export function summarise(path: string, recover = false): EvtxSummary {
  const res = parseEvtxBytes(readFileSync(path), { file: path, recover });
  const s: EvtxSummary = {
    ok: 0,
    recordErrors: 0,
    missing: 0,
    chunkIssues: res.issues.filter((i) => i.severity === 'error').length,
    ids: [],
    hdrNeXml: 0,
    recovered: 0,
    errorCodes: [],
  };
  for (const it of res.items) {
    if (!it.ok) {
      if (it.issues[0]?.code === 'evtx.records-missing') {
        s.missing++;
        continue;
      }
      s.recordErrors++;
      s.errorCodes.push(it.issues[0]?.code ?? '?');
      continue;
    }
    s.ok++;
    const ev = recordToEvent(it.value, path);
    s.ids.push(ev.recordId);
    if (ev.recordId !== it.value.recordNumber) s.hdrNeXml++;
    if (it.value.flags.includes('recovered')) s.recovered++;
  }
  return s;
}
