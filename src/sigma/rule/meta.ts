/**
 * @module sigma/rule/meta
 * Checks on the descriptive fields every Sigma document shares (title, id, dates, logsource,
 * lists of strings): each problem is a located issue; none of them stops a rule from running.
 */
import type { Issue } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import type { LogSource } from './types.js';
import type { LEntry, LNode, Pos } from './yaml.js';
import { entry, toPlain } from './yaml.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12]\d|3[01])$/;
const V1_DATE = /^\d{4}\/(0?[1-9]|1[012])\/(0?[1-9]|[12]\d|3[01])$/;

export class MetaReader {
  readonly warnings: Issue[] = [];
  readonly errors: Issue[] = [];
  constructor(
    readonly root: LNode,
    readonly file: string,
  ) {}

  at(p: Pos) {
    return { file: this.file, line: p.line, col: p.col };
  }

  get(key: string): LEntry | undefined {
    return entry(this.root, key);
  }

  warn(code: string, message: string, p: Pos): void {
    this.warnings.push(issue(code, message, this.at(p), undefined, 'warning'));
  }

  /** A string field; numbers and booleans are accepted as text with a warning. */
  str(key: string, opts: { required?: boolean; max?: number } = {}): string | undefined {
    const e = this.get(key);
    if (!e || (e.value.kind === 'scalar' && (e.value.value === null || e.value.value === undefined))) {
      if (opts.required)
        this.errors.push(issue('missing-field', `'${key}' is required`, this.at(e?.keyPos ?? this.root.pos)));
      return undefined;
    }
    if (e.value.kind !== 'scalar') {
      if (opts.required)
        this.errors.push(issue('invalid-field', `'${key}' must be a string`, this.at(e.keyPos)));
      else this.warn('invalid-field', `'${key}' must be a string`, e.keyPos);
      return undefined;
    }
    const v = e.value.value;
    const s = typeof v === 'string' ? v : String(v);
    if (typeof v !== 'string') this.warn('invalid-field', `'${key}' should be a string`, e.keyPos);
    if (opts.max !== undefined && s.length > opts.max) {
      this.warn(
        'field-too-long',
        `'${key}' is ${s.length} characters (the spec allows ${opts.max})`,
        e.keyPos,
      );
    }
    return s;
  }

  /** A list of strings; a single string is accepted as a one-item list with a warning. */
  strList(key: string): string[] {
    const e = this.get(key);
    if (!e) return [];
    const v = toPlain(e.value);
    if (v === null) return [];
    if (typeof v === 'string') {
      this.warn('invalid-field', `'${key}' should be a list`, e.keyPos);
      return [v];
    }
    if (!Array.isArray(v)) {
      this.warn('invalid-field', `'${key}' must be a list of strings`, e.keyPos);
      return [];
    }
    const out: string[] = [];
    for (const x of v) {
      if (x === null || typeof x === 'object')
        this.warn('invalid-field', `'${key}' items must be strings`, e.keyPos);
      else out.push(String(x));
    }
    if (new Set(out).size !== out.length)
      this.warn('duplicate-item', `'${key}' has duplicate items`, e.keyPos);
    return out;
  }

  id(): string | undefined {
    const id = this.str('id');
    const e = this.get('id');
    if (id !== undefined && e && !UUID.test(id))
      this.warn('invalid-id', `id '${id}' is not a UUID`, e.keyPos);
    return id;
  }

  /** A `YYYY-MM-DD` date; v1 `YYYY/MM/DD` is accepted, normalised and reported. */
  date(key: string): string | undefined {
    const d = this.str(key);
    const e = this.get(key);
    if (d === undefined || !e) return undefined;
    if (ISO_DATE.test(d)) return d;
    if (V1_DATE.test(d)) {
      const [y, m, day] = d.split('/') as [string, string, string];
      const norm = `${y}-${m.padStart(2, '0')}-${day.padStart(2, '0')}`;
      this.warn('legacy-date', `'${key}: ${d}' uses the v1 YYYY/MM/DD format; read as ${norm}`, e.keyPos);
      return norm;
    }
    this.warn('invalid-date', `'${key}: ${d}' is not a YYYY-MM-DD date`, e.keyPos);
    return d;
  }

  logsource(required: boolean): LogSource | null {
    const e = this.get('logsource');
    if (!e) {
      if (required)
        this.errors.push(issue('missing-field', `'logsource' is required`, this.at(this.root.pos)));
      return null;
    }
    if (e.value.kind !== 'map') {
      this.errors.push(issue('invalid-field', `'logsource' must be a map`, this.at(e.keyPos)));
      return null;
    }
    const out: Record<string, string> = {};
    const extra: Record<string, unknown> = {};
    for (const x of e.value.entries) {
      const v = toPlain(x.value);
      if (['category', 'product', 'service', 'definition'].includes(x.key)) {
        if (v === null) continue;
        if (typeof v !== 'string') {
          this.warn('invalid-field', `logsource.${x.key} must be a string`, x.keyPos);
          out[x.key] = String(v);
        } else out[x.key] = v;
        if (x.key !== 'definition' && typeof v === 'string' && /[A-Z\s]/.test(v)) {
          this.warn(
            'logsource-case',
            `logsource.${x.key} '${v}' should be lower case with '_' for spaces`,
            x.keyPos,
          );
        }
      } else extra[x.key] = v;
    }
    if (!out.category && !out.product && !out.service) {
      this.warn('empty-logsource', 'logsource names no category, product or service', e.keyPos);
    }
    return { ...out, ...(Object.keys(extra).length ? { extra } : {}) };
  }
}
