/**
 * @module report/findings
 * Renderers over the canonical findings: JSON Lines (the finding model, one per line), CSV
 * (spreadsheet-safe: RFC 4180 quoting and formula neutralisation, since every value is
 * attacker-controlled), and a terminal table. Pure functions: the CLI writes what they return.
 */
import type { FieldValue } from '../model/event.js';
import type { Finding } from '../model/finding.js';

export type FindingFormat = 'table' | 'jsonl' | 'csv';

export function findingToJsonLine(f: Finding): string {
  return `${JSON.stringify(f)}\n`;
}

export const CSV_COLUMNS = [
  'timestamp',
  'level',
  'host',
  'title',
  'rule_id',
  'techniques',
  'tactics',
  'fields',
  'file',
  'offset',
  'record_id',
  'finding_id',
] as const;

/** Quote for CSV, and defuse cells a spreadsheet would run as a formula (OWASP CSV injection). */
export function csvCell(v: string): string {
  let s = v;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function valueText(v: FieldValue): string {
  if (v === null) return '';
  if (Array.isArray(v)) return v.map(valueText).join(', ');
  return String(v);
}

export function findingsCsvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

export function findingToCsvRow(f: Finding): string {
  const ev = f.evidence[0];
  const src = ev ? (ev.kind === 'event' ? ev.event.source : ev.source) : undefined;
  const recordId = ev && ev.kind === 'event' ? ev.event.recordId : null;
  const cells = [
    f.timestamp,
    f.level,
    f.host,
    f.title,
    f.ruleId,
    f.attack.techniques.join(' '),
    f.attack.tactics.join(' '),
    Object.entries(f.fields ?? {})
      .map(([k, v]) => `${k}=${valueText(v)}`)
      .join('; '),
    src?.file ?? '',
    src ? String(src.offset) : '',
    recordId === null ? '' : String(recordId),
    f.id,
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

const LEVEL_SHORT: Record<string, string> = {
  critical: 'crit',
  high: 'high',
  medium: 'med',
  low: 'low',
  informational: 'info',
};

/** Make text safe for one terminal cell: no control characters (escape sequences), one line. */
export function terminalSafe(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c === 0x2028 || c === 0x2029)
      out += c === 0x0a || c === 0x0d || c === 0x09 ? ' ' : '\uFFFD';
    else if (c >= 0x202a && c <= 0x202e)
      out += '\uFFFD'; // bidi overrides
    else if (c >= 0x2066 && c <= 0x2069) out += '\uFFFD';
    else out += ch;
  }
  return out;
}

function padCell(s: string, width: number): string {
  const t = terminalSafe(s);
  if (t.length <= width) return t.padEnd(width);
  return `${t.slice(0, Math.max(0, width - 1))}…`;
}

/**
 * A fixed-width table: time, level, host, rule, ATT&CK, key fields. `width` is the terminal
 * width (the last column takes what is left).
 */
export function findingsTable(findings: readonly Finding[], width = 160): string {
  const cols = { time: 23, level: 4, host: 18, rule: 44, attack: 12 };
  const fixed = cols.time + cols.level + cols.host + cols.rule + cols.attack + 5 * 2;
  const rest = Math.max(20, width - fixed);
  const lines: string[] = [];
  const head = [
    padCell('time (UTC)', cols.time),
    padCell('lvl', cols.level),
    padCell('host', cols.host),
    padCell('rule', cols.rule),
    padCell('ATT&CK', cols.attack),
    'key fields',
  ].join('  ');
  lines.push(head, '-'.repeat(Math.min(width, fixed + rest)));
  for (const f of findings) {
    const fields = Object.entries(f.fields ?? {})
      .map(([k, v]) => `${k}=${valueText(v)}`)
      .join('  ');
    lines.push(
      [
        padCell(f.timestamp.replace('T', ' ').replace(/(\.\d{3})\d*Z$/, '$1'), cols.time),
        padCell(LEVEL_SHORT[f.level] ?? f.level, cols.level),
        padCell(f.host.split('.')[0] ?? f.host, cols.host),
        padCell(f.title, cols.rule),
        padCell(f.attack.techniques.slice(0, 2).join(',') || '-', cols.attack),
        padCell(fields, rest).trimEnd(),
      ].join('  '),
    );
  }
  return `${lines.join('\n')}\n`;
}
