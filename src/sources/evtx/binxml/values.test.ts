import { describe, expect, it } from 'vitest';
import { buildEvtxRecords } from '../../../../test/utils/evtx-builder.js';
import { VALUE_CASES, valueCasesRecord } from '../../../../test/utils/evtx-samples.js';
import { ByteReader } from '../../binary/byte-reader.js';
import { parseEvtxBytes, recordToEvent, renderRecordXml } from '../index.js';
import {
  VT_ANSI,
  VT_ARRAY,
  VT_BOOL,
  VT_HEX64,
  VT_INT64,
  VT_NULL,
  VT_REAL32,
  VT_REAL64,
  VT_SID,
  VT_SIZET,
  VT_STRING,
  VT_UINT32,
  VT_UINT64,
} from './value-types.js';
import { renderItems, renderValue } from './values.js';

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

describe('renderValue edge cases (raw bytes)', () => {
  const R = (...b: number[]) => new ByteReader(Uint8Array.from(b));
  const le64 = (v: bigint) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
    return new ByteReader(b);
  };
  it('64-bit integers are exact beyond 2^53', () => {
    expect(renderValue(le64(18446744073709551615n), VT_UINT64, 0, 8)).toBe('18446744073709551615');
    expect(renderValue(le64(-9007199254740993n), VT_INT64, 0, 8)).toBe('-9007199254740993');
    expect(renderValue(le64(-2n), VT_INT64, 0, 8)).toBe('-2');
    expect(renderValue(le64(0x8020000000000000n), VT_HEX64, 0, 8)).toBe('0x8020000000000000');
    expect(renderValue(le64(0x3e7n), VT_HEX64, 0, 8)).toBe('0x3e7');
    expect(renderValue(le64(0x1_0000_0001n), VT_SIZET, 0, 8)).toBe('0x100000001');
  });
  it('booleans: any non-zero is true, whatever the width', () => {
    expect(renderValue(R(2, 0, 0, 0), VT_BOOL, 0, 4)).toBe('true');
    expect(renderValue(R(0, 0, 0, 0), VT_BOOL, 0, 4)).toBe('false');
    expect(renderValue(R(1), VT_BOOL, 0, 1)).toBe('true');
  });
  it('reals: infinities and NaN as Windows prints them', () => {
    const f = new Uint8Array(8);
    const dv = new DataView(f.buffer);
    dv.setFloat64(0, Number.POSITIVE_INFINITY, true);
    expect(renderValue(new ByteReader(f), VT_REAL64, 0, 8)).toBe('1.#INF');
    dv.setFloat64(0, Number.NaN, true);
    expect(renderValue(new ByteReader(f), VT_REAL64, 0, 8)).toBe('-1.#IND');
    dv.setFloat32(0, 0.1, true);
    expect(renderValue(new ByteReader(f), VT_REAL32, 0, 4)).toBe('0.1');
  });
  it('a fixed-size value cut short renders as hex of what is there; empty as nothing', () => {
    expect(renderValue(R(0xab, 0xcd), VT_UINT32, 0, 2)).toBe('ABCD');
    expect(renderValue(R(), VT_UINT32, 0, 0)).toBe('');
    expect(renderValue(R(1, 2), VT_NULL, 0, 0)).toBe('');
  });
  it('strings lose trailing NULs; arrays split at NUL', () => {
    const s = Buffer.from('ab\u0000cd\u0000', 'utf16le');
    const r = new ByteReader(s);
    expect(renderValue(r, VT_STRING, 0, 4)).toBe('ab');
    expect(renderItems(r, VT_STRING | VT_ARRAY, 0, s.length)).toEqual(['ab', 'cd']);
    expect(renderItems(R(0x78, 0, 0x79, 0x7a, 0), VT_ANSI | VT_ARRAY, 0, 5)).toEqual(['x', 'yz']);
    expect(renderItems(R(), VT_STRING | VT_ARRAY, 0, 0)).toEqual([]);
  });
  it('SID arrays use each SID own length', () => {
    const one = [1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0];
    const two = [1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 0x02, 0, 0];
    expect(renderItems(R(...one, ...two), VT_SID | VT_ARRAY, 0, one.length + two.length)).toEqual([
      'S-1-5-18',
      'S-1-5-32-544',
    ]);
  });
});
