/**
 * @module test/conformance/cases/filters
 * Meta-filter cases: a rule file plus filter documents, applied with pySigma's semantics.
 * The spec's own examples (`sigma-specification/tests/schema/filter/`) are read in place by
 * the filter test when the corpus is present; these inline cases cover the semantics.
 */
import type { MatchCase } from '../harness.js';

const rule = `title: Rar compression
id: 6f3e2987-db24-4c78-a860-b4f4095a7095
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\rar.exe'
    condition: selection
level: medium`;

const filter = (
  condition: string,
  logsource = '    category: process_creation\n    product: windows',
  rules = '        - 6f3e2987-db24-4c78-a860-b4f4095a7095',
) => `---
title: Filter Administrator account
description: The valid administrator account start with adm_
logsource:
${logsource}
filter:
    rules:
${rules}
    selection:
        User|startswith: 'adm_'
    condition: ${condition}`;

export const filterCases: MatchCase[] = [
  {
    feature: 'filter:and-not',
    name: 'not selection suppresses the admin account',
    rule: `${rule}\n${filter('not selection')}`,
    event: { Image: 'C:\\x\\rar.exe', User: 'adm_bob' },
    expect: false,
  },
  {
    feature: 'filter:and-not',
    name: 'not selection keeps other users',
    rule: `${rule}\n${filter('not selection')}`,
    event: { Image: 'C:\\x\\rar.exe', User: 'bob' },
    expect: true,
  },
  {
    feature: 'filter:spec-example',
    name: "spec example as written ('condition: selection') is ANDed: keeps only adm_ users",
    source: 'sigma-filters-specification.md "Examples"',
    rule: `${rule}\n${filter('selection')}`,
    event: { Image: 'C:\\x\\rar.exe', User: 'bob' },
    expect: false,
  },
  {
    feature: 'filter:spec-example',
    name: "spec example as written ('condition: selection'): adm_ user still matches",
    source: 'sigma-filters-specification.md "Examples"',
    rule: `${rule}\n${filter('selection')}`,
    event: { Image: 'C:\\x\\rar.exe', User: 'adm_x' },
    expect: true,
  },
  {
    feature: 'filter:logsource',
    name: 'a filter for another logsource does not apply',
    rule: `${rule}\n${filter('not selection', '    category: network_connection\n    product: windows')}`,
    event: { Image: 'C:\\x\\rar.exe', User: 'adm_bob' },
    expect: true,
  },
  {
    feature: 'filter:and-not',
    name: 'rules: any applies to every rule with a matching logsource',
    rule: `${rule}\n${filter('not selection', '    category: process_creation\n    product: windows', '        - any').replace('    rules:\n        - any', '    rules: any')}`,
    event: { Image: 'C:\\x\\rar.exe', User: 'adm_bob' },
    expect: false,
  },
  {
    feature: 'filter:and-not',
    name: 'a filter naming another rule does not apply',
    rule: `${rule}\n${filter('not selection', '    category: process_creation\n    product: windows', '        - 00000000-0000-0000-0000-000000000000')}`,
    event: { Image: 'C:\\x\\rar.exe', User: 'adm_bob' },
    expect: true,
  },
];
