/**
 * @module attack/json
 * A small deterministic JSON printer whose output is already in the repository formatter's style
 * (2-space indent, 110 columns; a group is printed on one line when it fits, otherwise one member
 * per line), so the generated ATT&CK table is compact, line-diffable and left alone by `biome check`.
 */

const WIDTH = 110;

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value printed on one line (undefined object members are skipped). */
function flat(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(flat).join(', ')}]`;
  if (isObj(v)) {
    const parts = Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => `${JSON.stringify(k)}: ${flat(x)}`);
    return parts.length ? `{ ${parts.join(', ')} }` : '{}';
  }
  return JSON.stringify(v) ?? 'null';
}

/** Arrays of two or more multi-member objects (or arrays) always break, one element per line. */
function mustBreak(v: unknown[]): boolean {
  if (v.length < 2) return false;
  const first = v[0];
  return v.every((x) =>
    Array.isArray(first)
      ? Array.isArray(x) && x.length > 1
      : isObj(first) && isObj(x) && Object.values(x).filter((y) => y !== undefined).length > 1,
  );
}

function print(
  v: unknown,
  indent: number,
  prefixLen: number,
  suffixLen: number,
  forceBreak: boolean,
): string {
  const one = flat(v);
  const breakable = Array.isArray(v) ? v.length > 0 : isObj(v) && one !== '{}';
  if (!breakable) return one;
  const arrayBreak = Array.isArray(v) && mustBreak(v);
  if (!forceBreak && !arrayBreak && indent + prefixLen + one.length + suffixLen <= WIDTH) return one;
  const pad = ' '.repeat(indent + 2);
  const close = ' '.repeat(indent);
  if (Array.isArray(v)) {
    const items = v.map((x, i) => pad + print(x, indent + 2, 0, i < v.length - 1 ? 1 : 0, false));
    return `[\n${items.join(',\n')}\n${close}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  const items = entries.map(([k, x], i) => {
    const key = `${JSON.stringify(k)}: `;
    return pad + key + print(x, indent + 2, key.length, i < entries.length - 1 ? 1 : 0, false);
  });
  return `{\n${items.join(',\n')}\n${close}}`;
}

/** Deterministic JSON text with a trailing newline; the top-level object is always expanded. */
export function formatJson(value: unknown): string {
  return `${print(value as Json, 0, 0, 0, true)}\n`;
}
