/**
 * @module attack/stix
 * Reading a STIX bundle file: gzip sniffed by magic bytes (not by extension), a bounded
 * decompressed size, JSON parse errors turned into issues with line:col, and the bundle envelope
 * checked (STIX 2.0 `spec_version` on the bundle, or 2.1 `spec_version` on the objects).
 * Nothing here throws on bad input.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { Issue } from '../core/issue.js';
import { issue } from '../core/issue.js';
import type { Result } from '../core/result.js';
import { err, ok } from '../core/result.js';

/** Largest decompressed bundle accepted (the v18.1 Enterprise bundle is about 33 MB). */
export const MAX_BUNDLE_BYTES = 512 * 1024 * 1024;

export type StixObject = Record<string, unknown> & { type: string; id: string };

export interface StixBundle {
  id: string;
  stixVersion: '2.0' | '2.1';
  objects: StixObject[];
  /** Objects skipped because they lacked a string `type` or `id` (index in `objects`). */
  skipped: number[];
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(o: Record<string, unknown>, k: string): string | undefined {
  const v = o[k];
  return typeof v === 'string' ? v : undefined;
}

export function strList(o: Record<string, unknown>, k: string): string[] {
  const v = o[k];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The ATT&CK id (`T1059.001`, `G0065`, ...) from `external_references[source_name=mitre-attack]`. */
export function attackId(o: Record<string, unknown>): string | undefined {
  const refs = o.external_references;
  if (!Array.isArray(refs)) return undefined;
  for (const r of refs) {
    if (isRecord(r) && r.source_name === 'mitre-attack' && typeof r.external_id === 'string') {
      return r.external_id;
    }
  }
  return undefined;
}

/** Revoked (`revoked: true`) or deprecated (`x_mitre_deprecated: true`). */
export function isRetired(o: Record<string, unknown>): boolean {
  return o.revoked === true || o.x_mitre_deprecated === true;
}

/** 1-based line and column of a character offset in `text`. */
function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, col: offset - last };
}

/**
 * Offset of the first JSON syntax error in `text` (Node 20's `JSON.parse` messages do not always
 * carry one). A flat scanner with an explicit stack: no recursion, linear time.
 */
export function jsonErrorOffset(text: string): number {
  const stack: string[] = [];
  let i = 0;
  let want: 'value' | 'key' | 'after' = 'value';
  const string = (): boolean => {
    i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      i += c === 0x5c ? 2 : 1;
    }
    return false;
  };
  for (;;) {
    while (i < text.length && ' \t\r\n'.includes(text.charAt(i))) i++;
    const c = text.charAt(i);
    if (want === 'value') {
      if (c === '{' || c === '[') {
        stack.push(c);
        i++;
        want = c === '{' ? 'key' : 'value';
        while (i < text.length && ' \t\r\n'.includes(text.charAt(i))) i++;
        if (text.charAt(i) === (c === '{' ? '}' : ']')) {
          stack.pop();
          i++;
          want = 'after';
        }
      } else if (c === '"') {
        if (!string()) return i;
        want = 'after';
      } else {
        const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(
          text.slice(i, i + 400),
        );
        if (!m) return i;
        i += m[0].length;
        want = 'after';
      }
    } else if (want === 'key') {
      if (c !== '"' || !string()) return i;
      while (i < text.length && ' \t\r\n'.includes(text.charAt(i))) i++;
      if (text.charAt(i) !== ':') return i;
      i++;
      want = 'value';
    } else {
      const top = stack[stack.length - 1];
      if (top === undefined) return i < text.length ? i : -1;
      if (c === ',') {
        i++;
        want = top === '{' ? 'key' : 'value';
      } else if (c === (top === '{' ? '}' : ']')) {
        stack.pop();
        i++;
      } else return i;
    }
  }
}

/** Decode bytes into a bundle: gunzip when the gzip magic is present, parse, check the envelope. */
export function parseBundleBytes(bytes: Uint8Array, file: string): Result<StixBundle, Issue> {
  let buf: Buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf, { maxOutputLength: MAX_BUNDLE_BYTES });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const code = /maxOutputLength|buffer/i.test(msg) ? 'attack-bundle-too-large' : 'attack-bundle-gzip';
      return err(issue(code, `cannot decompress the gzip bundle: ${msg}`, { file, offset: 0 }));
    }
  } else if (buf.length > MAX_BUNDLE_BYTES) {
    return err(
      issue('attack-bundle-too-large', `bundle is larger than ${MAX_BUNDLE_BYTES} bytes`, {
        file,
        offset: 0,
      }),
    );
  }
  const text = buf.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /position (\d+)/.exec(msg);
    const pos = m?.[1] !== undefined ? Number(m[1]) : jsonErrorOffset(text);
    const where = pos >= 0 ? { file, ...lineCol(text, Math.min(pos, text.length)) } : { file };
    return err(issue('attack-bundle-json', `not valid JSON: ${msg}`, where));
  }
  if (!isRecord(parsed) || parsed.type !== 'bundle' || !Array.isArray(parsed.objects)) {
    return err(
      issue(
        'attack-bundle-not-stix',
        'not a STIX bundle: expected an object with "type": "bundle" and an "objects" array',
        { file, line: 1, col: 1 },
      ),
    );
  }
  const objects: StixObject[] = [];
  const skipped: number[] = [];
  let perObject21 = false;
  parsed.objects.forEach((o: unknown, i: number) => {
    if (isRecord(o) && typeof o.type === 'string' && typeof o.id === 'string') {
      if (o.spec_version === '2.1') perObject21 = true;
      objects.push(o as StixObject);
    } else {
      skipped.push(i);
    }
  });
  const declared = parsed.spec_version;
  if (declared !== undefined && declared !== '2.0' && declared !== '2.1') {
    return err(
      issue('attack-bundle-stix-version', `unsupported STIX spec_version ${JSON.stringify(declared)}`, {
        file,
      }),
    );
  }
  const stixVersion: '2.0' | '2.1' =
    declared === '2.1' || (declared === undefined && perObject21) ? '2.1' : '2.0';
  return ok({ id: typeof parsed.id === 'string' ? parsed.id : '', stixVersion, objects, skipped });
}

/** Read and decode a bundle file (`.json` or gzip-compressed `.json.gz`). */
export async function readBundle(path: string): Promise<Result<StixBundle, Issue>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = isRecord(e) && typeof e.code === 'string' ? e.code : 'EIO';
    const msg = e instanceof Error ? e.message : String(e);
    return err(issue('attack-bundle-read', `cannot read the bundle (${code}): ${msg}`, { file: path }));
  }
  return parseBundleBytes(bytes, path);
}
