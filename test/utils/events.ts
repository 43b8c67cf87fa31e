/**
 * A minimal event for matcher tests: Security channel, EventID 1, the given fields; any header
 * field can be overridden.
 */
import type { Event } from '../../src/model/event.js';

export function testEvent(fields: Event['fields'], header: Partial<Omit<Event, 'fields'>> = {}): Event {
  return {
    kind: 'evtx',
    timestamp: '2026-03-03T01:00:00.0000000Z',
    channel: 'Security',
    provider: 'Microsoft-Windows-Security-Auditing',
    eventId: 1,
    recordId: 1,
    computer: 'WEB01',
    fields,
    source: { file: 'test.evtx', offset: 0 },
    ...header,
  };
}
