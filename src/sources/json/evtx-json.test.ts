import { describe, expect, it } from 'vitest';
import { nestedToEvent } from './evtx-json.js';

const src = { file: 'e.json', offset: 0, line: 1 };

const evtxRs = {
  Event: {
    '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
    System: {
      Provider: {
        '#attributes': { Name: 'Microsoft-Windows-Sysmon', Guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9' },
      },
      EventID: 1,
      Version: 5,
      Level: 4,
      Task: 1,
      Opcode: 0,
      Keywords: '0x8000000000000000',
      TimeCreated: { '#attributes': { SystemTime: '2025-10-24T23:41:00.601559Z' } },
      EventRecordID: 23503,
      Correlation: null,
      Execution: { '#attributes': { ProcessID: 3308, ThreadID: 4008 } },
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      Computer: 'dc.example.local',
      Security: { '#attributes': { UserID: 'S-1-5-18' } },
    },
    EventData: {
      Image: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: 'cmd /c whoami',
      ProcessId: 10048,
      Guid: 'AAAAAAAA-0000-0000-0000-000000000000',
      Ok: true,
    },
  },
};

describe('nestedToEvent', () => {
  it('maps the evtx-rs shape (#attributes)', () => {
    const ev = nestedToEvent(evtxRs, src);
    expect(ev).toEqual({
      kind: 'evtx-json',
      timestamp: '2025-10-24T23:41:00.601559Z',
      channel: 'Microsoft-Windows-Sysmon/Operational',
      provider: 'Microsoft-Windows-Sysmon',
      providerGuid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}', // braces restored, as Windows renders it
      eventId: 1,
      recordId: 23503,
      computer: 'dc.example.local',
      userSid: 'S-1-5-18',
      level: 4,
      task: 1,
      opcode: 0,
      keywords: '0x8000000000000000',
      version: 5,
      processId: 3308,
      threadId: 4008,
      // Numbers rendered as Windows renders them; a bare GUID in the data stays as written.
      fields: {
        Image: 'C:\\Windows\\System32\\cmd.exe',
        CommandLine: 'cmd /c whoami',
        ProcessId: '10048',
        Guid: 'AAAAAAAA-0000-0000-0000-000000000000',
        Ok: 'true',
      },
      source: src,
    });
  });

  it('reads EventID with Qualifiers, unnamed Data, and UserData leaves', () => {
    const ev = nestedToEvent(
      {
        Event: {
          System: {
            Provider: {
              '#attributes': { Name: 'Service Control Manager', EventSourceName: 'Service Control Manager' },
            },
            EventID: { '#attributes': { Qualifiers: 16384 }, '#text': 7036 },
            Channel: 'System',
          },
          EventData: { Data: { '#text': ['Windows Update', 'running'] }, Binary: '7700' },
          UserData: { LogFileCleared: { '#attributes': { xmlns: 'x' }, SubjectUserName: 'admin', Pid: 7 } },
        },
      },
      src,
    );
    expect(ev).toMatchObject({
      eventId: 7036,
      qualifiers: 16384,
      eventSourceName: 'Service Control Manager',
    });
    expect(ev?.data).toEqual(['Windows Update', 'running']);
    expect(ev?.fields).toEqual({ Binary: '7700', SubjectUserName: 'admin', Pid: '7' });
  });

  it('reads the xmltodict variant (@Name, #text, Data list)', () => {
    const ev = nestedToEvent(
      {
        Event: {
          System: {
            Provider: { '@Name': 'Microsoft-Windows-Security-Auditing' },
            EventID: '4624',
            TimeCreated: { '@SystemTime': '2019-03-19 23:34:25.123456+00:00' },
            EventRecordID: '77',
          },
          EventData: {
            Data: [
              { '@Name': 'TargetUserName', '#text': 'bob' },
              { '@Name': 'LogonType', '#text': '3' },
              { '@Name': 'Empty' },
            ],
          },
        },
      },
      src,
    );
    expect(ev).toMatchObject({
      provider: 'Microsoft-Windows-Security-Auditing',
      eventId: 4624,
      recordId: 77,
      timestamp: '2019-03-19T23:34:25.123456Z',
    });
    expect(ev?.fields).toEqual({ TargetUserName: 'bob', LogonType: '3', Empty: '' });
  });

  it('returns undefined for objects without System', () => {
    expect(nestedToEvent({ Event: { EventData: {} } }, src)).toBeUndefined();
    expect(nestedToEvent({ EventID: 1 }, src)).toBeUndefined();
  });
});
