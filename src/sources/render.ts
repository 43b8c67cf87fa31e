/**
 * @module sources/render
 * Event renderings for `fathom dump`: one JSON object per line, or Windows-style XML. EVTX
 * records carry their own exact XML (from the BinXml tree); other sources are rendered from
 * the model. Every value is escaped: evidence is attacker-controlled.
 */
import type { Event, FieldValue } from '../model/event.js';

/** The JSONL form of an event: the model itself, in a stable key order. */
export function eventToJsonLine(e: Event): string {
  // `xml` is a rendering side-channel (see EventWithXml), never part of the model. A replacer
  // function would be called for every value, so the rare event carrying it is copied instead.
  if ('xml' in e) {
    const { xml: _xml, ...rest } = e as Event & { xml?: string };
    return JSON.stringify(rest);
  }
  return JSON.stringify(e);
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML 1.0 cannot carry
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

/** Escape text for XML content or attribute values; drops characters XML 1.0 cannot carry. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c).replace(XML_FORBIDDEN, '');
}

function valueText(v: FieldValue): string {
  if (v === null) return '';
  if (Array.isArray(v)) return v.map(valueText).join(',');
  return String(v);
}

/** Windows-style XML rendered from the model (used for sources that carry no XML of their own). */
export function eventToXml(e: Event): string {
  const out: string[] = [];
  out.push('<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">\n  <System>\n');
  const provAttrs = [`Name="${escapeXml(e.provider)}"`];
  if (e.providerGuid) provAttrs.push(`Guid="${escapeXml(e.providerGuid)}"`);
  if (e.eventSourceName) provAttrs.push(`EventSourceName="${escapeXml(e.eventSourceName)}"`);
  out.push(`    <Provider ${provAttrs.join(' ')}/>\n`);
  out.push(
    e.qualifiers !== undefined
      ? `    <EventID Qualifiers="${e.qualifiers}">${e.eventId}</EventID>\n`
      : `    <EventID>${e.eventId}</EventID>\n`,
  );
  const simple: Array<[string, string | number | undefined]> = [
    ['Version', e.version],
    ['Level', e.level],
    ['Task', e.task],
    ['Opcode', e.opcode],
    ['Keywords', e.keywords],
  ];
  for (const [tag, v] of simple)
    if (v !== undefined) out.push(`    <${tag}>${escapeXml(String(v))}</${tag}>\n`);
  if (e.timestamp) out.push(`    <TimeCreated SystemTime="${escapeXml(e.timestamp)}"/>\n`);
  if (e.recordId !== null) out.push(`    <EventRecordID>${e.recordId}</EventRecordID>\n`);
  if (e.activityId || e.relatedActivityId) {
    const a = [];
    if (e.activityId) a.push(`ActivityID="${escapeXml(e.activityId)}"`);
    if (e.relatedActivityId) a.push(`RelatedActivityID="${escapeXml(e.relatedActivityId)}"`);
    out.push(`    <Correlation ${a.join(' ')}/>\n`);
  }
  if (e.processId !== undefined || e.threadId !== undefined) {
    out.push(`    <Execution ProcessID="${e.processId ?? 0}" ThreadID="${e.threadId ?? 0}"/>\n`);
  }
  out.push(`    <Channel>${escapeXml(e.channel)}</Channel>\n`);
  out.push(`    <Computer>${escapeXml(e.computer)}</Computer>\n`);
  out.push(e.userSid ? `    <Security UserID="${escapeXml(e.userSid)}"/>\n` : '    <Security/>\n');
  out.push('  </System>\n');
  const names = Object.keys(e.fields);
  if (names.length || e.data?.length) {
    out.push('  <EventData>\n');
    for (const name of names) {
      const v = e.fields[name] as FieldValue;
      const values = Array.isArray(v) ? v : [v];
      for (const item of values)
        out.push(`    <Data Name="${escapeXml(name)}">${escapeXml(valueText(item))}</Data>\n`);
    }
    for (const item of e.data ?? []) out.push(`    <Data>${escapeXml(valueText(item))}</Data>\n`);
    out.push('  </EventData>\n');
  }
  out.push('</Event>\n');
  return out.join('');
}
