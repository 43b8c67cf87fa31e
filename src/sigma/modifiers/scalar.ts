/**
 * @module sigma/modifiers/scalar
 * Type modifiers over scalar values: numbers (`lt`...`gte`, ints, floats, `0x` hex), IP ranges
 * (`cidr`, IPv4 and IPv6) and date parts (`minute`...`year`, extracted in UTC).
 */
import type { CmpOp, TimePart } from '../rule/types.js';

export type { CmpOp, TimePart };

const DEC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const HEX = /^[+-]?0[xX][0-9a-fA-F]+$/;

/** Parse a number as event data carries it: decimal, float or `0x` hex; NaN when not a number. */
export function parseNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean' || v === null || v === undefined) return Number.NaN;
  if (typeof v !== 'string') return Number.NaN;
  const s = v.trim();
  if (DEC.test(s)) return Number(s);
  if (HEX.test(s)) {
    const neg = s.startsWith('-');
    const n = Number.parseInt(s.replace(/^[+-]?0[xX]/, ''), 16);
    return neg ? -n : n;
  }
  return Number.NaN;
}

export function compare(op: CmpOp, a: number, b: number): boolean {
  if (Number.isNaN(a)) return false;
  switch (op) {
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
    case 'eq':
      return a === b;
  }
}

// ---- IP addresses --------------------------------------------------------------------------

function parseV4(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

function parseV6(s: string): number[] | null {
  let text = s;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (!v4) return null;
    tail = v4;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const group = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      const n = Number.parseInt(g, 16);
      out.push(n >> 8, n & 0xff);
    }
    return out;
  };
  const head = group(halves[0] ?? '');
  const rest = halves.length === 2 ? group(halves[1] ?? '') : [];
  if (!head || !rest) return null;
  let bytes: number[];
  if (halves.length === 2) {
    const fill = 16 - head.length - rest.length;
    if (fill < 2) return null;
    bytes = [...head, ...new Array<number>(fill).fill(0), ...rest];
  } else {
    bytes = head;
  }
  if (bytes.length !== 16) return null;
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** An IP address as 4 or 16 bytes, or null. IPv4-mapped IPv6 stays 16 bytes. */
export function parseIp(s: string): Uint8Array | null {
  const t = s.trim().replace(/^\[|\]$/g, '');
  const v = t.includes(':') ? parseV6(t) : parseV4(t);
  return v ? Uint8Array.from(v) : null;
}

export interface Cidr {
  readonly family: 4 | 6;
  readonly net: Uint8Array;
  readonly prefix: number;
}

export function parseCidr(s: string): Cidr | null {
  const [addr, len, extra] = s.trim().split('/');
  if (addr === undefined || extra !== undefined) return null;
  const net = parseIp(addr);
  if (!net) return null;
  const max = net.length * 8;
  let prefix = max;
  if (len !== undefined) {
    if (!/^\d{1,3}$/.test(len)) return null;
    prefix = Number(len);
    if (prefix > max) return null;
  }
  return { family: net.length === 4 ? 4 : 6, net: masked(net, prefix), prefix };
}

function masked(ip: Uint8Array, prefix: number): Uint8Array {
  const out = Uint8Array.from(ip);
  for (let i = 0; i < out.length; i++) {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    out[i] = (out[i] as number) & ((0xff << (8 - bits)) & 0xff);
  }
  return out;
}

/**
 * The last address text `inCidr` parsed, and its bytes (never changed by readers): the rules of an
 * event test the same field's address one after another.
 */
let lastAddrText: string | undefined;
let lastAddr: Uint8Array | null = null;

/** Whether an address (text) lies in a range; IPv4-mapped IPv6 addresses match IPv4 ranges. */
export function inCidr(c: Cidr, addrText: string): boolean {
  if (addrText !== lastAddrText) {
    lastAddrText = addrText;
    lastAddr = parseIp(addrText);
  }
  let ip = lastAddr;
  if (!ip) return false;
  if (c.family === 4 && ip.length === 16) {
    const mapped = ip.slice(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff;
    if (!mapped) return false;
    ip = ip.slice(12);
  }
  if (ip.length !== c.net.length) return false;
  let bits = c.prefix;
  for (let i = 0; i < ip.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((ip[i] as number) & mask) !== c.net[i]) return false;
  }
  return true;
}

// ---- date parts ----------------------------------------------------------------------------

const ISO_NO_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * Milliseconds since the epoch of a date value: ISO 8601 text (a missing zone is read as UTC),
 * or a number of seconds (< 1e11) or milliseconds since the epoch. NaN when not a date.
 */
export function parseDate(v: unknown): number {
  if (typeof v === 'number') return Math.abs(v) < 1e11 ? v * 1000 : v;
  if (typeof v !== 'string') return Number.NaN;
  let s = v.trim();
  if (!s) return Number.NaN;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) s += 'T00:00:00Z';
  else if (ISO_NO_ZONE.test(s)) s = `${s.replace(' ', 'T')}Z`;
  // Trim sub-millisecond digits Date.parse may reject.
  s = s.replace(/(\.\d{3})\d+/, '$1');
  return Date.parse(s);
}

/** ISO 8601 week number (1-53) of a UTC date. */
function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
}

/** The UTC date part of a value, NaN when the value is not a date. */
export function datePart(part: TimePart, v: unknown): number {
  const ms = parseDate(v);
  if (Number.isNaN(ms)) return Number.NaN;
  const d = new Date(ms);
  switch (part) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'week':
      return isoWeek(d);
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
  }
}
