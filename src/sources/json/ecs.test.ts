import { describe, expect, it } from 'vitest';
import { ecsToEvent, isEcsDoc, pathGet } from './ecs.js';

const src = { file: 'w.ndjson', offset: 0, line: 1 };

/** A Winlogbeat 8 document for a Security 4688, written for this test. */
const winlogbeat = {
  '@timestamp': '2023-02-01T10:11:12.345Z',
  event: {
    code: '4688',
    provider: 'Microsoft-Windows-Security-Auditing',
    kind: 'event',
    created: '2023-02-01T10:11:13.000Z',
  },
  host: { name: 'ws01' },
  log: { level: 'information' },
  message: 'A new process has been created.',
  winlog: {
    api: 'wineventlog',
    channel: 'Security',
    computer_name: 'WS01.corp.example',
    event_id: '4688',
    provider_name: 'Microsoft-Windows-Security-Auditing',
    provider_guid: '{54849625-5478-4994-a5ba-3e3b0328c30d}',
    record_id: 90210,
    process: { pid: 4, thread: { id: 4816 } },
    keywords: ['Audit Success'],
    opcode: 'Info',
    task: 'Process Creation',
    event_data: {
      NewProcessName: 'C:\\Windows\\System32\\whoami.exe',
      CommandLine: 'whoami /priv',
      SubjectUserSid: 'S-1-5-21-1-2-3-1001',
    },
  },
};

describe('ecsToEvent', () => {
  it('maps a Winlogbeat document', () => {
    const ev = ecsToEvent(winlogbeat, src);
    expect(ev).toMatchObject({
      kind: 'ecs',
      timestamp: '2023-02-01T10:11:12.345Z',
      channel: 'Security',
      provider: 'Microsoft-Windows-Security-Auditing',
      providerGuid: '{54849625-5478-4994-a5ba-3e3b0328c30d}',
      eventId: 4688,
      recordId: 90210,
      computer: 'WS01.corp.example',
      processId: 4,
      threadId: 4816,
      level: 4,
    });
    expect(ev?.opcode).toBeUndefined();
    expect(ev?.fields).toEqual(winlogbeat.winlog.event_data);
  });

  it('reads dotted keys and an Elasticsearch hit wrapper', () => {
    const doc = {
      _index: 'winlogbeat-8',
      _source: {
        '@timestamp': '2023-02-01T10:11:12Z',
        'winlog.channel': 'Microsoft-Windows-Sysmon/Operational',
        'winlog.event_id': 1,
        'winlog.event_data.CommandLine': 'calc.exe',
        'event.code': '1',
      },
    };
    expect(isEcsDoc(doc)).toBe(true);
    const ev = ecsToEvent(doc, src);
    expect(ev).toMatchObject({ channel: 'Microsoft-Windows-Sysmon/Operational', eventId: 1 });
    expect(ev?.fields).toEqual({ CommandLine: 'calc.exe' });
  });

  it('is not fooled by documents without winlog', () => {
    expect(isEcsDoc({ event: { code: '4688' } })).toBe(false);
    expect(ecsToEvent({ EventID: 1 }, src)).toBeUndefined();
    expect(pathGet({ a: { 'b.c': { d: 1 } } }, 'a.b.c.d')).toBe(1);
  });
});
