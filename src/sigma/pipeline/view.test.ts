import { describe, expect, it } from 'vitest';
import type { Event, FieldValue } from '../../model/event.js';
import type { LogsourceMap } from './index.js';
import { loadLogsourceMap, makeView, matchesTarget } from './index.js';

function load(): LogsourceMap {
  const r = loadLogsourceMap();
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.value;
}

function ev(
  channel: string,
  eventId: number,
  fields: Record<string, FieldValue>,
  extra: Partial<Event> = {},
): Event {
  return {
    kind: 'evtx',
    timestamp: '2024-05-01T10:00:00.0000000Z',
    channel,
    provider: channel === 'Security' ? 'Microsoft-Windows-Security-Auditing' : 'Microsoft-Windows-Sysmon',
    eventId,
    recordId: 1,
    computer: 'PC01.example.corp',
    fields,
    source: { file: 'built', offset: 0 },
    ...extra,
  };
}

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';
const map = load();

function targetFor(category: string, e: Event) {
  const ts = map.resolve({ product: 'windows', category });
  expect(ts).not.toBeNull();
  const t = ts!.find((x) => matchesTarget(x, e));
  expect(t, `a ${category} target for ${e.channel}/${e.eventId}`).toBeDefined();
  return t!;
}

describe('process_creation: Sysmon 1 and Security 4688 of the same process read alike', () => {
  // Real 4688 v2 value formats (EVTX-ATTACK-SAMPLES NTLM2SelfRelay 4688): 64-bit hex ids,
  // MandatoryLabel SIDs, Target* set to '-' / S-1-0-0 / 0x0 when the account did not change.
  const sysmon1 = ev(SYSMON, 1, {
    ProcessId: '476',
    Image: 'C:\\Windows\\System32\\notepad.exe',
    CommandLine: 'notepad.exe C:\\Users\\alice\\secret.txt',
    User: 'EXAMPLE\\alice',
    LogonId: '0xd2a1f',
    IntegrityLevel: 'High',
    ParentProcessId: '3724',
    ParentImage: 'C:\\Windows\\System32\\wbem\\WmiPrvSE.exe',
    OriginalFileName: 'NOTEPAD.EXE',
  });
  const sec4688 = ev('Security', 4688, {
    SubjectUserSid: 'S-1-5-21-1-2-3-1104',
    SubjectUserName: 'alice',
    SubjectDomainName: 'EXAMPLE',
    SubjectLogonId: '0x00000000000d2a1f',
    NewProcessId: '0x00000000000001dc',
    NewProcessName: 'C:\\Windows\\System32\\notepad.exe',
    TokenElevationType: '%%1937',
    ProcessId: '0x0000000000000e8c',
    CommandLine: 'notepad.exe C:\\Users\\alice\\secret.txt',
    TargetUserSid: 'S-1-0-0',
    TargetUserName: '-',
    TargetDomainName: '-',
    TargetLogonId: '0x0',
    ParentProcessName: 'C:\\Windows\\System32\\wbem\\WmiPrvSE.exe',
    MandatoryLabel: 'S-1-16-12288',
  });
  const fields = [
    'Image',
    'ParentImage',
    'CommandLine',
    'ProcessId',
    'ParentProcessId',
    'IntegrityLevel',
    'User',
    'LogonId',
  ];

  it.each(fields)('%s', (f) => {
    const a = makeView(sysmon1, targetFor('process_creation', sysmon1)).get(f);
    const b = makeView(sec4688, targetFor('process_creation', sec4688)).get(f);
    expect(a).toBeDefined();
    expect(b).toBe(a);
  });

  it('Sysmon-only fields read as absent on 4688, not as a same-named 4688 field', () => {
    const v = makeView(sec4688, targetFor('process_creation', sec4688));
    expect(v.get('OriginalFileName')).toBeUndefined();
    expect(v.get('ParentCommandLine')).toBeUndefined();
    // 4688-only fields stay readable under their own names.
    expect(v.get('TokenElevationType')).toBe('%%1937');
  });

  it('the SYSTEM account reads as Sysmon renders it, and a changed account wins over the creator', () => {
    const system = ev('Security', 4688, {
      SubjectUserSid: 'S-1-5-18',
      SubjectUserName: 'PC01$',
      SubjectDomainName: 'EXAMPLE',
      SubjectLogonId: '0x00000000000003e7',
      NewProcessId: '0x000001fc',
      NewProcessName: 'C:\\Windows\\System32\\TSTheme.exe',
      ProcessId: '0x00000278',
    });
    const v = makeView(system, targetFor('process_creation', system));
    expect(v.get('User')).toBe('NT AUTHORITY\\SYSTEM');
    expect(v.get('LogonId')).toBe('0x3e7');
    expect(v.get('ProcessId')).toBe('508');
    expect(v.get('ParentProcessId')).toBe('632');
    const runas = ev('Security', 4688, {
      SubjectUserSid: 'S-1-5-20',
      SubjectUserName: 'WIND10$',
      SubjectDomainName: 'WINLAB',
      SubjectLogonId: '0x00000000000003e4',
      TargetUserSid: 'S-1-0-0',
      TargetUserName: 'Administrator',
      TargetDomainName: 'WINLAB',
      TargetLogonId: '0x000000000082215a',
    });
    const r = makeView(runas, targetFor('process_creation', runas));
    expect(r.get('User')).toBe('WINLAB\\Administrator');
    expect(r.get('LogonId')).toBe('0x82215a');
  });

  it('views are cached per event and target', () => {
    const t = targetFor('process_creation', sec4688);
    expect(makeView(sec4688, t)).toBe(makeView(sec4688, t));
  });
});

describe('network_connection: Sysmon 3 and Security 5156', () => {
  const fields = [
    'Image',
    'ProcessId',
    'Protocol',
    'Initiated',
    'SourceIp',
    'SourcePort',
    'DestinationIp',
    'DestinationPort',
  ];
  const pairs: Array<[string, Event, Event]> = [
    [
      'outbound',
      ev(SYSMON, 3, {
        ProcessId: '520',
        Image: 'C:\\windows\\system32\\lsass.exe',
        Protocol: 'tcp',
        Initiated: 'true',
        SourceIp: '10.0.2.17',
        SourcePort: '49263',
        DestinationIp: '10.0.2.15',
        DestinationPort: '88',
      }),
      // Real 5156 (DE_RDP_Tunnel_5156.evtx record 227698).
      ev('Security', 5156, {
        ProcessID: '520',
        Application: '\\device\\harddiskvolume1\\windows\\system32\\lsass.exe',
        Direction: '%%14593',
        SourceAddress: '10.0.2.17',
        SourcePort: '49263',
        DestAddress: '10.0.2.15',
        DestPort: '88',
        Protocol: '6',
        LayerName: '%%14611',
      }),
    ],
    [
      'inbound: WFP lists the local side first, Sysmon the initiator',
      ev(SYSMON, 3, {
        ProcessId: '4',
        Image: 'System',
        Protocol: 'udp',
        Initiated: 'false',
        SourceIp: '10.0.2.18',
        SourcePort: '137',
        DestinationIp: '10.255.255.255',
        DestinationPort: '137',
      }),
      ev('Security', 5156, {
        ProcessID: '4',
        Application: 'System',
        Direction: '%%14592',
        SourceAddress: '10.255.255.255',
        SourcePort: '137',
        DestAddress: '10.0.2.18',
        DestPort: '137',
        Protocol: '17',
      }),
    ],
  ];
  for (const [name, s3, s5156] of pairs) {
    it.each(fields)(`${name}: %s`, (f) => {
      const a = makeView(s3, targetFor('network_connection', s3)).get(f);
      const b = makeView(s5156, targetFor('network_connection', s5156)).get(f);
      expect(a).toBeDefined();
      expect(String(b).toLowerCase()).toBe(String(a).toLowerCase());
    });
  }

  it('derives SourceIsIpv6 and refuses User', () => {
    const e = pairs[0]![2];
    const v = makeView(e, targetFor('network_connection', e));
    expect(v.get('SourceIsIpv6')).toBe('false');
    expect(v.get('User')).toBeUndefined();
  });
});

describe('registry: Sysmon 13 and Security 4657', () => {
  const s13 = ev(SYSMON, 13, {
    EventType: 'SetValue',
    ProcessId: '2412',
    Image: 'C:\\Windows\\System32\\reg.exe',
    TargetObject: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\ntkd',
    Details: 'DWORD (0x00000001)',
    User: 'EXAMPLE\\alice',
  });
  const raw4657 = ev('Security', 4657, {
    SubjectUserSid: 'S-1-5-21-1-2-3-1104',
    SubjectUserName: 'alice',
    SubjectDomainName: 'EXAMPLE',
    SubjectLogonId: '0xd2a1f',
    ObjectName: '\\REGISTRY\\MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run',
    ObjectValueName: 'ntkd',
    HandleId: '0x1a8',
    OperationType: '%%1905',
    OldValueType: '%%1876',
    OldValue: '0',
    NewValueType: '%%1876',
    NewValue: '1',
    ProcessId: '0x96c',
    ProcessName: 'C:\\Windows\\System32\\reg.exe',
  });
  const rendered4657 = {
    ...raw4657,
    fields: {
      ...raw4657.fields,
      OperationType: 'Existing registry value modified',
      NewValueType: 'REG_DWORD',
    },
  };
  for (const [name, e] of [
    ['raw %%190x values', raw4657],
    ['rendered text values', rendered4657],
  ] as const) {
    it.each(['TargetObject', 'Details', 'EventType', 'Image', 'ProcessId', 'User'])(`${name}: %s`, (f) => {
      const a = makeView(s13, targetFor('registry_set', s13)).get(f);
      const b = makeView(e, targetFor('registry_set', e)).get(f);
      expect(a).toBeDefined();
      expect(b).toBe(a);
    });
  }

  it('registry_add takes only "value created" 4657 events; registry_event both; HKU roots translate', () => {
    const created = { ...raw4657, fields: { ...raw4657.fields, OperationType: '%%1904' } };
    const addTargets = map.resolve({ product: 'windows', category: 'registry_add' })!;
    expect(addTargets.some((t) => matchesTarget(t, created))).toBe(true);
    expect(addTargets.some((t) => matchesTarget(t, raw4657))).toBe(false);
    const evTargets = map.resolve({ product: 'windows', category: 'registry_event' })!;
    expect(evTargets.some((t) => matchesTarget(t, created) && matchesTarget(t, raw4657))).toBe(true);
    const hku = {
      ...raw4657,
      fields: {
        ...raw4657.fields,
        ObjectName: '\\REGISTRY\\USER\\S-1-5-21-1-2-3-1104\\Software',
        ObjectValueName: '-',
      },
    };
    expect(makeView(hku, targetFor('registry_set', hku)).get('TargetObject')).toBe(
      'HKU\\S-1-5-21-1-2-3-1104\\Software',
    );
  });
});

describe('PowerShell classic: fields inside the Data blob', () => {
  // Shape of real "Windows PowerShell" 400 events (CrackMapExec sample): three unnamed <Data>.
  const blob =
    '\tNewEngineState=Available\n\tPreviousEngineState=None\n\n\tSequenceNumber=13\n\n\tHostName=ConsoleHost\n' +
    '\tHostVersion=5.1.19041.906\n\tHostId=e0fe16a9-5eca-4050-9591-3a811a168d94\n' +
    '\tHostApplication=powershell.exe -exec bypass -noni -nop -w 1 -C IEX\n\tEngineVersion=5.1.19041.906\n' +
    '\tRunspaceId=d67efae0-b960-4544-8e74-bdb0cdd6a328\n\tPipelineId=\n\tCommandName=\n\tCommandLine=';
  const e400 = ev(
    'Windows PowerShell',
    400,
    {},
    { provider: 'PowerShell', data: ['Available', 'None', blob] },
  );

  it('exposes Data and the Key=Value lines', () => {
    const t = targetFor('ps_classic_start', e400);
    const v = makeView(e400, t);
    expect(v.get('HostApplication')).toBe('powershell.exe -exec bypass -noni -nop -w 1 -C IEX');
    expect(v.get('EngineVersion')).toBe('5.1.19041.906');
    expect(v.get('HostName')).toBe('ConsoleHost');
    expect(v.get('PipelineId')).toBe('');
    expect(v.get('Data')).toEqual(['Available', 'None', blob]);
  });

  it('ps_script resolves to 4104 on both PowerShell channels and nothing else', () => {
    const ts = map.resolve({ product: 'windows', category: 'ps_script' })!;
    const core = ev('PowerShellCore/Operational', 4104, { ScriptBlockText: 'x' });
    const win = ev('Microsoft-Windows-PowerShell/Operational', 4104, { ScriptBlockText: 'x' });
    const mod = ev('Microsoft-Windows-PowerShell/Operational', 4103, {});
    expect(ts.some((t) => matchesTarget(t, core))).toBe(true);
    expect(ts.some((t) => matchesTarget(t, win))).toBe(true);
    expect(ts.some((t) => matchesTarget(t, mod))).toBe(false);
  });
});

describe('resolve and matching', () => {
  it('unknown logsources resolve to null', () => {
    expect(map.resolve({ product: 'windows', category: 'no_such_category' })).toBeNull();
    expect(map.resolve({ product: 'aws', service: 'cloudtrail' })).toBeNull();
    expect(map.resolve({})).toBeNull();
  });

  it('a service resolves to its channel, matched on the event channel, never the file', () => {
    const ts = map.resolve({ product: 'windows', service: 'applocker' })!;
    expect(ts).toHaveLength(1);
    expect(ts[0]!.channels).toHaveLength(4);
    const forwarded = ev(
      'Microsoft-Windows-AppLocker/EXE and DLL',
      8004,
      {},
      {
        source: { file: 'ForwardedEvents.evtx', offset: 0 },
      },
    );
    expect(matchesTarget(ts[0]!, forwarded)).toBe(true);
    const wrong = ev('Security', 8004, {}, { source: { file: 'AppLocker.evtx', offset: 0 } });
    expect(matchesTarget(ts[0]!, wrong)).toBe(false);
  });

  it('antivirus maps Defender fields to the taxonomy names', () => {
    const d = ev('Microsoft-Windows-Windows Defender/Operational', 1116, {
      'Threat Name': 'HackTool:Win32/Mimikatz',
      Path: 'file:_C:\\Users\\alice\\m.exe',
    });
    const t = map.resolve({ category: 'antivirus' })!.find((x) => matchesTarget(x, d))!;
    expect(makeView(d, t).get('Signature')).toBe('HackTool:Win32/Mimikatz');
    expect(makeView(d, t).get('Filename')).toBe('file:_C:\\Users\\alice\\m.exe');
  });

  it('web and network categories are keyed by source kind', () => {
    const ts = map.resolve({ category: 'proxy' })!;
    const zeek = ev(
      'http',
      0,
      { method: 'POST', uri: '/upload', user_agent: 'rclone/v1.57', host: 'x.example' },
      {
        kind: 'zeek',
      },
    );
    const t = ts.find((x) => matchesTarget(x, zeek))!;
    expect(t.id).toBe('zeek-http-proxy');
    expect(makeView(zeek, t).get('cs-method')).toBe('POST');
    expect(makeView(zeek, t).get('c-useragent')).toBe('rclone/v1.57');
    // An EVTX event never matches a kind-keyed target.
    expect(ts.some((x) => matchesTarget(x, ev('Security', 4624, {})))).toBe(false);
    expect(map.resolve({ category: 'network', service: 'connection' })!.map((x) => x.id)).toEqual([
      'zeek-conn-network',
    ]);
    expect(map.resolve({ category: 'webserver' })!.length).toBeGreaterThan(0);
  });
});
