/**
 * @module test/conformance/cases/values
 * Values, wildcards, escapes, special values and detection shapes.
 */
import type { MatchCase } from '../harness.js';

const SPEC = 'sigma-rules-specification.md';

export const valueCases: MatchCase[] = [
  // --- plain values ---------------------------------------------------------------------
  {
    name: 'spec example: whoami image, case-insensitive',
    feature: 'value:plain',
    source: `${SPEC} "Yaml File"`,
    rule: `    selection:
        Image: 'C:\\Windows\\System32\\whoami.exe'
    condition: selection`,
    event: { Image: 'c:\\windows\\system32\\WHOAMI.EXE' },
    expect: true,
  },
  {
    name: 'plain value is anchored (no substring match)',
    feature: 'value:plain',
    rule: `    selection:
        Image: 'whoami.exe'
    condition: selection`,
    event: { Image: 'C:\\Windows\\System32\\whoami.exe' },
    expect: false,
  },
  // --- wildcards ------------------------------------------------------------------------
  {
    name: 'spec example: antivirus_V*.exe',
    feature: 'value:wildcard-star',
    source: `${SPEC} "String Wildcard"`,
    rule: `    selection:
        Image: 'antivirus_V*.exe'
    condition: selection`,
    event: { Image: 'antivirus_V21.2.1.exe' },
    expect: true,
  },
  {
    name: 'star matches the empty run',
    feature: 'value:wildcard-star',
    rule: `    selection:
        Image: 'antivirus_V*.exe'
    condition: selection`,
    event: { Image: 'antivirus_V.exe' },
    expect: true,
  },
  {
    name: 'several stars, ordered',
    feature: 'value:wildcard-star',
    rule: `    selection:
        CommandLine: '*a*b*c'
    condition: selection`,
    event: { CommandLine: 'xxcxxbxxa' },
    expect: false,
  },
  {
    name: 'several stars, ordered (match)',
    feature: 'value:wildcard-star',
    rule: `    selection:
        CommandLine: 'x*a*b*c'
    condition: selection`,
    event: { CommandLine: 'xxaxxbxxc' },
    expect: true,
  },
  {
    name: 'star segments may not overlap the anchored end',
    feature: 'value:wildcard-star',
    rule: `    selection:
        CommandLine: 'ab*ba'
    condition: selection`,
    event: { CommandLine: 'aba' },
    expect: false,
  },
  {
    name: 'spec example: prog?.exe',
    feature: 'value:wildcard-qmark',
    source: `${SPEC} "String Wildcard"`,
    rule: `    selection:
        Image: 'prog?.exe'
    condition: selection`,
    event: { Image: 'progA.exe' },
    expect: true,
  },
  {
    name: '? needs exactly one character',
    feature: 'value:wildcard-qmark',
    rule: `    selection:
        Image: 'prog?.exe'
    condition: selection`,
    event: { Image: 'prog.exe' },
    expect: false,
  },
  {
    name: '? wildcard is anchored (Hayabusa #1826: Sec?rity vs MySec1rityLog)',
    feature: 'value:wildcard-qmark',
    rule: `    selection:
        Channel: 'Sec?rity'
    condition: selection`,
    event: { Channel: 'MySec1rityLog' },
    expect: false,
  },
  {
    name: '? with several * (glob path)',
    feature: 'value:wildcard-qmark',
    rule: `    selection:
        CommandLine: '*a?c*x*'
    condition: selection`,
    event: { CommandLine: '--aBc--x--' },
    expect: true,
  },
  {
    name: '? with several * (no match)',
    feature: 'value:wildcard-qmark',
    rule: `    selection:
        CommandLine: '*a?c*x*'
    condition: selection`,
    event: { CommandLine: '--ac--x--' },
    expect: false,
  },
  // --- escapes --------------------------------------------------------------------------
  {
    name: 'escaped \\* is a literal star',
    feature: 'value:escapes',
    source: `${SPEC} "Escape Character"`,
    rule: `    selection:
        CommandLine: 'a\\*b'
    condition: selection`,
    event: { CommandLine: 'a*b' },
    expect: true,
  },
  {
    name: 'escaped \\* does not act as a wildcard',
    feature: 'value:escapes',
    source: `${SPEC} "Escape Character"`,
    rule: `    selection:
        CommandLine: 'a\\*b'
    condition: selection`,
    event: { CommandLine: 'axxb' },
    expect: false,
  },
  {
    name: 'escaped \\? is a literal question mark',
    feature: 'value:escapes',
    source: `${SPEC} "Escape Character"`,
    rule: `    selection:
        CommandLine: 'what\\?'
    condition: selection`,
    event: { CommandLine: 'whatx' },
    expect: false,
  },
  {
    name: 'plain backslash not before a wildcard is literal (single)',
    feature: 'value:escapes',
    source: `${SPEC} "Escape Character"`,
    rule: `    selection:
        Image: 'C:\\Windows\\cmd.exe'
    condition: selection`,
    event: { Image: 'C:\\Windows\\cmd.exe' },
    expect: true,
  },
  {
    name: 'double backslash not before a wildcard is one backslash',
    feature: 'value:escapes',
    source: `${SPEC} "Escape Character"`,
    rule: `    selection:
        Image: 'C:\\\\Windows\\\\cmd.exe'
    condition: selection`,
    event: { Image: 'C:\\Windows\\cmd.exe' },
    expect: true,
  },
  {
    name: '\\\\* is a backslash followed by a wildcard',
    feature: 'value:escapes',
    source: `${SPEC} "Escape Character"`,
    rule: `    selection:
        Image: 'C:\\\\*'
    condition: selection`,
    event: { Image: 'C:\\Windows\\cmd.exe' },
    expect: true,
  },
  {
    name: '\\\\\\* is a literal backslash and a literal star',
    feature: 'value:escapes',
    source: `${SPEC} "Escape Character"`,
    rule: `    selection:
        Image: 'C:\\\\\\*'
    condition: selection`,
    event: { Image: 'C:\\*' },
    expect: true,
  },
  {
    name: '\\\\\\* does not act as a wildcard',
    feature: 'value:escapes',
    source: `${SPEC} "Escape Character"`,
    rule: `    selection:
        Image: 'C:\\\\\\*'
    condition: selection`,
    event: { Image: 'C:\\Windows' },
    expect: false,
  },
  {
    name: 'four backslashes are a double backslash',
    feature: 'value:escapes',
    source: `${SPEC} "Escape Character"`,
    rule: `    selection:
        Path: '\\\\\\\\server'
    condition: selection`,
    event: { Path: '\\\\server' },
    expect: true,
  },
  {
    name: 'three backslashes (not before a wildcard) are a double backslash',
    feature: 'value:escapes',
    source: `${SPEC} "Escape Character"`,
    rule: `    selection:
        Path: '\\\\\\server'
    condition: selection`,
    event: { Path: '\\\\server' },
    expect: true,
  },
  // --- numbers --------------------------------------------------------------------------
  {
    name: 'EventID: 4688 matches an integer field',
    feature: 'value:number',
    rule: `    selection:
        EventID: 4688
    condition: selection`,
    event: {},
    header: { eventId: 4688 },
    expect: true,
  },
  {
    name: 'EventID: 4688 matches a string field',
    feature: 'value:number',
    rule: `    selection:
        Count: 4688
    condition: selection`,
    event: { Count: '4688' },
    expect: true,
  },
  {
    name: "quoted '4688' matches an integer field",
    feature: 'value:number',
    rule: `    selection:
        Count: '4688'
    condition: selection`,
    event: { Count: 4688 },
    expect: true,
  },
  {
    name: 'spec example: TicketEncryption 0x17 as a string',
    feature: 'value:number',
    source: `${SPEC} "Maps"`,
    rule: `    selection:
        EventLog: Security
        EventID: 4769
        TicketOptions: '0x40810000'
        TicketEncryption: '0x17'
    condition: selection`,
    event: { EventLog: 'Security', TicketOptions: '0x40810000', TicketEncryption: '0x17' },
    header: { eventId: 4769 },
    expect: true,
  },
  {
    name: 'boolean value matches the text true',
    feature: 'value:plain',
    rule: `    selection:
        Initiated: true
    condition: selection`,
    event: { Initiated: 'true' },
    expect: true,
  },
  // --- special values -------------------------------------------------------------------
  {
    name: "empty value '' matches an empty field",
    feature: 'value:empty',
    source: `${SPEC} "Special Field Values"`,
    rule: `    selection:
        FieldB: ''
    condition: selection`,
    event: { FieldB: '' },
    expect: true,
  },
  {
    name: "empty value '' does not match an absent field",
    feature: 'value:empty',
    rule: `    selection:
        FieldB: ''
    condition: selection`,
    event: {},
    expect: false,
  },
  {
    name: "empty value '' does not match a non-empty field",
    feature: 'value:empty',
    rule: `    selection:
        FieldB: ''
    condition: selection`,
    event: { FieldB: 'x' },
    expect: false,
  },
  {
    name: 'spec example: PasswordLastSet null filter (absent field → filtered)',
    feature: 'value:null',
    source: `${SPEC} "Special Field Values"`,
    rule: `    selection:
        EventID: 4738
    filter:
        PasswordLastSet: null
    condition: selection and not filter`,
    event: {},
    header: { eventId: 4738 },
    expect: false,
  },
  {
    name: 'spec example: PasswordLastSet null filter (present field → match)',
    feature: 'value:null',
    source: `${SPEC} "Special Field Values"`,
    rule: `    selection:
        EventID: 4738
    filter:
        PasswordLastSet: null
    condition: selection and not filter`,
    event: { PasswordLastSet: '2024-01-01' },
    header: { eventId: 4738 },
    expect: true,
  },
  {
    name: 'null matches a field whose value is null',
    feature: 'value:null',
    rule: `    selection:
        FieldB: null
    condition: selection`,
    event: { FieldB: null },
    expect: true,
  },
  {
    name: 'spec example: 1 of selection_empty* with empty and null (null branch)',
    feature: 'value:null',
    source: `${SPEC} "Special Field Values" (valid example)`,
    rule: `    selection_main:
        FieldA: 'something'
    selection_empty1:
        FieldB: ''
    selection_empty2:
        FieldB: null
    condition: selection_main and 1 of selection_empty*`,
    event: { FieldA: 'something' },
    expect: true,
  },
  {
    name: 'spec example: 1 of selection_empty* with empty and null (empty branch)',
    feature: 'value:empty',
    source: `${SPEC} "Special Field Values" (valid example)`,
    rule: `    selection_main:
        FieldA: 'something'
    selection_empty1:
        FieldB: ''
    selection_empty2:
        FieldB: null
    condition: selection_main and 1 of selection_empty*`,
    event: { FieldA: 'something', FieldB: '' },
    expect: true,
  },
  {
    name: 'spec example: 1 of selection_empty* (neither)',
    feature: 'value:null',
    source: `${SPEC} "Special Field Values" (valid example)`,
    rule: `    selection_main:
        FieldA: 'something'
    selection_empty1:
        FieldB: ''
    selection_empty2:
        FieldB: null
    condition: selection_main and 1 of selection_empty*`,
    event: { FieldA: 'something', FieldB: 'x' },
    expect: false,
  },
  // --- lists and maps -------------------------------------------------------------------
  {
    name: 'spec example: EventID 517 or 1102 (map AND, list OR)',
    feature: 'value:list-or',
    source: `${SPEC} "Maps"`,
    rule: `    selection:
        EventLog: Security
        EventID:
            - 517
            - 1102
    condition: selection`,
    event: { EventLog: 'Security' },
    header: { eventId: 1102 },
    expect: true,
  },
  {
    name: 'map is AND: every field matches',
    feature: 'detection:map-and',
    source: `${SPEC} "Maps"`,
    rule: `    selection:
        EventLog: Security
        EventID:
            - 517
            - 1102
    condition: selection`,
    event: { EventLog: 'security' },
    header: { eventId: 517 },
    expect: true,
  },
  {
    name: 'map is AND: one field missing',
    feature: 'detection:map-and',
    source: `${SPEC} "Maps"`,
    rule: `    selection:
        EventLog: Security
        EventID:
            - 517
            - 1102
    condition: selection`,
    event: { EventLog: 'Application' },
    header: { eventId: 1102 },
    expect: false,
  },
  {
    name: 'spec example: list of maps is OR (second map)',
    feature: 'detection:list-of-maps-or',
    source: `${SPEC} "Lists"`,
    rule: `    selection:
        - Image|endswith: '\\example.exe'
        - Description|contains: 'Test executable'
    condition: selection`,
    event: { Image: 'C:\\other.exe', Description: 'A Test Executable here' },
    expect: true,
  },
  {
    name: 'spec example: list of maps is OR (neither)',
    feature: 'detection:list-of-maps-or',
    source: `${SPEC} "Lists"`,
    rule: `    selection:
        - Image|endswith: '\\example.exe'
        - Description|contains: 'Test executable'
    condition: selection`,
    event: { Image: 'C:\\other.exe', Description: 'nothing' },
    expect: false,
  },
  {
    name: 'event field holding a list matches when any element does',
    feature: 'value:field-array',
    rule: `    selection:
        Tags: 'evil'
    condition: selection`,
    event: { Tags: ['good', 'EVIL'] },
    expect: true,
  },
  {
    name: 'event field holding a list: no element matches',
    feature: 'value:field-array',
    rule: `    selection:
        Tags: 'evil'
    condition: selection`,
    event: { Tags: ['good', 'bad'] },
    expect: false,
  },
  // --- keywords -------------------------------------------------------------------------
  {
    name: 'spec example: keywords EVILSERVICE or svchost.exe -n evil',
    feature: 'detection:keywords',
    source: `${SPEC} "Lists"`,
    rule: `    keywords:
        - 'EVILSERVICE'
        - 'svchost.exe -n evil'
    condition: keywords`,
    event: { Message: 'Service started: C:\\Windows\\svchost.exe -n evil -k x' },
    expect: true,
  },
  {
    name: 'keywords search header values too (Computer)',
    feature: 'detection:keywords',
    rule: `    keywords:
        - 'evilhost'
    condition: keywords`,
    event: { Message: 'nothing' },
    header: { computer: 'EVILHOST.corp' },
    expect: true,
  },
  {
    name: 'spec example: mimikatz keywords (no match)',
    feature: 'detection:keywords',
    source: `${SPEC} "Keywords search"`,
    rule: `    mimikatz_keywords:
        - 'event::clear'
        - 'event::drop'
    condition: mimikatz_keywords`,
    event: { Message: 'event::list' },
    expect: false,
  },
  {
    name: "spec example: '|all' keywords (both present)",
    feature: 'detection:keywords-all',
    source: `${SPEC} "Keywords search"`,
    rule: `    keywords_cmdlet:
        '|all':
            - 'OabVirtualDirectory'
            - ' -ExternalUrl '
    condition: keywords_cmdlet`,
    event: { Payload: 'Set-OabVirtualDirectory -ExternalUrl http://x', Other: 'y' },
    expect: true,
  },
  {
    name: "spec example: '|all' keywords (one missing)",
    feature: 'detection:keywords-all',
    source: `${SPEC} "Keywords search"`,
    rule: `    keywords_cmdlet:
        '|all':
            - 'OabVirtualDirectory'
            - ' -ExternalUrl '
    condition: keywords_cmdlet`,
    event: { Payload: 'Set-OabVirtualDirectory -InternalUrl http://x' },
    expect: false,
  },
  {
    name: 'single keyword string under an identifier',
    feature: 'detection:keywords',
    rule: `    keywords: 'mimikatz'
    condition: keywords`,
    event: { CommandLine: 'C:\\tmp\\MimiKatz.exe' },
    expect: true,
  },
];
