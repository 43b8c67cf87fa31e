import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintRules } from './index.js';

describe('lintRules', () => {
  it('reports every document with its status, reason and issues', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fathom-lint-'));
    writeFileSync(
      join(dir, 'a.yml'),
      `title: clean
id: 545a5da6-f103-4919-a519-e9aec1026ee4
logsource: {category: process_creation, product: windows}
detection:
    selection: {Image|endswith: '\\x.exe'}
    condition: selection
level: low
---
title: warnings
id: 545a5da6-f103-4919-a519-e9aec1026ee4
logsource: {product: windows}
detection:
    selection:
        CommandLine|contains|all: 'one'
    unused:
        A: 1
    late:
        UtcTime|hour|gte: 22
    condition: selection and late
---
title: refused
logsource: {product: windows}
detection:
    selection:
        A|nope: 1
        B|re: '(a)\\1'
    condition: selection and missing
---
title: filter
logsource: {product: windows}
filter:
    rules: [545a5da6-f103-4919-a519-e9aec1026ee4]
    selection: {User: x}
    condition: selection
`,
    );
    const r = await lintRules([dir]);
    const summary = r.entries.map((e) => [
      e.kind,
      e.title,
      e.status,
      e.reason,
      e.issues.map((i) => `${i.severity}:${i.code}@${i.location?.line}`),
    ]);
    expect(summary).toEqual([
      ['rule', 'clean', 'loaded', undefined, []],
      [
        'rule',
        'warnings',
        'loaded-with-warnings',
        undefined,
        ['warning:all-single-value@14', 'warning:unused-identifier@15', 'info:time-modifier-utc@17'],
      ],
      [
        'rule',
        'refused',
        'refused',
        'unknown-modifier',
        ['error:unknown-modifier@25', 'error:unsupported-regex@26', 'error:unknown-identifier@27'],
      ],
      ['filter', 'filter', 'loaded-with-warnings', undefined, ['warning:filter-without-not@31']],
    ]);
    expect(r.issues.map((i) => i.code)).toEqual(['duplicate-id']);
    expect(r.counts).toEqual({
      documents: 4,
      loaded: 1,
      loadedWithWarnings: 2,
      refused: 1,
      byReason: { 'unknown-modifier': 1 },
    });
  });
});
