/**
 * @module sources/timestamp
 * Normalising the timestamps text exports carry to the model's form: ISO 8601 UTC,
 * `YYYY-MM-DDTHH:MM:SS[.f{1,7}]Z`, keeping exactly the fractional digits the source has (more than 7
 * are cut to 7, the 100 ns resolution of Windows). A time without a zone (`2019-05-14 05:39:17`, as
 * NXLog writes `EventTime`) is taken as UTC: the export does not say which zone it is in.
 */

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$/;
/** The model's own form; taken as it is once its fields are in range. */
const CANONICAL_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?Z$/;
const MS_DATE_RE = /^\/Date\((-?\d{1,15})([+-]\d{4})?\)\/$/;

/**
 * The model's timestamp for `v`, or `''` when `v` is not a recognisable time.
 *
 * @example
 * normaliseTimestamp('2019-05-14 05:39:17') // '2019-05-14T05:39:17Z'
 * normaliseTimestamp('2021-03-14T01:39:32.609+02:00') // '2021-03-13T23:39:32.609Z'
 */
export function normaliseTimestamp(v: unknown): string {
  if (typeof v === 'string') {
    const s = v.trim();
    if (s.length > 64) return '';
    if (CANONICAL_RE.test(s) && plainDate(s)) return s; // already in the model's form
    const m = ISO_RE.exec(s);
    if (m) return fromParts(m);
    const d = MS_DATE_RE.exec(s);
    if (d) return fromEpochMs(Number(d[1]));
    return '';
  }
  return '';
}

/** Epoch milliseconds → model timestamp (millisecond precision). */
export function fromEpochMs(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  return d.toISOString();
}

/** Month 1-12, day 1-28, hour < 24, minute and second < 60: valid in every month (else: full check). */
function plainDate(s: string): boolean {
  const month = (s.charCodeAt(5) - 48) * 10 + (s.charCodeAt(6) - 48);
  const day = (s.charCodeAt(8) - 48) * 10 + (s.charCodeAt(9) - 48);
  const hour = (s.charCodeAt(11) - 48) * 10 + (s.charCodeAt(12) - 48);
  const minute = (s.charCodeAt(14) - 48) * 10 + (s.charCodeAt(15) - 48);
  const second = (s.charCodeAt(17) - 48) * 10 + (s.charCodeAt(18) - 48);
  return month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour < 24 && minute < 60 && second < 60;
}

function fromParts(m: RegExpExecArray): string {
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6] ?? '0');
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return '';
  const frac = (m[7] ?? '').slice(0, 7);
  let offsetMin = 0;
  const zone = m[8];
  if (zone && zone !== 'Z' && zone !== 'z' && zone !== 'UTC') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2) || '0');
    if (oh > 23 || om > 59) return '';
    offsetMin = sign * (oh * 60 + om);
  }
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // not Date.UTC: it maps years 0-99 to 1900-1999
  d.setUTCHours(hour, minute - offsetMin, second, 0);
  if (Number.isNaN(d.getTime())) return '';
  // Reject rolled-over dates such as 2019-02-31 (only when no zone shift is involved).
  if (offsetMin === 0 && second < 60 && (d.getUTCDate() !== day || d.getUTCMonth() !== month - 1)) return '';
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  const base = iso.slice(0, 19);
  return frac ? `${base}.${frac}Z` : `${base}Z`;
}
