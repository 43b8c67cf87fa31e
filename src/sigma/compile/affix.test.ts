import { describe, expect, it } from 'vitest';
import { testEvent } from '../../../test/utils/events.js';
import type { FieldValue } from '../../model/event.js';
import { interpretRule } from '../match/interpret.js';
import { loadRuleText } from '../rule/load.js';
import { plainView } from '../view.js';
import { compileRuleStrict } from './compile.js';
import { NeedleIndex } from './needles.js';

// Long whole / prefix / suffix lists are answered by set lookups in the compiled matcher; the
// interpreter tests value by value. Both must agree on every text.
const RULE = `title: affix lists
logsource: {product: windows}
detection:
  sel_end:
    Image|endswith: ['\\rundll32.exe', '\\regsvr32.exe', '.HTA', '\\x.exe', 'a', '\\mshta.exe']
  sel_start:
    CommandLine|startswith: ['cmd /c', 'powershell', 'C:\\Temp\\', 'x', 'Wscript ']
  sel_exact:
    User: ['NT AUTHORITY\\SYSTEM', 'svc_web', '', 'Admin', 'SYSTEM']
  sel_mixed:
    ParentImage: ['*\\winword.exe', 'C:\\Tools\\*', 'exact', '*\\excel.exe', '*pow*ll*', 'pa?t']
  sel_dash:
    OriginalFileName|windash|endswith: [' -enc', ' -e', ' -ec', ' -encodedcommand']
  condition: 1 of sel_*
`;

const TEXTS: FieldValue[] = [
  'C:\\Windows\\System32\\RUNDLL32.EXE',
  'c:\\windows\\system32\\rundll32.exe.bak',
  'file.hta',
  'A',
  'ba',
  'x.exe',
  '\\x.exe',
  'cmd /c whoami',
  'CMD /C',
  'cmd',
  'PowerShell -nop',
  'c:\\temp\\a.ps1',
  'xyz',
  'wscript x',
  'nt authority\\system',
  'SYSTEM ',
  '',
  'admin',
  'C:\\Program Files\\Microsoft Office\\WINWORD.EXE',
  'c:\\tools\\nc.exe',
  'EXACT',
  'mypowershell',
  'PART',
  'pat',
  'foo /enc',
  'foo –e',
  'foo -encodedcommand',
  'foo -encodedcommandx',
  ['a', 'b'],
  ['zz', 'c:\\x\\regsvr32.exe'],
  42,
  null,
];

describe('compiled whole/prefix/suffix value lists', () => {
  const set = loadRuleText(RULE, 'affix.yml');
  const rule = set.rules[0];

  it('loads', () => {
    expect(set.refused).toEqual([]);
    expect(rule).toBeDefined();
  });

  it('agree with the interpreter on every field and text', () => {
    if (!rule) return;
    const m = compileRuleStrict(rule, { needles: new NeedleIndex() });
    let hits = 0;
    for (const field of ['Image', 'CommandLine', 'User', 'ParentImage', 'OriginalFileName']) {
      for (const value of TEXTS) {
        const view = plainView(testEvent({ [field]: value }));
        const want = interpretRule(rule, view);
        expect({ field, value, got: m.match(view) }).toEqual({ field, value, got: want });
        if (want) hits++;
      }
    }
    // Enough hits and misses for the comparison to mean something.
    expect(hits).toBeGreaterThan(15);
    expect(hits).toBeLessThan(TEXTS.length * 5 - 15);
  });

  it('give the same answers for texts seen before, after the remembered answers start over, and for long texts', () => {
    if (!rule) return;
    const m = compileRuleStrict(rule, { needles: new NeedleIndex() });
    const long = `${'x'.repeat(600)}\\mshta.exe`;
    // Enough distinct texts between the rounds for the remembered answers to be dropped.
    const filler = Array.from(
      { length: 1500 },
      (_, i) => `c:\\dir${i}\\tool${i % 7 === 0 ? '\\x.exe' : '.dll'}`,
    );
    const rounds: FieldValue[][] = [
      TEXTS,
      [...TEXTS].reverse(),
      filler,
      [...TEXTS, long],
      filler.slice(0, 40),
      TEXTS,
    ];
    let remembered = 0;
    for (const texts of rounds) {
      for (const value of texts) {
        for (const field of ['Image', 'CommandLine', 'ParentImage']) {
          const view = plainView(testEvent({ [field]: value }));
          const want = interpretRule(rule, view);
          expect({ field, value, got: m.match(view) }).toEqual({ field, value, got: want });
          if (want) remembered++;
        }
      }
    }
    // The 215 filler texts ending in \x.exe match as Image, the others match nothing.
    expect(remembered).toBeGreaterThan(215);
  });
});
