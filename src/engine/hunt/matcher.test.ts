import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testEvent } from '../../../test/utils/events.js';
import type { Event } from '../../model/event.js';
import { createEventMatcher, routeKey } from './matcher.js';
import type { PreparedRules } from './prepare.js';
import { prepareRules } from './prepare.js';

const RULES = `title: Network logon
id: 11111111-1111-4111-8111-111111111111
logsource: {product: windows, service: security}
detection:
  s: {EventID: 4624, LogonType: 3}
  condition: s
level: medium
---
title: Failed or explicit logon
id: 22222222-2222-4222-8222-222222222222
logsource: {product: windows, service: security}
detection:
  a: {EventID: 4625}
  b: {EventID: 4648, TargetServerName|contains: 'dc01'}
  condition: a or b
level: medium
---
title: Any security event of a user
id: 33333333-3333-4333-8333-333333333333
logsource: {product: windows, service: security}
detection:
  s: {SubjectUserName|contains: 'svc_'}
  condition: s
level: low
`;

const event = (eventId: number, fields: Event['fields']): Event => testEvent(fields, { eventId });

const EVENTS: Event[] = [
  event(4624, { LogonType: '3', SubjectUserName: 'svc_web' }),
  event(4624, { LogonType: '2' }),
  event(4625, {}),
  event(4648, { TargetServerName: 'DC01.corp' }),
  event(4648, { TargetServerName: 'fs01' }),
  // The event's data carries an EventID of its own: rules read that one (as getField does).
  event(1, { EventID: '4624', LogonType: '3' }),
  event(4624, { EventID: 7, LogonType: '3' }),
  event(4624, { EventID: ['4625', '1'] }),
  event(4624, { EventID: ' 4625' }),
];

function matches(prepared: PreparedRules, ev: Event): string[] {
  const keys: string[] = [];
  const m = createEventMatcher(prepared, {
    finding: (f) => keys.push(f.ruleId),
    correlationInput: () => {},
  });
  m.match(ev);
  return keys.sort();
}

describe('hunt matcher: rules routed by the EventIDs they pin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fathom-route-'));
  writeFileSync(join(dir, 'rules.yml'), RULES);

  it('finds exactly what the unindexed engine finds, whatever the event carries as EventID', async () => {
    const routed = await prepareRules({ rulePaths: [dir], builtin: false });
    const plain = await prepareRules({ rulePaths: [dir], builtin: false, prefilterIndex: false });
    expect(routed.rules.map((r) => r.eventIds)).toEqual([[4624], [4625, 4648], null]);
    expect([...(routed.index.routed.get('security')?.keys() ?? [])].sort()).toEqual([4624, 4625, 4648]);
    expect(plain.index.routed.size).toBe(0);
    const got = EVENTS.map((e) => matches(routed, e));
    expect(got).toEqual(EVENTS.map((e) => matches(plain, e)));
    // The cases that make the comparison meaningful.
    expect(got[0]).toContain('11111111-1111-4111-8111-111111111111');
    expect(got[1]).toEqual([]);
    expect(got[5]).toEqual(['11111111-1111-4111-8111-111111111111']);
    expect(got[6]).toEqual([]);
  });

  it('keys an event by the EventID its rules see', () => {
    expect(routeKey(event(4624, {}))).toBe(4624);
    expect(routeKey(event(1, { EventID: '4624' }))).toBe(4624);
    expect(routeKey(event(1, { EventID: 4624 }))).toBe(4624);
    expect(routeKey(event(1, { EventID: ['4624'] }))).toBeNull();
    expect(routeKey(event(1, { EventID: '04624' }))).toBeNull();
  });
});
