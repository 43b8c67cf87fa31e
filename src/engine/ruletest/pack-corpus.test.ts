import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusAvailable, corpusPath } from '../../../test/utils/corpus.js';
import { loadLogsourceMap } from '../../sigma/pipeline/index.js';
import { loadRuleFiles } from '../../sigma/rule/index.js';
import { readEvidenceFile } from '../../sources/registry.js';
import type { DetectionMatcher } from './match.js';
import { detectionMatcher, firesVia } from './match.js';

const packDir = fileURLToPath(new URL('../../../rules', import.meta.url));

/**
 * Third-party attack recordings (read in place) and the pack rules that must fire on them.
 * Rule names are paths under rules/windows without `.yml`.
 */
const EXPECTED: Record<string, string[]> = {
  'evtx/EVTX-ATTACK-SAMPLES/Lateral Movement/LM_typical_IIS_webshell_sysmon_1_10_traces.evtx': [
    'process_creation/webserver_spawns_shell',
    'process_creation/discovery_local_accounts',
  ],
  'evtx/EVTX-ATTACK-SAMPLES/Credential Access/discovery_sysmon_1_iis_pwd_and_config_discovery_appcmd.evtx': [
    'process_creation/iis_appcmd_credential_extraction',
    'process_creation/webserver_spawns_shell',
    'process_creation/powershell_encoded_hidden',
  ],
  'evtx/EVTX-ATTACK-SAMPLES/Command and Control/tunna_iis_rdp_smb_tunneling_sysmon_3.evtx': [
    'network_connection/webserver_connects_internal_admin_ports',
  ],
  'evtx/EVTX-ATTACK-SAMPLES/Credential Access/sysmon_10_1_memdump_comsvcs_minidump.evtx': [
    'process_creation/comsvcs_minidump',
  ],
  'evtx/EVTX-ATTACK-SAMPLES/Credential Access/sysmon_10_11_lsass_memdump.evtx': [
    'process_access/lsass_access_dump_masks',
    'file_event/lsass_dump_file_written',
  ],
  'evtx/EVTX-ATTACK-SAMPLES/Credential Access/Powershell_4104_MiniDumpWriteDump_Lsass.evtx': [
    'ps_script/lsass_minidump_powershell',
  ],
  'evtx/EVTX-ATTACK-SAMPLES/Persistence/sysmon_20_21_1_CommandLineEventConsumer.evtx': [
    'wmi_event/wmi_commandline_or_script_consumer',
    'wmi_event/wmi_binding_to_active_consumer',
  ],
  'evtx/EVTX-ATTACK-SAMPLES/Persistence/persist_bitsadmin_Microsoft-Windows-Bits-Client-Operational.evtx': [
    'bits_client/bits_transfer_of_executable_content',
  ],
  'evtx/EVTX-ATTACK-SAMPLES/Execution/exec_sysmon_lobin_regsvr32_sct.evtx': [
    'process_creation/regsvr32_remote_scriptlet',
    'network_connection/lolbin_outbound_public',
  ],
  'evtx/EVTX-ATTACK-SAMPLES/Execution/exec_persist_rundll32_mshta_scheduledtask_sysmon_1_3_11.evtx': [
    'process_creation/mshta_remote_or_inline_script',
    'process_creation/rundll32_script_or_url_proxy',
  ],
  'evtx/EVTX-ATTACK-SAMPLES/Lateral Movement/LM_ScheduledTask_ATSVC_target_host.evtx': [
    'security/remote_atsvc_pipe_access',
  ],
  'evtx/EVTX-ATTACK-SAMPLES/Lateral Movement/LM_wmiexec_impacket_sysmon_whoami.evtx': [
    'process_creation/wmiprvse_spawns_shell',
  ],
  'evtx/hayabusa-sample-evtx/YamatoSecurity/CredentialAccess/T1558.003_StealOrForgeKerberosTicketsKerberoasting_Security.evtx':
    ['security/kerberos_rc4_service_ticket'],
  'json/mordor/proxylogon_ssrf_rce_poc': [
    'file_event/exchange_script_in_owa_ecp_path',
    'process_creation/webserver_spawns_shell',
  ],
  'json/mordor/cmd_bitsadmin_download_psh_script': ['process_creation/bitsadmin_remote_download'],
  'json/mordor/cmd_netsh_fw_mod_open_ports': ['process_creation/netsh_firewall_inbound_allow'],
  'json/mordor/psh_lsass_memory_dump_comsvcs': [
    'process_creation/comsvcs_minidump',
    'process_access/lsass_access_dump_masks',
  ],
  'json/mordor/empire_launcher_sct_regsvr32': ['process_creation/regsvr32_remote_scriptlet'],
  'json/mordor/sysmon_log4shell_cve2021_44228_java_serialized_object': [
    'process_creation/webserver_spawns_shell',
  ],
  'json/mordor/schtask_create': ['process_creation/schtasks_remote_or_staging_path'],
};

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((n) => filesUnder(join(path, n)));
}

function ruleFiles(dir: string): string[] {
  return filesUnder(dir).filter((f) => f.endsWith('.yml') && !f.endsWith('.tests.yml'));
}

describe.skipIf(!corpusAvailable)(
  'the APT40 pack fires on third-party attack recordings — skipped: corpus not found when absent',
  () => {
    let matchers: DetectionMatcher[] = [];
    beforeAll(async () => {
      const set = await loadRuleFiles(ruleFiles(packDir));
      const map = loadLogsourceMap();
      if (!map.ok) throw new Error('logsource mapping did not load');
      matchers = set.rules.flatMap((rule) => {
        const targets = map.value.resolve(rule.logsource);
        return targets ? [detectionMatcher(rule, targets)] : [];
      });
    });

    for (const [rel, expected] of Object.entries(EXPECTED)) {
      it(rel, async () => {
        const fired = new Set<string>();
        for (const file of filesUnder(corpusPath(rel))) {
          for await (const item of readEvidenceFile(file)) {
            if (!item.ok) continue;
            for (const m of matchers) {
              const name = m.rule.file.slice(packDir.length + '/windows/'.length).replace(/\.yml$/, '');
              if (!expected.includes(name) || fired.has(name)) continue;
              if (firesVia(m, item.value, []).length) fired.add(name);
            }
          }
        }
        expect([...fired].sort()).toEqual([...expected].sort());
      });
    }
  },
);
