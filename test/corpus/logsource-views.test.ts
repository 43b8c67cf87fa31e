/**
 * Logsource targets and translated views on real EVTX events (read by Fathom's own EVTX reader):
 * Security 4688 / 5156 from EVTX-ATTACK-SAMPLES DE_RDP_Tunnel_5156.evtx, and "Windows PowerShell"
 * 400 events from Yamato-Security's PowerShell downgrade sample.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Event } from '../../src/model/event.js';
import type { LogsourceTarget } from '../../src/sigma/pipeline/index.js';
import { loadLogsourceMap, makeView, matchesTarget } from '../../src/sigma/pipeline/index.js';
import { parseEvtxBytes, recordToEvent } from '../../src/sources/evtx/index.js';
import { corpusAvailable, corpusPath } from '../utils/corpus.js';

function events(...parts: string[]): Event[] {
  const file = corpusPath('evtx', ...parts);
  const r = parseEvtxBytes(new Uint8Array(readFileSync(file)), { file });
  const out: Event[] = [];
  for (const it of r.items) if (it.ok) out.push(recordToEvent(it.value, file));
  return out;
}

describe.skipIf(!corpusAvailable)('translated views on real events (skipped: corpus not found)', () => {
  const loaded = loadLogsourceMap();
  if (!loaded.ok) throw new Error('mapping failed to load');
  const map = loaded.value;
  const targetOf = (category: string, e: Event): LogsourceTarget | undefined =>
    map.resolve({ product: 'windows', category })?.find((t) => matchesTarget(t, e));

  it('Security 4688 and 5156 read with Sysmon names and formats', () => {
    const evs = events('EVTX-ATTACK-SAMPLES', 'Command and Control', 'DE_RDP_Tunnel_5156.evtx');
    const p4688 = evs.filter((e) => e.eventId === 4688);
    const c5156 = evs.filter((e) => e.eventId === 5156);
    expect(p4688.length).toBeGreaterThan(0);
    expect(c5156.length).toBeGreaterThan(0);
    for (const e of p4688) {
      const t = targetOf('process_creation', e);
      expect(t?.id).toBe('security-4688');
      const v = makeView(e, t!);
      expect(v.get('ProcessId')).toMatch(/^\d+$/);
      expect(v.get('ParentProcessId')).toMatch(/^\d+$/);
      expect(v.get('Image')).toBe(e.fields.NewProcessName);
      if (e.fields.SubjectUserSid === 'S-1-5-18') expect(v.get('User')).toBe('NT AUTHORITY\\SYSTEM');
      expect(v.get('LogonId')).toMatch(/^0x[0-9a-f]+$/);
      // A 4688 is never mistaken for a network connection.
      expect(targetOf('network_connection', e)).toBeUndefined();
    }
    const first = p4688.find((e) => e.fields.NewProcessName === 'C:\\Windows\\System32\\TSTheme.exe')!;
    expect(makeView(first, targetOf('process_creation', first)!).get('ProcessId')).toBe('508');
    for (const e of c5156) {
      const t = targetOf('network_connection', e);
      expect(t?.id).toBe('security-5156');
      const v = makeView(e, t!);
      expect(['true', 'false']).toContain(v.get('Initiated'));
      expect(['tcp', 'udp', 'icmp', 'icmpv6']).toContain(v.get('Protocol'));
      const image = String(v.get('Image'));
      expect(image === 'System' || /^C:\\/.test(image)).toBe(true);
      const inbound = e.fields.Direction === '%%14592';
      expect(v.get('SourceIp')).toBe(inbound ? e.fields.DestAddress : e.fields.SourceAddress);
      expect(v.get('DestinationPort')).toBe(inbound ? e.fields.SourcePort : e.fields.DestPort);
    }
    const kerberos = c5156.find((e) => e.fields.DestPort === '88')!;
    const kv = makeView(kerberos, targetOf('network_connection', kerberos)!);
    expect([kv.get('Image'), kv.get('Protocol'), kv.get('Initiated'), kv.get('DestinationPort')]).toEqual([
      'C:\\windows\\system32\\lsass.exe',
      'tcp',
      'true',
      '88',
    ]);
  });

  it('Windows PowerShell 400: HostApplication / EngineVersion out of the Data blob (downgrade to 2.0)', () => {
    const evs = events(
      'hayabusa-sample-evtx',
      'YamatoSecurity',
      'ImpairDefenses',
      'T1562.010_DowngradeAttack_PowerShell.evtx',
    );
    const starts = evs.filter((e) => e.eventId === 400);
    expect(starts).toHaveLength(3);
    const views = starts.map((e) => {
      const t = targetOf('ps_classic_start', e);
      expect(t?.id).toBe('ps-classic-400');
      return makeView(e, t!);
    });
    expect(views.map((v) => v.get('EngineVersion'))).toEqual(['5.1.18362.145', '5.1.18362.145', '2.0']);
    expect(views[0]!.get('HostApplication')).toBe('powershell calc');
    expect(views[0]!.get('NewEngineState')).toBe('Available');
    const data = views[2]!.get('Data');
    expect(
      Array.isArray(data) && data.some((d) => typeof d === 'string' && d.includes('EngineVersion=2.')),
    ).toBe(true);
  });
});
