// The compiled field plans (src/sources/evtx/plan.ts) must map every record exactly as the
// generic walk does: run both over a slice of the corpus and compare the events.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEvtxBytes, recordToEvent } from '../../src/sources/evtx/index.js';
import { setPlansEnabled } from '../../src/sources/evtx/plan.js';
import { corpusAvailable, corpusPath } from '../utils/corpus.js';

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.evtx')) out.push(p);
  }
  return out;
}

describe.skipIf(!corpusAvailable)(
  'EVTX field plans equal the generic mapping — skipped: corpus not found when absent',
  () => {
    afterAll(() => setPlansEnabled(true));
    const files = corpusAvailable ? walk(corpusPath('evtx')).filter((_, i) => i % 4 === 0) : [];
    it.each(files)('%s', (f) => {
      const res = parseEvtxBytes(readFileSync(f), { file: f });
      for (const it of res.items) {
        if (!it.ok) continue;
        setPlansEnabled(true);
        const planned = recordToEvent(it.value, f);
        setPlansEnabled(false);
        const generic = recordToEvent(it.value, f);
        expect(planned).toEqual(generic);
      }
    });
  },
);
