import { describe, expect, it } from 'vitest';
import type { LogsourceTarget, SelectionUsage } from './index.js';
import { checkApplicability, loadLogsourceMap } from './index.js';

const loaded = loadLogsourceMap();
if (!loaded.ok) throw new Error('mapping failed to load');
const map = loaded.value;
const t4688 = map.targetById('security-4688') as LogsourceTarget;
const sysmon1 = map.targetById('sysmon-1') as LogsourceTarget;

const sel = (selection: string, fields: string[], kind: SelectionUsage['kind'] = 'map', negated = false) => ({
  selection,
  fields,
  kind,
  negated,
});

describe('checkApplicability (Hayabusa test + Fathom strictness on negated lists of maps)', () => {
  it('a map selection using a Sysmon-only field is refused, with the field named', () => {
    const r = checkApplicability([sel('selection', ['Image|endswith', 'OriginalFileName'])], t4688);
    expect(r.applies).toBe(false);
    expect(r.reason).toMatch(/selection 'selection' uses OriginalFileName/);
    expect(
      checkApplicability([sel('selection', ['Image|endswith', 'OriginalFileName'])], sysmon1).applies,
    ).toBe(true);
  });

  it('a negated map using a Sysmon-only field is refused too', () => {
    const r = checkApplicability(
      [sel('selection', ['Image|endswith']), sel('filter', ['ParentCommandLine|contains'], 'map', true)],
      t4688,
    );
    expect(r.applies).toBe(false);
    expect(r.reason).toMatch(/ParentCommandLine/);
  });

  it('a list of maps applies while some alternative remains translatable', () => {
    const usage = [sel('selection', ['Image|endswith', 'OriginalFileName'], 'list-of-maps')];
    expect(checkApplicability(usage, t4688)).toEqual({ applies: true });
  });

  it('a list of maps is refused when all of its fields are Sysmon-only', () => {
    const usage = [sel('selection', ['OriginalFileName', 'Hashes|contains'], 'list-of-maps')];
    const r = checkApplicability(usage, t4688);
    expect(r.applies).toBe(false);
    expect(r.reason).toMatch(/every alternative/);
  });

  it('a NEGATED list of maps is refused as soon as one field is Sysmon-only (dropping part of an exclusion = FPs)', () => {
    const usage = [
      sel('selection', ['Image|endswith', 'CommandLine|contains']),
      sel('filter_main', ['ParentImage', 'OriginalFileName'], 'list-of-maps', true),
    ];
    const r = checkApplicability(usage, t4688);
    expect(r.applies).toBe(false);
    expect(r.reason).toMatch(/exclusion 'filter_main' uses OriginalFileName.*false positives/);
    // The same usage is fine on Sysmon itself.
    expect(checkApplicability(usage, sysmon1).applies).toBe(true);
  });

  it('CommandLine and ProcessId count as common to both sources; keywords always apply', () => {
    const usage = [
      sel('selection', [
        'CommandLine|contains',
        'ProcessId',
        'ParentImage|endswith',
        'IntegrityLevel',
        'User',
      ]),
      sel('keywords', [], 'keywords'),
    ];
    expect(checkApplicability(usage, t4688)).toEqual({ applies: true });
  });

  it('field names compare case-insensitively', () => {
    expect(checkApplicability([sel('s', ['originalfilename'])], t4688).applies).toBe(false);
  });
});
