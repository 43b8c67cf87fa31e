/**
 * @module sigma/pipeline/transforms
 * The named value transforms a logsource target's `fieldMap` may use (data files refer to them
 * by name; an unknown name is a load issue). Each turns the values read from the event into
 * the value a Sysmon-vocabulary rule expects, e.g. a 4688 `NewProcessId` `0x1fc` into `508`.
 * Transforms never throw: input they do not understand passes through unchanged or reads as absent.
 */
import type { Event, FieldValue } from '../../model/event.js';
import type { FieldValueOrAbsent } from './types.js';

export interface TransformInput {
  /** The values of the entry's `from` fields, in order (`undefined` when absent). */
  values: FieldValueOrAbsent[];
  event: Event;
  params: Readonly<Record<string, string>>;
}

export type Transform = (input: TransformInput) => FieldValueOrAbsent;

/** Names Windows uses for "no value" in audit events. */
function isBlank(v: FieldValueOrAbsent): boolean {
  return v === undefined || v === null || v === '' || v === '-';
}

function str(v: FieldValueOrAbsent): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.length ? str(v[0]) : undefined;
  return String(v);
}

const HEX_RE = /^0x[0-9a-f]{1,16}$/i;

/** The number of a `0x` hex string (≤ 16 digits), as a safe number or a bigint. */
function hexValue(s: string): number | bigint {
  let i = 2;
  while (i < s.length - 1 && s.charCodeAt(i) === 48) i++; // leading zeros
  const digits = s.slice(i);
  return digits.length <= 13 ? Number.parseInt(digits, 16) : BigInt(`0x${digits}`);
}

/** `0x000001fc` → `508` (strings, as Sysmon renders ids); decimals pass through. */
export function hexToDecimal(v: FieldValueOrAbsent): FieldValueOrAbsent {
  const s = str(v)?.trim();
  if (s === undefined) return v;
  if (HEX_RE.test(s)) return hexValue(s).toString(10);
  return v;
}

/** `0x00000000000003E7` → `0x3e7` (Sysmon's LogonId form). */
export function normalizeHex(v: FieldValueOrAbsent): FieldValueOrAbsent {
  const s = str(v)?.trim();
  if (s === undefined || !HEX_RE.test(s)) return v;
  return `0x${hexValue(s).toString(16)}`;
}

const DEVICE_RE = /^\\device\\harddiskvolume(\d+)(?=\\|$)/i;

/**
 * `\device\harddiskvolume2\windows\system32\svchost.exe` → `C:\windows\system32\svchost.exe`.
 * The volume → drive mapping is not in the event; `params.volumeN` gives it per volume and
 * `params.drive` (default `C:`) covers the rest (see docs/logsources.md).
 */
function devicePath({ values, params }: TransformInput): FieldValueOrAbsent {
  const v = values[0];
  const s = str(v);
  if (s === undefined) return v;
  const m = DEVICE_RE.exec(s);
  if (!m) return v;
  const drive = params[`volume${m[1]}`] ?? params.drive ?? 'C:';
  return drive + s.slice(m[0].length);
}

const REGISTRY_ROOTS: ReadonlyArray<[RegExp, string]> = [
  [/^\\REGISTRY\\MACHINE(?=\\|$)/i, 'HKLM'],
  [/^\\REGISTRY\\USER(?=\\|$)/i, 'HKU'],
];

/** 4657 `ObjectName` (+ `ObjectValueName`) → Sysmon `TargetObject`: `HKLM\...\Run\value`. */
function registryPath({ values }: TransformInput): FieldValueOrAbsent {
  const key = str(values[0]);
  if (key === undefined) return undefined;
  let out = key;
  for (const [re, root] of REGISTRY_ROOTS) {
    if (re.test(out)) {
      out = out.replace(re, root);
      break;
    }
  }
  const valueName = values[1];
  if (!isBlank(valueName)) out = `${out}\\${str(valueName)}`;
  return out;
}

/** Well-known SIDs Sysmon renders as names whatever the computer's account name. */
const WELL_KNOWN_SIDS: Readonly<Record<string, string>> = {
  'S-1-5-18': 'NT AUTHORITY\\SYSTEM',
  'S-1-5-19': 'NT AUTHORITY\\LOCAL SERVICE',
  'S-1-5-20': 'NT AUTHORITY\\NETWORK SERVICE',
};

/**
 * `DOMAIN\user` from (sid, domain, name) triples in `from`, the first triple with a name
 * winning. 4688 lists Target* first: Windows fills them only when the new process runs under
 * another account than its creator (Subject*), and Sysmon's `User` is the new process's account.
 */
function windowsUser({ values }: TransformInput): FieldValueOrAbsent {
  for (let i = 0; i + 2 < values.length; i += 3) {
    const sid = str(values[i]);
    const domain = values[i + 1];
    const name = values[i + 2];
    if (isBlank(name)) continue;
    const known = sid ? WELL_KNOWN_SIDS[sid.toUpperCase()] : undefined;
    if (known) return known;
    return isBlank(domain) ? str(name) : `${str(domain)}\\${str(name)}`;
  }
  return undefined;
}

/** The first present, non-zero hex value, normalised (4688 `TargetLogonId` then `SubjectLogonId`). */
function firstLogonId({ values }: TransformInput): FieldValueOrAbsent {
  for (const v of values) {
    if (isBlank(v)) continue;
    const n = normalizeHex(v);
    if (n === '0x0') continue;
    return n;
  }
  return undefined;
}

/** The value of `Key=` in a PowerShell classic `Data` blob (`\tHostApplication=...` lines). */
function kvBlob({ values, event, params }: TransformInput): FieldValueOrAbsent {
  const key = params.key;
  if (!key) return undefined;
  const sources: FieldValue[] = values.length && values[0] !== undefined ? [values[0]] : (event.data ?? []);
  const needle = `${key}=`;
  for (const src of sources) {
    const list = Array.isArray(src) ? src : [src];
    for (const item of list) {
      if (typeof item !== 'string') continue;
      let at = item.indexOf(needle);
      while (at >= 0) {
        const before = at === 0 ? '\n' : item[at - 1];
        if (before === '\n' || before === '\t' || before === '\r' || before === ' ') {
          const start = at + needle.length;
          let end = item.indexOf('\n', start);
          if (end < 0) end = item.length;
          return item.slice(start, end).replace(/\r$/, '');
        }
        at = item.indexOf(needle, at + 1);
      }
    }
  }
  return undefined;
}

/** Unnamed `<Data>` values (PowerShell classic), or a `Data` field when a reader named it. */
function unnamedData({ values, event }: TransformInput): FieldValueOrAbsent {
  if (values.length && values[0] !== undefined) return values[0];
  if (event.data?.length) return event.data.length === 1 ? event.data[0] : event.data;
  return undefined;
}

const INBOUND = new Set(['%%14592', 'inbound']);

/**
 * WFP 5156 always puts the local side in Source*; Sysmon 3 puts the initiator there. So for
 * inbound events (Direction `%%14592`) Sysmon's Source is 5156's Dest. `from`: [Direction,
 * SourceX, DestX]; `params.side`: `source` | `destination`; `params.output`: `value` | `is-ipv6`.
 */
function wfpEndpoint({ values, params }: TransformInput): FieldValueOrAbsent {
  const dir = str(values[0])?.trim().toLowerCase() ?? '';
  const inbound = INBOUND.has(dir);
  const wantSource = params.side !== 'destination';
  const v = wantSource !== inbound ? values[1] : values[2];
  if (params.output === 'is-ipv6') {
    const s = str(v);
    return s === undefined ? undefined : s.includes(':') ? 'true' : 'false';
  }
  return v;
}

/** Registry value types as 4657 carries them (message ids of msobjs.dll, or rendered names). */
const REG_TYPES: Readonly<Record<string, string>> = {
  '%%1873': 'REG_SZ',
  '%%1874': 'REG_EXPAND_SZ',
  '%%1875': 'REG_BINARY',
  '%%1876': 'REG_DWORD',
  '%%1879': 'REG_MULTI_SZ',
  '%%1882': 'REG_QWORD',
};

function hex8(n: bigint): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/**
 * 4657 `NewValue` (+ `NewValueType`) → Sysmon `Details`: DWORDs as `DWORD (0x00000001)`,
 * QWORDs as `QWORD (0xhigh-0xlow)`, binary as `Binary Data`; strings unchanged.
 */
function registryDetails({ values }: TransformInput): FieldValueOrAbsent {
  const v = values[0];
  const rawType = str(values[1])?.trim() ?? '';
  const type = REG_TYPES[rawType] ?? rawType.toUpperCase();
  const s = str(v)?.trim();
  if (s === undefined) return v;
  let n: bigint | undefined;
  try {
    n = /^(0x[0-9a-f]+|\d+)$/i.test(s) ? BigInt(s) : undefined;
  } catch {
    n = undefined;
  }
  if (type === 'REG_DWORD' && n !== undefined) return `DWORD (${hex8(n & 0xffffffffn)})`;
  if (type === 'REG_QWORD' && n !== undefined) return `QWORD (${hex8(n >> 32n)}-${hex8(n & 0xffffffffn)})`;
  if (type === 'REG_BINARY') return 'Binary Data';
  return v;
}

/** Values joined by `params.sep` (default `\`), blanks skipped. */
function join({ values, params }: TransformInput): FieldValueOrAbsent {
  const parts = values.filter((v) => !isBlank(v)).map((v) => str(v) ?? '');
  return parts.length ? parts.join(params.sep ?? '\\') : undefined;
}

/** The first value that is present and not blank (`-`). */
function firstPresent({ values }: TransformInput): FieldValueOrAbsent {
  for (const v of values) if (!isBlank(v)) return v;
  return undefined;
}

export const TRANSFORMS: Readonly<Record<string, Transform>> = {
  'hex-to-decimal': ({ values }) => hexToDecimal(values[0]),
  'hex-normalize': ({ values }) => normalizeHex(values[0]),
  'device-path': devicePath,
  'registry-path': registryPath,
  'registry-details': registryDetails,
  'windows-user': windowsUser,
  'logon-id': firstLogonId,
  'kv-blob': kvBlob,
  'unnamed-data': unnamedData,
  'wfp-endpoint': wfpEndpoint,
  join,
  'first-present': firstPresent,
};
