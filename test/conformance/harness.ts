/**
 * @module test/conformance/harness
 * Shared conformance cases for every Sigma matcher (hono-style): each case is a rule (YAML), an
 * event and the expected outcome; runners push every case through the interpreter and the
 * compiled matcher. A case that one implementation must skip says why (`skip: {reason}`).
 */
import type { Event, FieldValue } from '../../src/model/event.js';

export interface MatchCase {
  /** Unique, readable name. */
  readonly name: string;
  /** Support-matrix feature this case proves (see FEATURES). */
  readonly feature: string;
  /** A full rule document, or a detection section (indented by 4) wrapped into a rule. */
  readonly rule: string;
  readonly event: Record<string, FieldValue>;
  /** Extra header values of the event. */
  readonly header?: Partial<Pick<Event, 'channel' | 'provider' | 'eventId' | 'computer' | 'timestamp'>>;
  readonly expect: boolean;
  /** Where the case comes from (spec file + section) when taken from the spec. */
  readonly source?: string;
  readonly placeholders?: Record<string, string[]>;
  /** A matcher that cannot run this case, with the reason. */
  readonly skip?: { readonly matcher: 'interpreter' | 'compiled'; readonly reason: string };
  /** The compiled matcher is expected to refuse (UnsupportedFeatureError) and run interpreted. */
  readonly interpretedBecause?: RegExp;
}

/** Wrap a detection section into a minimal rule document. */
export function ruleDoc(detection: string): string {
  if (/^title:/m.test(detection)) return detection;
  return `title: conformance case
logsource:
    product: windows
    category: process_creation
detection:
${detection.replace(/^\n/, '').replace(/\s+$/, '')}
`;
}

export function makeEvent(fields: Record<string, FieldValue>, header: MatchCase['header'] = {}): Event {
  return {
    kind: 'evtx',
    timestamp: header.timestamp ?? '2024-05-06T07:08:09.1234567Z',
    channel: header.channel ?? 'Microsoft-Windows-Sysmon/Operational',
    provider: header.provider ?? 'Microsoft-Windows-Sysmon',
    eventId: header.eventId ?? 1,
    recordId: 1,
    computer: header.computer ?? 'host1.example',
    fields,
    source: { file: 'conformance', offset: 0 },
  };
}

/** Features the support matrix lists; every one needs at least one case. */
export const FEATURES: Readonly<Record<string, string>> = {
  'value:plain': 'plain value (case-insensitive equality)',
  'value:wildcard-star': 'wildcard `*`',
  'value:wildcard-qmark': 'wildcard `?`',
  'value:escapes': 'escapes `\\*` `\\?` `\\\\` (spec "Escape Character")',
  'value:number': 'numbers match int or string (`EventID: 4688`)',
  'value:empty': "empty value `''`",
  'value:null': '`null` (absent or null field)',
  'value:list-or': 'value list is OR',
  'value:field-array': 'event field holding a list (any element)',
  'detection:map-and': 'map is AND',
  'detection:list-of-maps-or': 'list of maps is OR',
  'detection:keywords': 'keyword (field-less) search, OR',
  'detection:keywords-all': "`'|all':` keyword list (AND)",
  'mod:contains': '`contains`',
  'mod:startswith': '`startswith`',
  'mod:endswith': '`endswith`',
  'mod:all': '`all`',
  'mod:exists': '`exists`',
  'mod:cased': '`cased`',
  'mod:neq': '`neq`',
  'mod:windash': '`windash` (flag starts, 5 dash characters)',
  'mod:re': '`re` (case-sensitive)',
  'mod:re-i': '`re|i` / `ignorecase`',
  'mod:re-m': '`re|m` / `multiline`',
  'mod:re-s': '`re|s` / `dotall`',
  'mod:base64': '`base64`',
  'mod:base64offset': '`base64offset`',
  'mod:utf16le': '`utf16le`',
  'mod:wide': '`wide`',
  'mod:utf16be': '`utf16be`',
  'mod:utf16': '`utf16` (BOM + LE)',
  'mod:lt': '`lt`',
  'mod:lte': '`lte`',
  'mod:gt': '`gt`',
  'mod:gte': '`gte`',
  'mod:minute': '`minute` (UTC)',
  'mod:hour': '`hour` (UTC)',
  'mod:day': '`day` (UTC)',
  'mod:week': '`week` (ISO week, UTC)',
  'mod:month': '`month` (UTC)',
  'mod:year': '`year` (UTC)',
  'mod:cidr-v4': '`cidr` IPv4',
  'mod:cidr-v6': '`cidr` IPv6',
  'mod:expand': '`expand` (placeholders from configuration)',
  'mod:fieldref': '`fieldref`',
  'mod:fieldref-neq': '`fieldref|neq`',
  'mod:fieldref-contains': '`fieldref` with contains/startswith/endswith',
  'cond:and-or': '`and` / `or`',
  'cond:not': '`not`',
  'cond:parens': 'parentheses',
  'cond:precedence': 'precedence or < and < not < x of < ( )',
  'cond:1-of': '`1 of pattern`',
  'cond:any-of': '`any of pattern` (pySigma)',
  'cond:all-of': '`all of pattern`',
  'cond:them': '`1 of them` / `all of them` (skipping `_` identifiers)',
  'cond:list': 'condition list (OR)',
  'filter:and-not': 'meta-filter ANDed to its target rules',
  'filter:logsource': 'meta-filter applies only on a matching logsource',
  'filter:spec-example': "the spec's filter examples (`tests/schema/filter`)",
};
