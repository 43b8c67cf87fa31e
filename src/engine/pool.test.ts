import { describe, expect, it } from 'vitest';
import { AUTO_WORKERS_MIN_BYTES, defaultWorkerCount, resolveWorkers } from './pool.js';

describe('resolveWorkers', () => {
  it('keeps an explicit count, 0 included', () => {
    expect(resolveWorkers(0, 10 * AUTO_WORKERS_MIN_BYTES)).toBe(0);
    expect(resolveWorkers(3, 1)).toBe(3);
  });

  it('auto: the main thread for small evidence, every core from the threshold on', () => {
    expect(resolveWorkers('auto', 0)).toBe(0);
    expect(resolveWorkers('auto', AUTO_WORKERS_MIN_BYTES - 1)).toBe(0);
    expect(resolveWorkers('auto', AUTO_WORKERS_MIN_BYTES)).toBe(defaultWorkerCount());
  });
});
