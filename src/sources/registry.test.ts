import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { collect, memInput, tempDir } from '../../test/sources/inputs.js';
import { detectFromHead, detectSource, readEvidenceFile, SOURCES } from './registry.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const flatLine = (i: number) =>
  JSON.stringify({
    EventID: 4688,
    Channel: 'Security',
    SourceName: 'Microsoft-Windows-Security-Auditing',
    Hostname: 'WS1',
    EventTime: `2019-05-14 05:39:${String(i % 60).padStart(2, '0')}`,
    RecordNumber: 1000 + i,
    CommandLine: `cmd.exe /c echo ${i}`,
  });

const nested = (i: number) =>
  JSON.stringify(
    {
      Event: {
        System: {
          Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } },
          EventID: 1,
          EventRecordID: i,
          Channel: 'Microsoft-Windows-Sysmon/Operational',
          Computer: 'WS2',
          TimeCreated: { '#attributes': { SystemTime: '2025-10-24T23:41:00.601559Z' } },
        },
        EventData: { CommandLine: `calc ${i}` },
      },
    },
    null,
    2,
  );

const ecsDoc = JSON.stringify({
  '@timestamp': '2023-02-01T10:11:12.345Z',
  winlog: {
    channel: 'Security',
    event_id: '4624',
    record_id: '5',
    computer_name: 'WS3',
    event_data: { LogonType: '3' },
  },
});

const xml =
  "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='P'/>" +
  '<EventID>4624</EventID><EventRecordID>9</EventRecordID><Channel>Security</Channel><Computer>WS4</Computer>' +
  "</System><EventData><Data Name='LogonType'>3</Data></EventData></Event>";

describe('detectFromHead', () => {
  it.each([
    ['flat-json', `${flatLine(1)}\n${flatLine(2)}\n`],
    ['evtx-json', `${nested(1)}\n${nested(2)}\n`],
    ['evtx-json', `Record 1\n${nested(1)}\n`],
    ['evtx-json', `[${nested(1)}, ${nested(2)}]`],
    ['ecs', `${ecsDoc}\n`],
    ['evtx-xml', xml],
  ])('recognises %s content', (kind, content) => {
    expect(detectFromHead({ head: Buffer.from(content), path: 'evidence.txt' })?.descriptor.kind).toBe(kind);
  });

  it.each([
    ['an unrelated JSON object', '{"name": "x", "version": 1}\n'],
    ['a CSV file', 'EventID,Channel\n4688,Security\n'],
    ['HTML', '<html><body>EventID</body></html>'],
    ['binary noise', '\u0000\u0001\u0002\u0003'],
  ])('claims nothing for %s', (_what, content) => {
    expect(detectFromHead({ head: Buffer.from(content), path: 'Security.json' })).toBeNull();
  });

  it('lists EVTX first and every descriptor once', () => {
    expect(SOURCES[0]?.kind).toBe('evtx');
    expect(new Set(SOURCES.map((s) => s.kind)).size).toBe(SOURCES.length);
  });

  it('judges content, not the file name', async () => {
    const input = memInput(xml, 64, 'misleading.json');
    expect((await detectSource(input))?.descriptor.kind).toBe('evtx-xml');
  });
});

describe('readEvidenceFile', () => {
  it('reads gzip-compressed NDJSON exactly like the plain file', async () => {
    const text = `${Array.from({ length: 500 }, (_, i) => flatLine(i)).join('\n')}\n`;
    const plain = await collect(readEvidenceFile(tmp.write('a.json', text)));
    const packed = await collect(readEvidenceFile(tmp.write('a.bin', gzipSync(text))));
    expect(plain.issues).toEqual([]);
    expect(packed.issues).toEqual([]);
    expect(packed.events).toHaveLength(500);
    expect(packed.events.map((e) => [e.recordId, e.source.line, e.source.offset])).toEqual(
      plain.events.map((e) => [e.recordId, e.source.line, e.source.offset]),
    );
    expect(packed.events[7]?.fields.CommandLine).toBe('cmd.exe /c echo 7');
  });

  it('keeps reading past corrupt lines of a gzip file and names them', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => flatLine(i));
    lines[10] = '{"EventID": 4688, "Channel": "Security", oops}';
    lines[20] = 'xx';
    const p = tmp.write('c.json.gz', gzipSync(`${lines.join('\n')}\n`));
    const { events, issues } = await collect(readEvidenceFile(p));
    expect(events).toHaveLength(28);
    expect(issues.map((i) => [i.code, i.location?.line])).toEqual([
      ['json-syntax', 11],
      ['json-unexpected-text', 21],
    ]);
  });

  it('returns the events before a gzip truncation, then the truncation issue', async () => {
    const text = `${Array.from({ length: 4000 }, (_, i) => flatLine(i)).join('\n')}\n`;
    const gz = gzipSync(text);
    const p = tmp.write('t.json.gz', gz.subarray(0, Math.floor(gz.length * 0.7)));
    const { events, issues } = await collect(readEvidenceFile(p));
    expect(events.length).toBeGreaterThan(1000);
    expect(events.length).toBeLessThan(4000);
    expect(events.map((e) => e.recordId)).toEqual(events.map((_, i) => 1000 + i));
    const last = issues[issues.length - 1];
    expect(last).toMatchObject({ code: 'gzip-truncated', location: { file: p } });
    expect(issues.length).toBeLessThanOrEqual(2); // at most the cut line, then the gzip issue
  });

  it('reads UTF-16LE NDJSON (PowerShell redirection) and UTF-8 with a BOM', async () => {
    const text = `${flatLine(1)}\r\n${flatLine(2)}\r\n`;
    const le = tmp.write(
      'u16.json',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    );
    const bom = tmp.write('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    for (const p of [le, bom]) {
      const { events, issues } = await collect(readEvidenceFile(p));
      expect(issues).toEqual([]);
      expect(events.map((e) => [e.recordId, e.source.line])).toEqual([
        [1001, 1],
        [1002, 2],
      ]);
    }
  });

  it('reads a Winlogbeat NDJSON file', async () => {
    const p = tmp.write('wlb.ndjson', `${ecsDoc}\n${ecsDoc}\n`);
    const { events, issues } = await collect(readEvidenceFile(p));
    expect(issues).toEqual([]);
    expect(events.map((e) => [e.kind, e.eventId, e.computer, e.fields.LogonType])).toEqual([
      ['ecs', 4624, 'WS3', '3'],
      ['ecs', 4624, 'WS3', '3'],
    ]);
  });

  it('yields one unrecognised-format issue describing the first bytes, never a crash', async () => {
    const p = tmp.write('notes.json', 'just some notes\n');
    const { events, issues } = await collect(readEvidenceFile(p));
    expect(events).toEqual([]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'unrecognised-format', location: { file: p, offset: 0 } });
    expect(issues[0]?.message).toContain('6a 75 73 74');
    // Named on the command line, a file that is not evidence is an error.
    expect(issues[0]?.severity).toBe('error');
  });

  it('skips content no reader recognises with a warning when the file was found in a directory', async () => {
    const p = tmp.write('SYSTEM.hive', 'regf\u0000\u0000 not an event log');
    const { events, issues } = await collect(readEvidenceFile(p, { inDirectory: true }));
    expect(events).toEqual([]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      code: 'unrecognised-format',
      severity: 'warning',
      location: { file: p },
    });
    expect(issues[0]?.message).toMatch(/^skipped: no reader recognises this content/);
    // Named as an event log, it is an error wherever it was found (a destroyed header).
    const wiped = tmp.write('Security.evtx', '\u0000'.repeat(4096));
    const got = await collect(readEvidenceFile(wiped, { inDirectory: true }));
    expect(got.issues.map((i) => [i.code, i.severity])).toEqual([['unrecognised-format', 'error']]);
  });

  it('reports empty, missing and directory paths as issues', async () => {
    expect((await collect(readEvidenceFile(tmp.write('empty.json', '')))).issues.map((i) => i.code)).toEqual([
      'empty-file',
    ]);
    expect((await collect(readEvidenceFile(`${tmp.dir}/nope.json`))).issues.map((i) => i.code)).toEqual([
      'unreadable',
    ]);
    expect((await collect(readEvidenceFile(tmp.dir))).issues.map((i) => i.code)).toEqual(['unreadable']);
  });

  it('turns a reader that throws into an issue', async () => {
    const boom = {
      kind: 'boom',
      description: 'throws',
      sniff: () => 1,
      // biome-ignore lint/correctness/useYield: a reader that fails before yielding
      async *read() {
        throw new Error('kaput');
      },
    };
    const p = tmp.write('x.txt', 'x');
    const { issues } = await collect(readEvidenceFile(p, { sources: [boom] }));
    expect(issues.map((i) => [i.code, i.message])).toEqual([
      ['reader-failed', 'the boom reader stopped: kaput'],
    ]);
  });
});
