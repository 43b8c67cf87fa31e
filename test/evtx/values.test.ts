/**
 * @module test/evtx/values.test
 * Value rendering on files the project's EVTX writer builds: every BinXml value type (and the
 * arrays) as XML text and as `recordToEvent` fields, the Windows-shaped System header, nested
 * BinXml (UserData), NullType substitutions inside attributes, literal tokens, escaping and
 * the nesting cap. Expectations are what Windows shows (test/fixtures/evtx/README.md).
 */
import { describe, expect, it } from 'vitest';
import {
  type EvtxRecord,
  parseEvtxBytes,
  recordToEvent,
  renderRecordXml,
} from '../../src/sources/evtx/index.js';
import {
  buildEvtx,
  buildEvtxRecords,
  EVENT_NS,
  el,
  type Node,
  nested,
  type RecordSpec,
  sub,
  text,
  tpl,
} from '../utils/evtx-builder.js';
import { sampleEvent, VALUE_CASES, valueCasesRecord } from '../utils/evtx-samples.js';

function parseOk(bytes: Uint8Array): EvtxRecord[] {
  const r = parseEvtxBytes(bytes, { file: 'built.evtx' });
  const bad = r.items.filter((i) => !i.ok);
  expect(bad).toEqual([]);
  return r.items.flatMap((i) => (i.ok ? [i.value] : []));
}

const records = (bodies: Node[][]): RecordSpec[] =>
  bodies.map((body, i) => ({ recordNumber: i + 1, written: '2024-05-06T07:08:09.0000001Z', body }));

describe('every value type', () => {
  const [rec] = parseOk(buildEvtxRecords(records([[valueCasesRecord()]])).bytes);
  if (!rec) throw new Error('no record');
  const xml = renderRecordXml(rec);
  const fields = recordToEvent(rec, 'built.evtx').fields;
  const pinned = VALUE_CASES.filter((vc) => vc.windows !== null);

  it.each(pinned.map((vc) => [vc.name, vc] as const))('%s renders as Windows shows it', (name, vc) => {
    const got = [...xml.matchAll(new RegExp(`<Data Name="${name}">([^<]*)</Data>`, 'g'))].map((m) => m[1]);
    expect(got).toEqual(vc.windows);
    const w = vc.windows ?? [];
    expect(fields[name]).toEqual(w.length === 1 ? w[0] : w);
  });

  it('renders reals as plain decimal numbers', () => {
    for (const name of ['real32', 'real64', 'aReal32', 'aReal64']) {
      const v = Number(fields[name]);
      expect({ name, finite: Number.isFinite(v) }).toEqual({ name, finite: true });
    }
    expect(Number(fields.real32)).toBe(1.5);
    expect(Number(fields.real64)).toBe(3.25);
  });
});

describe('Windows-shaped events from the high-level builder', () => {
  const events = [
    sampleEvent(1, {
      data: { TargetUserName: 'a<b>&"c\'', LogonType: 10, Elevated: true, Ratio: 0.25, Big: 2 ** 40 },
    }),
    sampleEvent(2, {
      providerGuid: undefined,
      userSid: undefined,
      processId: undefined,
      threadId: undefined,
    }),
    sampleEvent(3, {
      channel: 'Microsoft-Windows-Sysmon/Operational',
      provider: 'Microsoft-Windows-Sysmon',
      eventId: 1,
    }),
  ];
  const recs = parseOk(buildEvtx(events, { chunkCapacity: 2 }));

  it('reads every record with its header number, chunk and offset', () => {
    expect(recs.map((r) => [r.recordNumber, r.chunk])).toEqual([
      [101, 0],
      [102, 0],
      [103, 1],
    ]);
    expect(recs[2]?.offset).toBe(4096 + 65536 + 512);
  });

  it('maps the System header onto the event model', () => {
    const [a] = recs;
    if (!a) throw new Error('no record');
    const ev = recordToEvent(a, 'built.evtx');
    expect({ ...ev, fields: undefined, source: undefined }).toMatchObject({
      kind: 'evtx',
      timestamp: '2024-03-01T10:11:01.1234567Z',
      channel: 'Security',
      provider: 'Microsoft-Windows-Security-Auditing',
      providerGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}',
      eventId: 4624,
      recordId: 101,
      computer: 'WS01.corp.local',
      userSid: 'S-1-5-18',
      level: 4,
      task: 0,
      opcode: 0,
      keywords: '0x8020000000000000',
      processId: 4,
      threadId: 100,
    });
    expect(ev.source).toMatchObject({ file: 'built.evtx', offset: a.offset, chunk: 0, recordNumber: 101 });
    expect(ev.fields).toEqual({
      TargetUserName: 'a<b>&"c\'',
      LogonType: '10',
      Elevated: 'true',
      Ratio: '0.25',
      Big: '1099511627776',
    });
  });

  it('escapes text as Windows does and keeps the namespace', () => {
    const xml = renderRecordXml(recs[0] as EvtxRecord);
    expect(xml).toContain(`<Event xmlns="${EVENT_NS}">`);
    expect(xml).toContain('<Data Name="TargetUserName">a&lt;b&gt;&amp;"c\'</Data>');
  });

  it('drops attributes whose optional substitution is NullType', () => {
    const xml = renderRecordXml(recs[1] as EvtxRecord);
    expect(xml).toContain('<Provider Name="Microsoft-Windows-Security-Auditing"/>');
    expect(xml).toContain('<Security/>');
    expect(xml).toContain('<Execution/>');
    const ev = recordToEvent(recs[1] as EvtxRecord, 'built.evtx');
    expect([ev.userSid, ev.providerGuid, ev.processId]).toEqual([undefined, undefined, undefined]);
  });

  it('keeps channel and provider per record across template reuse', () => {
    const ev = recordToEvent(recs[2] as EvtxRecord, 'built.evtx');
    expect([ev.channel, ev.provider, ev.eventId]).toEqual([
      'Microsoft-Windows-Sysmon/Operational',
      'Microsoft-Windows-Sysmon',
      1,
    ]);
  });
});

describe('BinXml constructs', () => {
  const inner = {
    guid: '{99999999-8888-7777-6666-555555555555}',
    root: el('UserData', {}, el('LogFileCleared', {}, el('SubjectUserName', {}, sub(0, 'string')))),
  };
  const outer = {
    guid: '{12121212-3434-5656-7878-909090909090}',
    root: el('Event', {}, el('System', {}, el('EventID', {}, sub(0, 'uint16'))), sub(1, 'binxml')),
  };
  const nullAttr = (optional: boolean) => ({
    guid: optional ? '{15151515-3434-5656-7878-909090909090}' : '{14141414-3434-5656-7878-909090909090}',
    root: el('Event', {}, el('X', { A: [sub(0, 'string', optional)], B: 'lit' }, text('t'))),
  });
  const bodies: Node[][] = [
    [
      tpl(outer, [
        { type: 'uint16', value: 1102 },
        { type: 'binxml', value: [tpl(inner, [{ type: 'string', value: 'bob' }])] },
      ]),
    ],
    [
      tpl(
        {
          guid: '{16161616-3434-5656-7878-909090909090}',
          root: el('Event', {}, el('E', {}, sub(0, 'binxml'))),
        },
        [{ type: 'binxml', bare: true, value: [el('Bare', { b: 'y' }, text('naked'))] }],
      ),
    ],
    [tpl(nullAttr(false), [{ type: 'null' }])],
    [tpl(nullAttr(true), [{ type: 'null' }])],
    [
      el(
        'Event',
        {},
        el('B', {}, text('x'), { kind: 'entityref', name: 'amp' }, { kind: 'charref', code: 65 }, text('y')),
        el('C', {}, { kind: 'pi', target: 'tgt', data: 'pdata' }),
        el('D', {}, { kind: 'cdata', value: 'c<d' }),
        el(
          'EventData',
          {},
          el('Data', { Name: 'n' }, text('1')),
          el('Data', {}, text('first')),
          el('Data', {}, text('second')),
        ),
      ),
    ],
  ];
  const recs = parseOk(buildEvtxRecords(records(bodies)).bytes);
  const xml = recs.map((r) => renderRecordXml(r));

  it('reads a nested BinXml value holding its own template (UserData)', () => {
    expect(xml[0]).toMatch(/<UserData>\s*<LogFileCleared>\s*<SubjectUserName>bob<\/SubjectUserName>/);
    expect(recordToEvent(recs[0] as EvtxRecord, 'f').fields).toMatchObject({ SubjectUserName: 'bob' });
  });

  it('reads a bare nested element (no fragment header, no dependency id)', () => {
    expect(xml[1]).toMatch(/<E>\s*<Bare b="y">naked<\/Bare>\s*<\/E>/);
  });

  it('reads a NullType normal substitution inside an attribute (both reference parsers fail here)', () => {
    expect(xml[2]).toMatch(/<X A="" B="lit">t<\/X>/);
    expect(xml[3]).toMatch(/<X B="lit">t<\/X>/);
  });

  it('renders entity and character references, PIs and CDATA', () => {
    expect(xml[4]).toContain('<B>x&amp;&#65;y</B>');
    expect(xml[4]).toContain('<?tgt pdata?>');
    expect(xml[4]).toContain('<![CDATA[c<d]]>');
  });

  it('keeps unnamed Data values in order', () => {
    const ev = recordToEvent(recs[4] as EvtxRecord, 'f');
    expect(ev.fields.n).toBe('1');
    expect(ev.data).toEqual(['first', 'second']);
  });
});

describe('nesting cap', () => {
  it('reads 64 levels, refuses deeper ones as an error for that record only', () => {
    const bodies = [
      [nested(64, 'n', text('ok'))],
      [nested(65, 'n')],
      [nested(1000, 'n')],
      [el('After', {}, text('fine'))],
    ];
    const r = parseEvtxBytes(buildEvtxRecords(records(bodies)).bytes, { file: 'deep.evtx' });
    expect(r.items.map((i) => i.ok)).toEqual([true, false, false, true]);
    const codes = r.items.flatMap((i) => (i.ok ? [] : i.issues.map((x) => x.code)));
    expect(codes).toEqual(['evtx.binxml-too-deep', 'evtx.binxml-too-deep']);
  });
});
