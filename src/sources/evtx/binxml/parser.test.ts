import { describe, expect, it } from 'vitest';
import {
  buildEvtxRecords,
  el,
  type Node,
  nested,
  type RecordSpec,
  sub,
  text,
  tpl,
} from '../../../../test/utils/evtx-builder.js';
import { parseEvtxBytes, recordToEvent, renderRecordXml } from '../index.js';

const W = '2024-03-01T10:11:12Z';

function parse(records: RecordSpec[]) {
  const res = parseEvtxBytes(buildEvtxRecords(records).bytes, { file: 't.evtx' });
  return res;
}

function xmlOf(body: Node[]): string {
  const res = parse([{ recordNumber: 1, written: W, body }]);
  const it0 = res.items[0];
  if (!it0?.ok) throw new Error(JSON.stringify(it0?.issues));
  return renderRecordXml(it0.value);
}

describe('BinXml tokens', () => {
  it('plain elements, attributes, text, CDATA, char and entity references, PI', () => {
    const body: Node[] = [
      { kind: 'pi', target: 'xml-stylesheet', data: 'href="a.xsl"' },
      el(
        'Event',
        { a: 'x<y' },
        el('T', {}, text('a & b')),
        el('C', {}, { kind: 'cdata', value: 'raw <stuff>' }),
        el('R', {}, text('x'), { kind: 'charref', code: 65 }, { kind: 'entityref', name: 'amp' }),
        el('E'),
      ),
    ];
    expect(xmlOf(body)).toBe(
      [
        '<?xml-stylesheet href="a.xsl"?>',
        '<Event a="x&lt;y">',
        '  <T>a &amp; b</T>',
        '  <C><![CDATA[raw <stuff>]]></C>',
        '  <R>x&#65;&amp;</R>',
        '  <E/>',
        '</Event>',
      ].join('\n'),
    );
  });

  it('template instance with normal and optional substitutions; NullType drops attributes and elements', () => {
    const def = {
      guid: '{AAAAAAAA-0000-0000-0000-000000000001}',
      root: el(
        'Event',
        {},
        el('Correlation', { ActivityID: sub(0, 'guid', true) }),
        el('Opt', {}, sub(1, 'string', true)),
        el('Norm', {}, sub(2, 'string')),
        el('Data', { Name: 'x' }, sub(3, 'uint32')),
      ),
    };
    const xml = xmlOf([
      tpl(def, [{ type: 'null' }, { type: 'null' }, { type: 'null' }, { type: 'uint32', value: 7 }]),
    ]);
    expect(xml).toBe(
      ['<Event>', '  <Correlation/>', '  <Norm/>', '  <Data Name="x">7</Data>', '</Event>'].join('\n'),
    );
  });

  it('reuses a template defined in an earlier record (back-reference) and keeps values per record', () => {
    const def = {
      guid: '{AAAAAAAA-0000-0000-0000-000000000002}',
      root: el('Event', {}, el('Data', { Name: 'v' }, sub(0, 'string'))),
    };
    const res = parse([
      { recordNumber: 1, written: W, body: [tpl(def, [{ type: 'string', value: 'one' }])] },
      { recordNumber: 2, written: W, body: [tpl(def, [{ type: 'string', value: 'two' }])] },
    ]);
    const vals = res.items.map((i) => (i.ok ? recordToEvent(i.value, 't').fields.v : null));
    expect(vals).toEqual(['one', 'two']);
  });

  it('nested BinXml substitution (0x21), as a fragment and bare', () => {
    const inner = el('Inner', { k: 'v' }, text('deep'));
    const def = {
      guid: '{AAAAAAAA-0000-0000-0000-000000000003}',
      root: el('Event', {}, el('UserData', {}, sub(0, 'binxml'))),
    };
    for (const bare of [false, true]) {
      const xml = xmlOf([tpl(def, [{ type: 'binxml', value: [inner], bare }])]);
      expect(xml).toBe(
        ['<Event>', '  <UserData>', '    <Inner k="v">deep</Inner>', '  </UserData>', '</Event>'].join('\n'),
      );
    }
  });

  it('caps nesting depth: a record nested 100 deep is one issue, the next record still parses', () => {
    const res = parse([
      { recordNumber: 1, written: W, body: [nested(100)] },
      { recordNumber: 2, written: W, body: [el('Event', {}, text('ok'))] },
    ]);
    expect(res.items.map((i) => i.ok)).toEqual([false, true]);
    const bad = res.items[0];
    if (bad && !bad.ok) expect(bad.issues[0]?.code).toBe('evtx.binxml-too-deep');
  });

  it('an unknown token is an issue with the record offset, not a throw', () => {
    const res = parse([
      { recordNumber: 1, written: W, body: [el('Event', {}, { kind: 'raw', bytes: Uint8Array.of(0x1f) })] },
      { recordNumber: 2, written: W, body: [el('Event')] },
    ]);
    expect(res.items.map((i) => i.ok)).toEqual([false, true]);
    const bad = res.items[0];
    if (bad && !bad.ok) {
      expect(bad.issues[0]?.code).toBe('evtx.binxml-bad-token');
      expect(bad.issues[0]?.location?.offset).toBe(4096 + 512);
    }
  });
});

describe('expansion budget', () => {
  it('a record whose substitutions reference one BinXml value many times at each level is cut, not exponential', () => {
    // Level k: <L>%0 %0 ... (40 times)</L> where %0 is BinXml holding level k-1.
    const refs = (): Node[] => Array.from({ length: 40 }, () => sub(0, 'binxml'));
    let value: Node[] = [el('Leaf', {}, text('x'))];
    for (let k = 0; k < 6; k++) {
      const def = { guid: `{AAAAAAAA-0000-0000-0000-00000000010${k}}`, root: el('L', {}, ...refs()) };
      value = [tpl(def, [{ type: 'binxml', value }])];
    }
    const res = parse([
      { recordNumber: 1, written: W, body: [el('Event', {}, el('UserData', {}, ...value))] },
    ]);
    const it0 = res.items[0];
    if (!it0?.ok) throw new Error(JSON.stringify(it0?.issues));
    const ev = recordToEvent(it0.value, 't');
    expect(ev.source.flags).toContain('render-budget-exceeded');
    expect(renderRecordXml(it0.value)).toMatch(/<!-- fathom: output cut at \d+ nodes/);
  });
});
