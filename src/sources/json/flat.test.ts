import { describe, expect, it } from 'vitest';
import { getField } from '../../model/event.js';
import { flatToEvent } from './flat.js';

const src = { file: 'f.json', offset: 0, line: 1 };

describe('flatToEvent', () => {
  it('maps Sigma-style System names to the header and keeps the rest as fields', () => {
    const ev = flatToEvent(
      {
        EventID: 4688,
        Channel: 'Security',
        Provider_Name: 'Microsoft-Windows-Security-Auditing',
        Computer: 'WS1',
        EventRecordID: '1234',
        TimeCreated: '2019-05-14 05:39:17',
        CommandLine: 'whoami /all',
        ProcessId: '0x1a2b',
      },
      src,
    );
    expect(ev).toMatchObject({
      kind: 'flat-json',
      eventId: 4688,
      channel: 'Security',
      provider: 'Microsoft-Windows-Security-Auditing',
      computer: 'WS1',
      recordId: 1234,
      timestamp: '2019-05-14T05:39:17Z',
      source: src,
    });
    expect(ev.fields).toEqual({ CommandLine: 'whoami /all', ProcessId: '0x1a2b' });
    expect(getField(ev, 'CommandLine')).toBe('whoami /all');
    expect(getField(ev, 'EventID')).toBe(4688);
  });

  it('maps NXLog names (SourceName, Hostname, EventTime, RecordNumber, ExecutionProcessID, signed Keywords)', () => {
    const ev = flatToEvent(
      {
        EventID: '5156',
        SourceName: 'Microsoft-Windows-Security-Auditing',
        Hostname: 'DC1.corp',
        EventTime: '2020-07-21 23:27:40',
        '@timestamp': '2020-07-22T03:27:42.455Z',
        RecordNumber: 8990294,
        ExecutionProcessID: 4,
        ThreadID: 4704,
        // As NXLog writes it: a signed 64-bit number, parsed from JSON text like the reader does.
        ...(JSON.parse('{"Keywords": -9214364837600034816}') as Record<string, unknown>),
        Opcode: 'Info',
        OpcodeValue: 0,
        Task: 12810,
        EventType: 'AUDIT_SUCCESS',
        UserID: 'S-1-5-18',
      },
      src,
    );
    expect(ev).toMatchObject({
      eventId: 5156,
      provider: 'Microsoft-Windows-Security-Auditing',
      computer: 'DC1.corp',
      timestamp: '2020-07-21T23:27:40Z',
      recordId: 8990294,
      processId: 4,
      threadId: 4704,
      keywords: '0x8020000000000000',
      opcode: 0,
      task: 12810,
      userSid: 'S-1-5-18',
    });
    // Unmapped and transport keys stay as fields; the chosen time key does not.
    expect(ev.fields).toEqual({
      '@timestamp': '2020-07-22T03:27:42.455Z',
      Opcode: 'Info',
      EventType: 'AUDIT_SUCCESS',
    });
  });

  it('splits qualifiers out of a classic 32-bit event id, and honours explicit Qualifiers', () => {
    expect(flatToEvent({ EventID: 1073748860 }, src)).toMatchObject({ eventId: 7036, qualifiers: 0x4000 });
    expect(flatToEvent({ EventID: '7036', Qualifiers: '16384' }, src)).toMatchObject({
      eventId: 7036,
      qualifiers: 16384,
    });
  });

  it('flattens an EventData object or a JSON string holding one (Sentinel WindowsEvent)', () => {
    const ev = flatToEvent(
      {
        EventID: 1,
        Provider: 'Microsoft-Windows-Sysmon',
        Computer: 'WS5',
        TimeGenerated: '2022-05-13T08:54:06.347Z',
        EventLevel: 4,
        EventData: '{"Image":"C:\\\\x.exe","ProcessId":"3936"}',
      },
      src,
    );
    expect(ev).toMatchObject({
      provider: 'Microsoft-Windows-Sysmon',
      level: 4,
      timestamp: '2022-05-13T08:54:06.347Z',
    });
    expect(ev.fields).toEqual({ Image: 'C:\\x.exe', ProcessId: '3936' });
    expect(flatToEvent({ EventID: 1, EventData: { A: 'b' } }, src).fields).toEqual({ A: 'b' });
    expect(flatToEvent({ EventID: 1, EventData: 'not json' }, src).fields).toEqual({ EventData: 'not json' });
  });

  it('leaves unmappable header values in the fields and the header empty', () => {
    const ev = flatToEvent({ EventID: 'four', TimeCreated: 'yesterday', Level: 'high' }, src);
    expect(ev).toMatchObject({ eventId: 0, timestamp: '', recordId: null, channel: '' });
    expect(ev.level).toBeUndefined();
    expect(ev.fields).toEqual({ EventID: 'four', TimeCreated: 'yesterday', Level: 'high' });
  });

  it('keeps a hostile __proto__ key as a plain field', () => {
    const obj = JSON.parse('{"EventID": 1, "__proto__": {"polluted": true}}') as Record<string, unknown>;
    const ev = flatToEvent(obj, src);
    expect(Object.getPrototypeOf(ev.fields)).toBe(Object.prototype);
    expect(Object.hasOwn(ev.fields, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
