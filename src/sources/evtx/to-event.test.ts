import { describe, expect, it } from 'vitest';
import { buildEvtxRecords, el, type Node, sub, text, tpl } from '../../../test/utils/evtx-builder.js';
import { parseEvtxBytes, recordToEvent } from './index.js';

function eventOf(body: Node[]) {
  const res = parseEvtxBytes(
    buildEvtxRecords([{ recordNumber: 7, written: '2024-03-01T10:11:12Z', body }]).bytes,
  );
  const it0 = res.items[0];
  if (!it0?.ok) throw new Error(JSON.stringify(it0?.issues));
  return recordToEvent(it0.value, 'u.evtx');
}

describe('recordToEvent', () => {
  it('flattens UserData leaves: attributes as Elem_Attr, repeated names as arrays, xmlns skipped', () => {
    const ev = eventOf([
      el(
        'Event',
        {},
        el('System', {}, el('EventID', {}, text('104')), el('EventRecordID', {}, text('55'))),
        el(
          'UserData',
          {},
          el(
            'LogFileCleared',
            { xmlns: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog' },
            el('SubjectUserName', {}, text('alice')),
            el('Object', { type: 'CRL' }),
            el('Empty'),
            el('Header', {}, text('a')),
            el('Header', {}, text('b')),
            el('Nested', {}, el('Deep', { k: 'v' }, text('x'))),
            el('Data', { Name: 'Named' }, text('n')),
          ),
        ),
      ),
    ]);
    expect(ev.eventId).toBe(104);
    expect(ev.recordId).toBe(55);
    expect(ev.source.recordNumber).toBe(7);
    expect(ev.fields).toEqual({
      SubjectUserName: 'alice',
      Object_type: 'CRL',
      Empty: '',
      Header: ['a', 'b'],
      Deep_k: 'v',
      Deep: 'x',
      Named: 'n',
    });
  });

  it('EventData: named Data to fields, unnamed to data[] in order, Binary, array values repeated', () => {
    const def = {
      guid: '{BBBBBBBB-0000-0000-0000-000000000001}',
      root: el(
        'Event',
        {},
        el(
          'EventData',
          {},
          el('Data', {}, sub(0, 'string')),
          el('Data', { Name: 'List' }, sub(1, 0x81)),
          el('Data', {}, sub(2, 'uint32')),
          el('Binary', {}, sub(3, 'binary')),
        ),
      ),
    };
    const ev = eventOf([
      tpl(def, [
        { type: 'string', value: 'first' },
        { type: 'array', of: 'string', values: ['x', 'y'] },
        { type: 'uint32', value: 9 },
        { type: 'binary', value: Uint8Array.of(0xca, 0xfe) },
      ]),
    ]);
    expect(ev.data).toEqual(['first', '9']);
    expect(ev.fields).toEqual({ List: ['x', 'y'], Binary: 'CAFE' });
  });

  it('falls back to the record written time when the event has no TimeCreated', () => {
    const ev = eventOf([el('Event', {}, el('System', {}, el('Channel', {}, text('C'))))]);
    expect(ev.channel).toBe('C');
    expect(ev.timestamp).toBe('2024-03-01T10:11:12.0000000Z');
  });
});
