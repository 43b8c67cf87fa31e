import { describe, expect, it } from 'vitest';
import { type Issue, issue } from '../core/issue.js';
import { issueLines } from './io.js';

const missing = (n: number): Issue =>
  issue('evtx.records-missing', `record ${n} could not be read: records 10..12 (3) did not come back`, {
    file: 'a.evtx',
    offset: 4096,
  });
const skipped = (f: string): Issue =>
  issue(
    'unrecognised-format',
    'skipped: no reader recognises this content',
    { file: f, offset: 0 },
    undefined,
    'warning',
  );

describe('issueLines', () => {
  const issues = [
    skipped('notes.txt'),
    issue('walk-loop', 'directory already visited; skipped', { file: 'x' }, undefined, 'warning'),
    missing(10),
    missing(11),
    missing(12),
    issue('evtx.records-missing', 'record 40 could not be read: records 40..40 (1) did not come back', {
      file: 'a.evtx',
      offset: 8192,
    }),
    skipped('SYSTEM'),
  ];

  it('lists errors first, one line per run of issues that differ only in a number, skipped files summed up', () => {
    expect(issueLines('hunt', issues, false)).toEqual([
      'hunt: 7 issues:',
      '  error[evtx.records-missing] a.evtx @ byte 4096 (0x1000): record 10 could not be read: records 10..12 (3) did not come back (and 2 more like it)',
      '  error[evtx.records-missing] a.evtx @ byte 8192 (0x2000): record 40 could not be read: records 40..40 (1) did not come back',
      '  warning[walk-loop] x: directory already visited; skipped',
      '  2 files in the directories walked are not a format Fathom reads, skipped (--all-issues lists them)',
    ]);
  });

  it('lists every issue with all, and counts what is past the limit', () => {
    const every = issueLines('dump', issues, true);
    expect(every).toHaveLength(8);
    expect(every.filter((l) => l.includes('more like it'))).toEqual([]);
    expect(every.filter((l) => l.includes('notes.txt'))).toHaveLength(1);
    expect(issueLines('dump', issues, false, 2).slice(-2)).toEqual([
      '  ... and 1 more (use --all-issues to list every one)',
      '  2 files in the directories walked are not a format Fathom reads, skipped (--all-issues lists them)',
    ]);
    expect(issueLines('dump', [issues[1] as Issue], false)[0]).toBe('dump: 1 issue:');
    expect(issueLines('dump', [], false)).toEqual([]);
  });

  it('keeps issues at different places apart, even when they read alike', () => {
    const text = (line: number) =>
      issue('json-unexpected-text', 'text outside any JSON object', { file: 'a.snap', line });
    expect(issueLines('hunt', [text(1), text(4)], false)).toEqual([
      'hunt: 2 issues:',
      '  error[json-unexpected-text] a.snap:1: text outside any JSON object',
      '  error[json-unexpected-text] a.snap:4: text outside any JSON object',
    ]);
  });
});
