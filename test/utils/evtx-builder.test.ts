/**
 * @module test/utils/evtx-builder.test
 * The EVTX writer checked two ways: its bytes against the format (header/chunk/record fields,
 * CRCs, string and template tables, defects), and — when libevtx's `evtxexport` is installed —
 * against that independent reference parser, for every construct and value type it emits.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildEvtx,
  buildEvtxDetailed,
  buildEvtxRecords,
  CHUNK_SIZE,
  crc32,
  el,
  guidBytes,
  isoToFiletime,
  type Node,
  nameHash,
  nested,
  sidBytes,
  sub,
  text,
  tpl,
} from './evtx-builder.js';
import { sampleEvent, VALUE_CASES, valueCasesRecord } from './evtx-samples.js';

const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const u32 = (b: Uint8Array, o: number) => dv(b).getUint32(o, true);
const u64 = (b: Uint8Array, o: number) => dv(b).getBigUint64(o, true);
const ascii = (b: Uint8Array, o: number, n: number) => String.fromCharCode(...b.subarray(o, o + n));
const chunkHeaderCrc = (b: Uint8Array, off: number) => {
  const h = new Uint8Array(504);
  h.set(b.subarray(off, off + 120), 0);
  h.set(b.subarray(off + 128, off + 512), 120);
  return crc32(h);
};

describe('encodings', () => {
  it('FILETIME keeps 100 ns precision', () => {
    expect(isoToFiletime('1970-01-01T00:00:00Z')).toBe(116444736000000000n);
    expect(isoToFiletime('1970-01-01T00:00:01.0000001Z')).toBe(116444736010000001n);
  });
  it('GUID is little-endian in its first three groups', () => {
    expect([...guidBytes('{00112233-4455-6677-8899-AABBCCDDEEFF}')]).toEqual([
      0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
    ]);
  });
  it('SID: revision, count, big-endian authority, little-endian sub-authorities', () => {
    expect([...sidBytes('S-1-5-18')]).toEqual([1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0]);
  });
});

describe('file, chunk and record structure', () => {
  const events = Array.from({ length: 5 }, (_, i) => sampleEvent(i));
  const { bytes, layout } = buildEvtxDetailed(events, { chunkCapacity: 3 });

  it('writes a file header with a valid CRC, chunk count and next record id', () => {
    expect(ascii(bytes, 0, 8)).toBe('ElfFile\0');
    expect(u32(bytes, 124)).toBe(crc32(bytes.subarray(0, 120)));
    expect(dv(bytes).getUint16(42, true)).toBe(2);
    expect(u64(bytes, 16)).toBe(1n);
    expect(u64(bytes, 24)).toBe(105n);
    expect(dv(bytes).getUint16(38, true)).toBe(3);
    expect(bytes.length).toBe(4096 + 2 * CHUNK_SIZE);
  });

  it('splits chunks by capacity and fills each chunk header', () => {
    expect(layout.chunks.map((c) => c.records.map((r) => r.recordNumber))).toEqual([
      [100, 101, 102],
      [103, 104],
    ]);
    for (const c of layout.chunks) {
      const first = c.records[0];
      const last = c.records[c.records.length - 1];
      if (!first || !last) throw new Error('empty chunk');
      expect(ascii(bytes, c.offset, 8)).toBe('ElfChnk\0');
      expect(u64(bytes, c.offset + 8)).toBe(BigInt(first.recordNumber));
      expect(u64(bytes, c.offset + 16)).toBe(BigInt(last.recordNumber));
      expect(u32(bytes, c.offset + 44)).toBe(last.offset - c.offset);
      const free = u32(bytes, c.offset + 48);
      expect(free).toBe(last.offset + last.size - c.offset);
      expect(u32(bytes, c.offset + 52)).toBe(crc32(bytes.subarray(c.offset + 512, c.offset + free)));
      expect(u32(bytes, c.offset + 124)).toBe(chunkHeaderCrc(bytes, c.offset));
    }
  });

  it('writes records with magic, size, size copy, number and written time', () => {
    const r = layout.chunks[0]?.records[1];
    if (!r) throw new Error('missing record');
    expect([...bytes.subarray(r.offset, r.offset + 4)]).toEqual([0x2a, 0x2a, 0, 0]);
    expect(u32(bytes, r.offset + 4)).toBe(r.size);
    expect(u32(bytes, r.offset + r.size - 4)).toBe(r.size);
    expect(u64(bytes, r.offset + 8)).toBe(101n);
    expect(u64(bytes, r.offset + 16)).toBe(isoToFiletime('2024-03-01T10:11:01.1234567Z'));
    expect([...bytes.subarray(r.offset + 24, r.offset + 28)]).toEqual([0x0f, 1, 1, 0]);
  });

  it('defines a template once per chunk and references it after', () => {
    const [c0, c1] = layout.chunks;
    if (!c0 || !c1) throw new Error('missing chunk');
    const refOf = (ref: number | undefined) => u32(bytes, ref ?? -1);
    const [a, b, c] = c0.records.map((r) => r.templateRefs[0]);
    // First use: the definition follows its own offset field (chunk-relative).
    expect(refOf(a)).toBe((a ?? 0) + 4 - c0.offset);
    expect(refOf(b)).toBe(refOf(a));
    expect(refOf(c)).toBe(refOf(a));
    const d = c1.records[0]?.templateRefs[0];
    expect(refOf(d)).toBe((d ?? 0) + 4 - c1.offset);
    // The template table points at the definition, and the definition holds the GUID.
    const table = Array.from({ length: 32 }, (_, i) => u32(bytes, c0.offset + 384 + i * 4));
    expect(table.filter((x) => x !== 0)).toEqual([refOf(a)]);
  });

  it('indexes every name in the string table by hash bucket', () => {
    const c = layout.chunks[0];
    if (!c) throw new Error('missing chunk');
    const seen: string[] = [];
    for (let bucket = 0; bucket < 64; bucket++) {
      for (let off = u32(bytes, c.offset + 128 + bucket * 4); off !== 0; off = u32(bytes, c.offset + off)) {
        const hash = dv(bytes).getUint16(c.offset + off + 4, true);
        const n = dv(bytes).getUint16(c.offset + off + 6, true);
        const name = String.fromCharCode(
          ...Array.from({ length: n }, (_, i) => dv(bytes).getUint16(c.offset + off + 8 + i * 2, true)),
        );
        expect(hash).toBe(nameHash(name));
        expect(hash % 64).toBe(bucket);
        seen.push(name);
      }
    }
    expect(seen.sort()).toEqual(
      [
        'Channel',
        'Computer',
        'Correlation',
        'Data',
        'Event',
        'EventData',
        'EventID',
        'EventRecordID',
        'Execution',
        'Guid',
        'Keywords',
        'Level',
        'Name',
        'Opcode',
        'ProcessID',
        'Provider',
        'Security',
        'System',
        'SystemTime',
        'Task',
        'ThreadID',
        'TimeCreated',
        'UserID',
        'Version',
        'xmlns',
      ].sort(),
    );
  });

  it('refuses a record larger than a chunk', () => {
    const big = el('Big', {}, text('x'.repeat(40000)), text('y'.repeat(40000)));
    expect(() => buildEvtxRecords([{ recordNumber: 1, written: 0n, body: [big] }])).toThrow(RangeError);
  });

  it('writes an empty log as a bare file header', () => {
    const b = buildEvtx([]);
    expect(b.length).toBe(4096);
    expect(dv(b).getUint16(42, true)).toBe(0);
  });
});

describe('defect injectors', () => {
  const events = Array.from({ length: 6 }, (_, i) => sampleEvent(i));
  const clean = buildEvtxDetailed(events, { chunkCapacity: 3 });
  const c1 = clean.layout.chunks[1]?.offset ?? 0;
  const dirty = (d: Parameters<typeof buildEvtx>[1]) => buildEvtx(events, { chunkCapacity: 3, ...d });

  it('breaks exactly the CRC asked for', () => {
    const b = dirty({ dirty: [{ kind: 'chunk-data-crc', chunk: 1 }] });
    expect(u32(b, c1 + 52)).not.toBe(crc32(b.subarray(c1 + 512, c1 + u32(b, c1 + 48))));
    expect(u32(b, c1 + 124)).toBe(chunkHeaderCrc(b, c1));
    const h = dirty({ dirty: [{ kind: 'file-header-crc' }] });
    expect(u32(h, 124)).not.toBe(crc32(h.subarray(0, 120)));
    const ch = dirty({ dirty: [{ kind: 'chunk-header-crc', chunk: 0 }] });
    expect(u32(ch, 4096 + 124)).not.toBe(chunkHeaderCrc(ch, 4096));
  });

  it('changes magic, sizes and counts, keeping other CRCs valid', () => {
    const m = dirty({ dirty: [{ kind: 'chunk-magic', chunk: 1 }] });
    expect(ascii(m, c1, 8)).not.toBe('ElfChnk\0');
    const r = clean.layout.chunks[0]?.records[1];
    const s = dirty({ dirty: [{ kind: 'record-size', chunk: 0, record: 1, size: 0 }] });
    expect(u32(s, (r?.offset ?? 0) + 4)).toBe(0);
    expect(u32(s, 4096 + 52)).toBe(crc32(s.subarray(4096 + 512, 4096 + u32(s, 4096 + 48))));
    const n = dirty({ dirty: [{ kind: 'header-chunk-count', count: 1 }] });
    expect(dv(n).getUint16(42, true)).toBe(1);
    expect(u32(n, 124)).toBe(crc32(n.subarray(0, 120)));
  });

  it('moves records to slack without touching their bytes', () => {
    const b = dirty({ dirty: [{ kind: 'slack', chunk: 0, count: 1 }] });
    const recs = clean.layout.chunks[0]?.records ?? [];
    const [, second, third] = recs;
    if (!second || !third) throw new Error('missing records');
    expect(u32(b, 4096 + 48)).toBe(third.offset - 4096);
    expect(u32(b, 4096 + 44)).toBe(second.offset - 4096);
    expect(u64(b, 4096 + 16)).toBe(BigInt(second.recordNumber));
    expect(b.subarray(third.offset, third.offset + third.size)).toEqual(
      clean.bytes.subarray(third.offset, third.offset + third.size),
    );
  });

  it('truncates files and tears chunks', () => {
    expect(dirty({ dirty: [{ kind: 'truncate-file', length: 5000 }] }).length).toBe(5000);
    const t = dirty({ dirty: [{ kind: 'truncate-chunk', chunk: 0, keep: 1000 }] });
    expect(t.subarray(4096 + 1000, 4096 + CHUNK_SIZE).every((x) => x === 0)).toBe(true);
    expect(t.length).toBe(clean.bytes.length);
  });

  it('points a template instance at garbage', () => {
    const b = dirty({ dirty: [{ kind: 'template-pointer', chunk: 0, record: 2 }] });
    const ref = clean.layout.chunks[0]?.records[2]?.templateRefs[0] ?? 0;
    expect(u32(b, ref)).toBe(56);
    expect(b.subarray(4096 + 56, 4096 + 120).some((x) => x !== 0)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------
// Independent check: libevtx's evtxexport (Debian libevtx-utils) must read what we write.

const hasEvtxexport = spawnSync('evtxexport', ['-V'], { encoding: 'utf8' }).status === 0;
const tmp = mkdtempSync(join(tmpdir(), 'fathom-evtx-builder-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function evtxexport(bytes: Uint8Array, name: string): { xml: string; stderr: string; status: number | null } {
  const p = join(tmp, `${name}.evtx`);
  writeFileSync(p, bytes);
  const r = spawnSync('evtxexport', ['-f', 'xml', p], { encoding: 'utf8' });
  return { xml: r.stdout, stderr: r.stderr, status: r.status };
}

describe.skipIf(!hasEvtxexport)('read back by evtxexport (skipped: evtxexport not installed)', () => {
  it('renders every value type', () => {
    const cases = VALUE_CASES.filter((vc) => vc.evtxexport !== null);
    const body = [valueCasesRecord(cases)];
    const b = buildEvtxRecords([{ recordNumber: 1, written: '2024-03-01T10:11:12Z', body }]).bytes;
    const r = evtxexport(b, 'values');
    expect(r.stderr).not.toMatch(/unable/i);
    for (const { name, evtxexport: expected } of cases) {
      const got = [...r.xml.matchAll(new RegExp(`<Data Name="${name}">([^<]*)</Data>`, 'g'))].map(
        (m) => m[1],
      );
      expect({ name, got }).toEqual({ name, got: expected });
    }
    // Only arrays of bool, size_t, SYSTEMTIME and SID are beyond evtxexport 20181227.
    expect(VALUE_CASES.length - cases.length).toBe(4);
  });

  it('renders the high-level Windows shape, across chunks and templates', () => {
    const events = [
      ...Array.from({ length: 4 }, (_, i) => sampleEvent(i)),
      sampleEvent(9, {
        eventId: 4688,
        providerGuid: undefined,
        userSid: undefined,
        data: { NewProcessName: 'C:\\w.exe' },
      }),
    ];
    const r = evtxexport(buildEvtx(events, { chunkCapacity: 2 }), 'events');
    expect(r.stderr).not.toMatch(/unable/i);
    expect(r.xml.match(/<Event xmlns=/g)).toHaveLength(5);
    expect(r.xml).toContain(
      '<Provider Name="Microsoft-Windows-Security-Auditing" Guid="{54849625-5478-4994-A5BA-3E3B0328C30D}"/>',
    );
    expect(r.xml).toContain('<TimeCreated SystemTime="2024-03-01T10:11:03.123456700Z"/>');
    expect(r.xml).toContain('<Keywords>0x8020000000000000</Keywords>');
    expect(r.xml).toContain('<Execution ProcessID="4" ThreadID="100"/>');
    expect(r.xml).toContain('<Security UserID="S-1-5-18"/>');
    expect(r.xml).toContain('<Data Name="TargetUserName">user3</Data>');
    expect(r.xml).toContain('<EventRecordID>103</EventRecordID>');
    // Optional substitutions with NullType drop their attribute.
    expect(r.xml).toContain('<Provider Name="Microsoft-Windows-Security-Auditing"/>');
    expect(r.xml).toContain('<Security/>');
    expect(r.xml).toContain('<Data Name="NewProcessName">C:\\w.exe</Data>');
  });

  it('reads nested BinXml (fragment and bare forms, with a nested template), CDATA, entity refs and PIs', () => {
    const inner = {
      guid: '{99999999-8888-7777-6666-555555555555}',
      root: el('UserData', {}, el('Leaf', {}, sub(0, 'string'))),
    };
    const records: Node[] = [
      el('Event', {}, el('A', {}, sub(0, 'binxml'))),
      el('B', {}, text('x'), { kind: 'entityref', name: 'amp' }, text('y')),
      el('C', {}, { kind: 'pi', target: 'tgt', data: 'pdata' }),
      el('D', {}, { kind: 'cdata', value: 'c<d' }),
    ];
    const body = (n: Node, i: number): Node[] =>
      i === 0
        ? [
            tpl({ guid: '{12121212-3434-5656-7878-909090909090}', root: n }, [
              { type: 'binxml', value: [tpl(inner, [{ type: 'string', value: 'leafval' }])] },
            ]),
          ]
        : [n];
    const bare = tpl(
      { guid: '{13131313-3434-5656-7878-909090909090}', root: el('E', {}, sub(0, 'binxml')) },
      [{ type: 'binxml', bare: true, value: [el('Bare', { b: 'y' }, text('naked'))] }],
    );
    const all = [...records.map((n, i) => body(n, i)), [bare]];
    const b = buildEvtxRecords(all.map((body, i) => ({ recordNumber: i + 1, written: 0n, body }))).bytes;
    const r = evtxexport(b, 'nested');
    expect(r.stderr).not.toMatch(/unable/i);
    expect(r.xml).toMatch(/<UserData>\s*<Leaf>leafval<\/Leaf>\s*<\/UserData>/);
    expect(r.xml).toContain('<B>x&amp;y</B>');
    expect(r.xml).toContain('<?tgt pdata?>');
    expect(r.xml).toContain('<![CDATA[c<d]]>');
    expect(r.xml).toMatch(/<Bare b="y">naked<\/Bare>/);
  });

  it('reads 60 levels of nesting', () => {
    const b = buildEvtxRecords([
      { recordNumber: 1, written: 0n, body: [nested(60, 'n', text('bottom'))] },
    ]).bytes;
    const r = evtxexport(b, 'deep');
    expect(r.status).toBe(0);
    expect(r.xml).toContain('bottom');
  });

  it('loses the records of a chunk whose magic is broken, and only those', () => {
    const events = Array.from({ length: 6 }, (_, i) => sampleEvent(i));
    const r = evtxexport(
      buildEvtx(events, { chunkCapacity: 3, dirty: [{ kind: 'chunk-magic', chunk: 0 }] }),
      'magic',
    );
    expect([...r.xml.matchAll(/<EventRecordID>(\d+)</g)].map((m) => m[1])).toEqual(['103', '104', '105']);
  });
});
