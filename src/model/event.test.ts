import { describe, expect, it } from 'vitest';
import type { Event } from './event.js';
import { getField, timestampToMs } from './event.js';

const ev = (fields: Event['fields']): Event => ({
  kind: 'evtx',
  timestamp: '2026-03-03T01:02:03.1234567Z',
  channel: 'Security',
  provider: 'P',
  eventId: 4688,
  recordId: 7,
  computer: 'H',
  fields,
  source: { file: 'f', offset: 0 },
});

describe('getField', () => {
  it('reads data fields first, then the System header by Sigma names', () => {
    const e = ev({ CommandLine: 'x', Channel: 'shadowed' });
    expect(getField(e, 'CommandLine')).toBe('x');
    expect(getField(e, 'Channel')).toBe('shadowed');
    expect(getField(e, 'EventID')).toBe(4688);
    expect(getField(e, 'Provider_Name')).toBe('P');
    expect(getField(e, 'EventRecordID')).toBe(7);
    expect(getField(e, 'Missing')).toBeUndefined();
  });

  it('finds details-view names with spaces stripped (Sigma field usage)', () => {
    const e = ev({ 'Threat Name': 'EICAR', 'Source Name': 'Real-Time Protection', SourceName2: 'y' });
    expect(getField(e, 'ThreatName')).toBe('EICAR');
    expect(getField(e, 'SourceName')).toBe('Real-Time Protection');
    expect(getField(e, 'Threat Name')).toBe('EICAR');
    expect(getField(e, 'Threat')).toBeUndefined();
  });
});

describe('timestampToMs', () => {
  it('keeps sub-millisecond digits', () => {
    expect(timestampToMs('2026-03-03T01:02:03.1234567Z')).toBeCloseTo(
      Date.UTC(2026, 2, 3, 1, 2, 3) + 123.4567,
      3,
    );
    expect(timestampToMs('2026-03-03T01:02:03Z')).toBe(Date.UTC(2026, 2, 3, 1, 2, 3));
    expect(Number.isNaN(timestampToMs(''))).toBe(true);
  });
});

describe('getField on hostile names', () => {
  it('never returns inherited properties', () => {
    const e = ev({ CommandLine: 'x' });
    expect(getField(e, 'toString')).toBeUndefined();
    expect(getField(e, 'constructor')).toBeUndefined();
    expect(getField(e, '__proto__')).toBeUndefined();
    const own = ev(JSON.parse('{"constructor":"c","__proto__":"p"}') as Event['fields']);
    expect(getField(own, 'constructor')).toBe('c');
    expect(getField(own, '__proto__')).toBe('p');
  });
});
