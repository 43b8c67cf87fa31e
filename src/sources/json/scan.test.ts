import { describe, expect, it } from 'vitest';
import { CHUNK_SIZES, collectAll, memInput } from '../../../test/sources/inputs.js';
import type { JsonScanItem } from './scan.js';
import { scanJson } from './scan.js';

async function scan(text: string, chunk: number, maxValueBytes?: number) {
  const items = await collectAll<JsonScanItem>(
    scanJson(memInput(text, chunk).open(), { file: 'f.json', ...(maxValueBytes ? { maxValueBytes } : {}) }),
  );
  const values = items.flatMap((i) => ('value' in i ? [i.value] : []));
  const issues = items.flatMap((i) => ('issue' in i ? [i.issue] : []));
  return { values, issues };
}

describe('scanJson', () => {
  describe.each(CHUNK_SIZES)('fed %i bytes at a time', (chunk) => {
    it('reads NDJSON with line numbers and byte offsets', async () => {
      const text = '{"a":1}\n{"b":"x\\"}{"}\r\n\n{"c":[1,{"d":2}]}\n';
      const { values, issues } = await scan(text, chunk);
      expect(issues).toEqual([]);
      expect(values.map((v) => v.value)).toEqual([{ a: 1 }, { b: 'x"}{' }, { c: [1, { d: 2 }] }]);
      expect(values.map((v) => v.line)).toEqual([1, 2, 4]);
      expect(values.map((v) => text.slice(v.offset, v.offset + 5))).toEqual(['{"a":', '{"b":', '{"c":']);
    });

    it('keeps reading after corrupt lines in the middle, naming their lines', async () => {
      const lines = [
        '{"n":1}',
        '{"n":2, "broken": }', // syntax error, braces balanced
        '{"n":3, "cut": "abc', // line ends inside a string
        '{"n":4, "x": 1,', // object cut short after a comma
        'garbage here',
        '{"n":5}}', // one brace too many
        '{"n":6}',
      ];
      const { values, issues } = await scan(`${lines.join('\n')}\n`, chunk);
      expect(values.map((v) => (v.value as { n: number }).n)).toEqual([1, 5, 6]);
      expect(values.map((v) => v.line)).toEqual([1, 6, 7]);
      expect(issues.map((i) => [i.code, i.location?.line])).toEqual([
        ['json-syntax', 2],
        ['json-syntax', 3],
        ['json-truncated', 4],
        ['json-unexpected-text', 5],
        ['json-unexpected-text', 6],
      ]);
    });

    it('reads concatenated pretty-printed objects and skips evtx_dump "Record N" headings', async () => {
      const one = (n: number) => `{\n  "Event": {\n    "System": {\n      "EventID": ${n}\n    }\n  }\n}\n`;
      const text = `Record 1\n${one(1)}Record 2\n${one(2)}${one(3)}`;
      const { values, issues } = await scan(text, chunk);
      expect(issues).toEqual([]);
      expect(values.map((v) => v.line)).toEqual([2, 10, 17]);
    });

    it('recovers from a pretty-printed object cut short between two good ones', async () => {
      const good = (n: number) => `{\n  "Event": {\n    "System": {\n      "EventID": ${n}\n    }\n  }\n}\n`;
      const cutAfterValue = '{\n  "Event": {\n    "System": {\n      "EventID": 90\n';
      const cutAfterComma = '{\n  "Event": {\n    "System": {\n      "EventID": 91,\n';
      const text = good(1) + cutAfterValue + good(2) + cutAfterComma + good(3);
      const { values, issues } = await scan(text, chunk);
      expect(values.map((v) => v.line)).toEqual([1, 12, 23]);
      expect(issues.map((i) => [i.code, i.location?.line])).toEqual([
        ['json-truncated', 8],
        ['json-truncated', 19],
      ]);
    });

    it('reads the elements of a top-level array', async () => {
      const text = '[\n  {"a": 1},\n  {"a": [2, 3]}\n]\n[{"a": 4}]';
      const { values, issues } = await scan(text, chunk);
      expect(issues).toEqual([]);
      expect(values.map((v) => v.value)).toEqual([{ a: 1 }, { a: [2, 3] }, { a: 4 }]);
    });

    it('reports a value cut off by the end of the content', async () => {
      const { values, issues } = await scan('{"a":1}\n{"b": {"c": 2', chunk);
      expect(values).toHaveLength(1);
      expect(issues.map((i) => [i.code, i.location?.line, i.location?.offset])).toEqual([
        ['json-truncated', 2, 8],
      ]);
    });

    it('skips a value over the size cap with an issue and reads on', async () => {
      const big = `{"pad":"${'x'.repeat(300)}"}`;
      const { values, issues } = await scan(`{"a":1}\n${big}\n{"a":2}\n`, chunk, 100);
      expect(values.map((v) => v.value)).toEqual([{ a: 1 }, { a: 2 }]);
      expect(issues.map((i) => [i.code, i.location?.line])).toEqual([['json-value-too-large', 2]]);
    });
  });

  it('skips a UTF-8 byte-order mark and keeps offsets in bytes', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"é":1}\n{"b":2}', 'utf8')]);
    const items = await collectAll(scanJson(memInput(bytes, 3).open(), { file: 'f' }));
    expect(items.map((i) => ('value' in i ? i.value.offset : -1))).toEqual([3, 12]);
  });
});
