/**
 * @module test/utils/evtx-samples
 * Sample inputs for the EVTX writer and the parser tests: a Windows-shaped event, and one case
 * per BinXml value type with what libevtx's `evtxexport` renders for it.
 */
import {
  type BuilderEvent,
  type BuilderValue,
  el,
  type Node,
  sub,
  tpl,
  valueTypeCode,
} from './evtx-builder.js';

/** A 4624-like event; `i` varies the time, record id and user. */
export function sampleEvent(i: number, over: Partial<BuilderEvent> = {}): BuilderEvent {
  return {
    channel: 'Security',
    provider: 'Microsoft-Windows-Security-Auditing',
    providerGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}',
    eventId: 4624,
    timestamp: `2024-03-01T10:11:${String(i % 60).padStart(2, '0')}.1234567Z`,
    computer: 'WS01.corp.local',
    recordId: 100 + i,
    userSid: 'S-1-5-18',
    processId: 4,
    threadId: 100,
    keywords: '0x8020000000000000',
    data: { TargetUserName: `user${i}`, LogonType: 3 },
    ...over,
  };
}

export interface ValueCase {
  name: string;
  value: BuilderValue;
  /** What Windows shows (and what Fathom renders); null = not pinned. */
  windows: string[] | null;
  /** What libevtx's evtxexport 20181227 prints; null = it cannot read this value. */
  evtxexport: string[] | null;
}

const G = '{0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9}';
const GU = '{0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9}';
const SID = 'S-1-5-21-1004336348-1177238915-682003330-512';
const c = (
  name: string,
  value: BuilderValue,
  windows: string[] | null,
  evtxexport: string[] | null = windows,
): ValueCase => ({
  name,
  value,
  windows,
  evtxexport,
});

/**
 * Every value type (and arrays of each scalar type), each as `<Data Name=name>`, with its
 * rendering by Windows and by evtxexport where they differ (see test/fixtures/evtx/README.md):
 * evtxexport prints negative integers wrongly (-(v & 0x7f..)), size_t in decimal, hex integers
 * zero-padded, FILETIME with 9 digits, reals as `%e`, and cannot read arrays of bool.
 */
export const VALUE_CASES: ValueCase[] = [
  c('string', { type: 'string', value: 'héllo wörld' }, ['héllo wörld']),
  c('stringNul', { type: 'string', value: 'terminated', nul: true }, ['terminated']),
  c('ansi', { type: 'ansi', value: 'ansi text' }, ['ansi text']),
  c('int8', { type: 'int8', value: 100 }, ['100']),
  c('int8neg', { type: 'int8', value: -5 }, ['-5'], ['-123']),
  c('uint8', { type: 'uint8', value: 250 }, ['250']),
  c('int16', { type: 'int16', value: -300 }, ['-300'], ['-32468']),
  c('uint16', { type: 'uint16', value: 65000 }, ['65000']),
  c('int32', { type: 'int32', value: -70000 }, ['-70000'], ['-2147413648']),
  c('uint32', { type: 'uint32', value: 4000000000 }, ['4000000000']),
  c('int64', { type: 'int64', value: 5000000000n }, ['5000000000']),
  c('uint64', { type: 'uint64', value: 18000000000000000000n }, ['18000000000000000000']),
  c('real32', { type: 'real32', value: 1.5 }, null, ['1.500000e+000']),
  c('real64', { type: 'real64', value: 3.25 }, null, ['3.250000e+000']),
  c('boolTrue', { type: 'bool', value: true }, ['true']),
  c('boolFalse', { type: 'bool', value: false }, ['false']),
  c('binary', { type: 'binary', value: Uint8Array.of(0xde, 0xad, 0x01, 0x0f) }, ['DEAD010F']),
  c('guid', { type: 'guid', value: G }, [GU]),
  c('sizet64', { type: 'sizet', value: 0x1234n }, ['0x1234'], ['4660']),
  c('sizet32', { type: 'sizet', value: 0x1234, width: 4 }, ['0x1234'], ['4660']),
  c(
    'filetime',
    { type: 'filetime', value: '2024-03-01T10:11:12.1234567Z' },
    ['2024-03-01T10:11:12.1234567Z'],
    ['2024-03-01T10:11:12.123456700Z'],
  ),
  c(
    'systemtime',
    { type: 'systemtime', value: '2024-03-01T10:11:12.345Z' },
    ['2024-03-01T10:11:12.3450000Z'],
    ['2024-03-01T10:11:12.345Z'],
  ),
  c('sid', { type: 'sid', value: SID }, [SID]),
  c('hex32', { type: 'hex32', value: 0x1f }, ['0x1f'], ['0x0000001f']),
  c('hex64', { type: 'hex64', value: 0x8020000000000000n }, ['0x8020000000000000']),
  c('aString', { type: 'array', of: 'string', values: ['a', 'bb'] }, ['a', 'bb']),
  c('aAnsi', { type: 'array', of: 'ansi', values: ['x', 'yz'] }, ['x', 'yz']),
  c('aInt8', { type: 'array', of: 'int8', values: [1, 2] }, ['1', '2']),
  c('aUint8', { type: 'array', of: 'uint8', values: [1, 255] }, ['1', '255']),
  c('aInt16', { type: 'array', of: 'int16', values: [3] }, ['3']),
  c('aUint16', { type: 'array', of: 'uint16', values: [1, 2, 3] }, ['1', '2', '3']),
  c('aInt32', { type: 'array', of: 'int32', values: [7, 8] }, ['7', '8']),
  c('aUint32', { type: 'array', of: 'uint32', values: [4000000000] }, ['4000000000']),
  c('aInt64', { type: 'array', of: 'int64', values: [5n] }, ['5']),
  c('aUint64', { type: 'array', of: 'uint64', values: [9n, 10n] }, ['9', '10']),
  c('aReal32', { type: 'array', of: 'real32', values: [2] }, null, ['2.000000e+000']),
  c('aReal64', { type: 'array', of: 'real64', values: [0.5] }, null, ['5.000000e-001']),
  c('aBool', { type: 'array', of: 'bool', values: [true, false] }, ['true', 'false'], null),
  c('aGuid', { type: 'array', of: 'guid', values: [G] }, [GU]),
  c('aSizet', { type: 'array', of: 'sizet', values: [0x10n] }, ['0x10'], null),
  c(
    'aFiletime',
    { type: 'array', of: 'filetime', values: ['2024-01-02T03:04:05Z'] },
    ['2024-01-02T03:04:05.0000000Z'],
    ['2024-01-02T03:04:05.000000000Z'],
  ),
  c(
    'aSystemtime',
    { type: 'array', of: 'systemtime', values: ['2024-01-02T03:04:05.006Z'] },
    ['2024-01-02T03:04:05.0060000Z'],
    null,
  ),
  c(
    'aSid',
    { type: 'array', of: 'sid', values: ['S-1-5-18', 'S-1-5-32-544'] },
    ['S-1-5-18', 'S-1-5-32-544'],
    null,
  ),
  c('aHex32', { type: 'array', of: 'hex32', values: [1, 2] }, ['0x1', '0x2'], ['0x00000001', '0x00000002']),
  c('aHex64', { type: 'array', of: 'hex64', values: [3n] }, ['0x3'], ['0x0000000000000003']),
];

/** One record body: `<Event><Data Name=case>%i</Data>...</Event>` as a template instance of `cases`. */
export function valueCasesRecord(cases: ValueCase[] = VALUE_CASES): Node {
  const root = el(
    'Event',
    {},
    ...cases.map((vc, i) => el('Data', { Name: vc.name }, sub(i, valueTypeCode(vc.value)))),
  );
  return tpl(
    { guid: '{11111111-2222-3333-4444-555555555555}', root },
    cases.map((vc) => vc.value),
  );
}
