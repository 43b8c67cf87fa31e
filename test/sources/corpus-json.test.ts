/**
 * Corpus tests for the JSON readers: every NDJSON export under `json/mordor` (gzip) and every
 * evtx-JSON file under `sigma/regression_data`. Counts and ids are checked against an independent
 * reading of the same files (plain `JSON.parse` per line / per top-level object).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Event } from '../../src/model/event.js';
import { readEvidenceFile } from '../../src/sources/registry.js';
import { corpusAvailable, corpusPath } from '../utils/corpus.js';
import { collect } from './inputs.js';

function filesUnder(dir: string, suffix: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(suffix)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

type Obj = Record<string, unknown>;

const mordor = corpusAvailable ? filesUnder(corpusPath('json', 'mordor'), '.json.gz') : [];
const regression = corpusAvailable ? filesUnder(corpusPath('sigma', 'regression_data'), '.json') : [];

describe.skipIf(!corpusAvailable)('corpus: json/mordor NDJSON (skipped: corpus not found)', () => {
  it('finds the exports', () => {
    expect(mordor.length).toBeGreaterThanOrEqual(8);
  });

  it.each(mordor.map((p) => [relative(corpusPath('json', 'mordor'), p), p]))('%s', async (_name, path) => {
    // Independent reading: gunzip whole, one JSON.parse per non-blank line.
    const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n');
    const expected: Array<{ line: number; obj: Obj }> = [];
    lines.forEach((l, i) => {
      if (l.trim()) expected.push({ line: i + 1, obj: JSON.parse(l) as Obj });
    });

    const { events, issues } = await collect(readEvidenceFile(path));
    expect(issues).toEqual([]);
    expect(events.length).toBe(expected.length);
    let commandLines = 0;
    events.forEach((ev: Event, i) => {
      const { line, obj } = expected[i] as { line: number; obj: Obj };
      expect(ev.kind).toBe('flat-json');
      expect(ev.source.line).toBe(line);
      expect(ev.eventId).toBe(Number(obj.EventID));
      expect(ev.channel).toBe(obj.Channel);
      expect(ev.computer).toBe(obj.Hostname ?? obj.Computer);
      expect(ev.provider).toBe(obj.SourceName ?? obj.Provider);
      expect(ev.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?Z$/);
      if (typeof obj.RecordNumber === 'number') expect(ev.recordId).toBe(obj.RecordNumber);
      if (typeof obj.CommandLine === 'string') {
        expect(ev.fields.CommandLine).toBe(obj.CommandLine);
        commandLines++;
      }
    });
    // Every export but the Sentinel one (Sysmon network events only) has process creations.
    if (!path.includes('log4shell')) expect(commandLines).toBeGreaterThan(0);
  });

  it('maps Sentinel WindowsEvent rows (EventData as a JSON string) into fields', async () => {
    const path = mordor.find((p) => p.includes('log4shell'));
    expect(path).toBeDefined();
    const { events } = await collect(readEvidenceFile(path as string));
    const first = events[0] as Event;
    expect(first).toMatchObject({ provider: 'Microsoft-Windows-Sysmon', computer: 'WORKSTATION5' });
    expect(typeof first.fields.Image).toBe('string');
    expect(first.fields.EventData).toBeUndefined();
  });
});

/** Split at `{` in column 0: how the regression files concatenate pretty-printed objects. */
function topLevelObjects(text: string): Obj[] {
  return text
    .split(/\n(?=\{)/)
    .filter((s) => s.trim())
    .map((s) => JSON.parse(s) as Obj);
}

function sys(o: Obj): Obj {
  return ((o.Event as Obj).System ?? {}) as Obj;
}

describe.skipIf(!corpusAvailable)(
  'corpus: sigma/regression_data evtx-JSON (skipped: corpus not found)',
  () => {
    it('finds the files', () => {
      expect(regression.length).toBeGreaterThanOrEqual(150);
    });

    it('reads every file with the same events as an independent parse', async () => {
      let total = 0;
      let multi = 0;
      let commandLines = 0;
      for (const path of regression) {
        const expected = topLevelObjects(readFileSync(path, 'utf8'));
        if (expected.length > 1) multi++;
        const { events, issues } = await collect(readEvidenceFile(path));
        expect(issues, path).toEqual([]);
        expect(events.length, path).toBe(expected.length);
        events.forEach((ev, i) => {
          const o = expected[i] as Obj;
          const s = sys(o);
          const id = s.EventID;
          expect(ev.kind).toBe('evtx-json');
          expect(ev.eventId, path).toBe(Number(typeof id === 'object' && id ? (id as Obj)['#text'] : id));
          expect(ev.channel, path).toBe(s.Channel);
          expect(ev.computer, path).toBe(s.Computer);
          expect(ev.recordId, path).toBe(s.EventRecordID);
          const sysTime = (((s.TimeCreated as Obj)['#attributes'] as Obj).SystemTime as string).replace(
            /Z$/,
            '',
          );
          expect(ev.timestamp.startsWith(sysTime.slice(0, 19)), path).toBe(true);
          const ed = (o.Event as Obj).EventData as Obj | null | undefined;
          if (ed && typeof ed.CommandLine === 'string') {
            expect(ev.fields.CommandLine, path).toBe(ed.CommandLine);
            commandLines++;
          }
        });
        total += events.length;
      }
      expect(multi).toBeGreaterThan(0); // some files hold several pretty-printed objects
      expect(commandLines).toBeGreaterThan(20);
      expect(total).toBeGreaterThanOrEqual(regression.length);
    });
  },
);

describe.skipIf(!corpusAvailable)(
  'corpus: regression evtx-JSON equals its EVTX (skipped: corpus not found)',
  () => {
    it('reads the same header and fields from the JSON dump as from the .evtx beside it', async () => {
      const HEADER = [
        'eventId',
        'channel',
        'provider',
        'computer',
        'userSid',
        'level',
        'task',
        'opcode',
      ] as const;
      const MORE = ['keywords', 'version', 'processId', 'threadId', 'providerGuid', 'activityId'] as const;
      let matched = 0;
      let same = 0;
      const differ: string[] = [];
      for (const path of regression) {
        const json = await collect(readEvidenceFile(path));
        const evtx = await collect(readEvidenceFile(path.replace(/\.json$/, '.evtx')));
        const byId = new Map(evtx.events.map((e) => [e.recordId, e]));
        for (const j of json.events) {
          const x = byId.get(j.recordId);
          if (!x) continue;
          matched++;
          for (const k of [...HEADER, ...MORE]) expect(j[k], `${path} ${k}`).toEqual(x[k]);
          // evtx-rs keeps microseconds of the 100 ns timestamp.
          expect(x.timestamp.startsWith(j.timestamp.replace(/Z$/, '')), path).toBe(true);
          expect(Object.keys(j.fields).sort(), path).toEqual(Object.keys(x.fields).sort());
          // evtx-rs writes GUID-typed data without braces and trims values; otherwise identical.
          for (const [k, v] of Object.entries(x.fields)) {
            const bare = typeof v === 'string' ? v.replace(/^\{([0-9A-Fa-f-]{36})\}$/, '$1') : v;
            const trimmed = typeof v === 'string' ? v.trim() : v;
            if ([v, bare, trimmed].some((c) => JSON.stringify(c) === JSON.stringify(j.fields[k]))) same++;
            else differ.push(`${path} ${k}`);
          }
        }
      }
      expect(matched).toBeGreaterThanOrEqual(150);
      // One JSON file was edited by hand after the dump (`Explorer.exe` for `Explorer.EXE`): 1 of 3,454.
      expect(same).toBeGreaterThan(3000);
      expect(differ.length, differ.join('\n')).toBeLessThanOrEqual(3);
    });
  },
);
