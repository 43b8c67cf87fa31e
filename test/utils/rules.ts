/**
 * Sigma rule YAML for tests: one process_creation selection on one field.
 */
export interface TestRule {
  title: string;
  id: string;
  /** `Field|modifier`, e.g. `CommandLine|contains`. */
  field: string;
  value: string;
  level?: string;
  tags?: string[];
}

export function processCreationRule(r: TestRule): string {
  const tags = r.tags?.length ? `tags:\n${r.tags.map((t) => `  - ${t}`).join('\n')}\n` : '';
  return `title: ${r.title}
id: ${r.id}
status: test
logsource:
  product: windows
  category: process_creation
detection:
  sel:
    ${r.field}: '${r.value}'
  condition: sel
level: ${r.level ?? 'high'}
${tags}`;
}
