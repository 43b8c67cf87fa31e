import { describe, expect, it } from 'vitest';
import { buildEvtxRecords } from '../../../../test/utils/evtx-builder.js';
import { VALUE_CASES, valueCasesRecord } from '../../../../test/utils/evtx-samples.js';
import { parseEvtxBytes, recordToEvent, renderRecordXml } from '../index.js';

function only() {
  const bytes = buildEvtxRecords([
    { recordNumber: 1, written: '2024-03-01T10:11:12Z', body: [valueCasesRecord()] },
  ]).bytes;
  const res = parseEvtxBytes(bytes, { file: 'values.evtx' });
  expect(res.issues).toEqual([]);
  expect(res.items).toHaveLength(1);
  const it0 = res.items[0];
  if (!it0?.ok) throw new Error(JSON.stringify(it0));
  return it0.value;
}

describe('value rendering (every type, arrays of each)', () => {
  const rec = only();
  const ev = recordToEvent(rec, 'values.evtx');
  for (const vc of VALUE_CASES) {
    it(`${vc.name} renders as Windows does`, () => {
      const got = ev.fields[vc.name];
      if (vc.windows === null) {
        expect(got).toBeDefined();
        return;
      }
      const want = vc.value.type === 'array' && vc.windows.length > 1 ? vc.windows : vc.windows[0];
      expect(got).toEqual(want);
    });
  }
  it('renders reals plainly', () => {
    expect(ev.fields.real32).toBe('1.5');
    expect(ev.fields.real64).toBe('3.25');
  });
  it('repeats the element per array item in XML', () => {
    const xml = renderRecordXml(rec);
    expect(xml).toContain('<Data Name="aString">a</Data>\n  <Data Name="aString">bb</Data>');
  });
});
