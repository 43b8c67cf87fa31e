/**
 * @module test/fuzz/evtx.fuzz.test
 * Fixed-seed fuzzing of the EVTX reader: a few thousand mutations (bit flips, byte sets,
 * truncations, chunk splices, size-field and offset corruption) of files built by the project's
 * writer and of a few small corpus files. Every input must parse, render and map without
 * throwing, with counts and output bounded by its size (see test/utils/evtx-fuzz-check.ts).
 * Longer runs with a hang watchdog and RSS figures: `node scripts/fuzz-evtx.mjs`. The generous
 * timeouts only keep a loaded CI machine from failing the run; nothing here measures time.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusAvailable, corpusPath } from '../utils/corpus.js';
import { checkInput, checkStream } from '../utils/evtx-fuzz-check.js';
import { builderSeeds, fuzzInput, inputOptions } from '../utils/evtx-mutate.js';

const SEED = 20260229;
const BUILDER_INPUTS = 2000;
const CORPUS_INPUTS = 500;

/** Small single-chunk corpus files (evtx-rs samples), read in place. */
const CORPUS_SEEDS = [
  'evtx/evtx-rs-samples/samples/Microsoft-Windows-HelloForBusiness%4Operational.evtx',
  'evtx/evtx-rs-samples/samples/Microsoft-Windows-LanguagePackSetup%4Operational.evtx',
  'evtx/evtx-rs-samples/samples/Security_short_selected.evtx',
  'evtx/evtx-rs-samples/samples/issue_201.evtx',
];

interface Failure {
  index: number;
  seed: string;
  ops: string[];
  problem: string;
}

async function run(
  seeds: Array<{ name: string; bytes: Uint8Array }>,
  runSeed: number,
  n: number,
): Promise<Failure[]> {
  const failures: Failure[] = [];
  for (let i = 0; i < n; i++) {
    const input = fuzzInput(runSeed, i, seeds);
    const { recover, streamPiece } = inputOptions(runSeed, i);
    try {
      const out = checkInput(input.bytes, recover);
      for (const p of out.violations)
        failures.push({ index: i, seed: input.seedName, ops: input.ops, problem: p });
      if (streamPiece !== null) {
        const s = await checkStream(input.bytes, recover, streamPiece);
        for (const p of s.violations)
          failures.push({ index: i, seed: input.seedName, ops: input.ops, problem: p });
      }
    } catch (e) {
      const msg = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e);
      failures.push({ index: i, seed: input.seedName, ops: input.ops, problem: `threw ${msg}` });
    }
  }
  return failures;
}

describe('EVTX fuzz (fixed seed)', () => {
  const seeds = builderSeeds();

  it('reads the unmutated seeds completely', () => {
    for (const s of seeds) {
      const out = checkInput(s.bytes, true);
      expect({ seed: s.name, violations: out.violations, allOk: out.ok === out.items && out.ok > 0 }).toEqual(
        {
          seed: s.name,
          violations: [],
          allOk: true,
        },
      );
    }
  });

  it(`survives ${BUILDER_INPUTS} mutations of builder files`, async () => {
    const failures = await run(seeds, SEED, BUILDER_INPUTS);
    expect(failures.slice(0, 5)).toEqual([]);
  }, 300_000);

  describe.skipIf(!corpusAvailable)('corpus seeds (skipped: corpus not found)', () => {
    it(`survives ${CORPUS_INPUTS} mutations of small corpus files`, async () => {
      const corpus = CORPUS_SEEDS.map((p) => ({
        name: p,
        bytes: new Uint8Array(readFileSync(corpusPath(p))),
      }));
      const failures = await run(corpus, SEED + 1, CORPUS_INPUTS);
      expect(failures.slice(0, 5)).toEqual([]);
    }, 300_000);
  });
});
