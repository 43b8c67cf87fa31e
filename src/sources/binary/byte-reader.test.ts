import { describe, expect, it } from 'vitest';
import { ByteReader, filetimeToIso, ReadFault, tryRead } from './byte-reader.js';
import { crc32 } from './crc32.js';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('ByteReader', () => {
  it('reads little-endian integers', () => {
    const r = new ByteReader(bytes(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88));
    expect(r.u8(0, 'x')).toBe(1);
    expect(r.u16(0, 'x')).toBe(0x0201);
    expect(r.u32(0, 'x')).toBe(0x04030201);
    expect(r.u32(4, 'x')).toBe(0x88070605);
    expect(r.i32(4, 'x')).toBe(0x88070605 - 0x100000000);
    expect(r.u64big(0, 'x')).toBe(0x8807060504030201n);
    expect(r.i64big(0, 'x')).toBe(0x8807060504030201n - (1n << 64n));
    expect(r.u64(0, 'x')).toBe(Number(0x8807060504030201n));
  });

  it('reports a truncated read with what, offset, need and have', () => {
    const r = new ByteReader(bytes(1, 2, 3), { base: 100, file: 'f.evtx' });
    const res = tryRead(() => r.u32(1, 'record.size'));
    expect(res.ok).toBe(false);
    if (res.ok) return;
    const i = res.issues[0];
    expect(i?.code).toBe('truncated');
    expect(i?.details).toEqual({ what: 'record.size', offset: 101, need: 4, have: 2 });
    expect(i?.location).toEqual({ file: 'f.evtx', offset: 101 });
    expect(r.check(0, 3, 'x')).toBeNull();
    expect(r.check(-1, 1, 'x')?.code).toBe('truncated');
    expect(() => r.u8(3, 'x')).toThrow(ReadFault);
  });

  it('decodes UTF-16LE, short and long, keeping lone surrogates', () => {
    const s = 'héllo wörld, a longer string 😀';
    const buf = Buffer.from(s, 'utf16le');
    const r = new ByteReader(buf);
    expect(r.utf16(0, s.length, 'x')).toBe(s);
    expect(r.utf16(0, 2, 'x')).toBe('hé');
    const lone = new ByteReader(bytes(0x00, 0xd8, 0x41, 0x00));
    expect(lone.utf16(0, 2, 'x')).toBe('\ud800A');
  });

  it('renders FILETIME with all 7 digits of 100 ns, exactly', () => {
    // 2016-09-21T03:40:41.8652343Z = 131189028418652343 ticks
    const t = 131189028418652343n;
    expect(filetimeToIso(Number(t & 0xffffffffn), Number(t >> 32n))).toBe('2016-09-21T03:40:41.8652343Z');
    expect(filetimeToIso(0, 0)).toBe('1601-01-01T00:00:00.0000000Z');
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, t, true);
    expect(new ByteReader(b).filetime(0, 'x')).toBe('2016-09-21T03:40:41.8652343Z');
    // Past year 9999 the year takes the digits it needs (the largest FILETIME is in 60056).
    expect(filetimeToIso(0xffffffff, 0xffffffff)).toMatch(/^60056-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    // Random times from 1601 to 9999 against Date's calendar.
    let seed = 12345;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    const span = 2650467743999999999n; // 9999-12-31T23:59:59.9999999Z
    for (let i = 0; i < 2000; i++) {
      const ticks = ((BigInt(next()) << 32n) | BigInt(next())) % span;
      const ms = Number(ticks / 10000n) - 11644473600000;
      const want = `${new Date(ms).toISOString().slice(0, 19)}.${String(ticks % 10000000n).padStart(7, '0')}Z`;
      expect(filetimeToIso(Number(ticks & 0xffffffffn), Number(ticks >> 32n))).toBe(want);
    }
  });

  it('renders SYSTEMTIME, GUID (upper case, braces) and SID', () => {
    const st = new Uint8Array(16);
    const dv = new DataView(st.buffer);
    for (const [i, v] of [2024, 3, 5, 1, 10, 11, 12, 345].entries()) dv.setUint16(i * 2, v, true);
    expect(new ByteReader(st).systemtime(0, 'x')).toBe('2024-03-01T10:11:12.3450000Z');
    const g = bytes(
      0x3d,
      0x2c,
      0x1b,
      0x0a,
      0x5f,
      0x4e,
      0x71,
      0x60,
      0x82,
      0x93,
      0xa4,
      0xb5,
      0xc6,
      0xd7,
      0xe8,
      0xf9,
    );
    expect(new ByteReader(g).guid(0, 'x')).toBe('{0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9}');
    const sid = bytes(1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 0x02, 0, 0);
    expect(new ByteReader(sid).sid(0, 16, 'x')).toBe('S-1-5-32-544');
    // A SID cut short renders the sub-authorities that are there.
    expect(new ByteReader(sid).sid(0, 12, 'x')).toBe('S-1-5-32');
  });

  it('hex is upper case', () => {
    expect(new ByteReader(bytes(0xde, 0xad, 0x01)).hex(0, 3, 'x')).toBe('DEAD01');
  });
});

describe('crc32', () => {
  it('matches the RFC 1952 check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    const a = new TextEncoder().encode('1234');
    const b = new TextEncoder().encode('56789');
    expect(crc32(b, crc32(a))).toBe(0xcbf43926);
  });
});
