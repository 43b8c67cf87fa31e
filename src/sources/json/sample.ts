/**
 * @module sources/json/sample
 * Sniffing help: the first complete JSON objects in a file's head (top-level, or elements of a
 * top-level array), for the JSON descriptors to judge the shape. Bounded: at most `max` objects
 * and the head's length; never throws.
 */

export interface JsonSample {
  /** Complete objects that parsed, in order. */
  objects: unknown[];
  /** When the head ends inside an object: its first characters, for key-based guesses. */
  partial: string;
}

/** Parse up to `max` leading objects of `text` (a decoded head). */
export function sampleJson(text: string, max = 16): JsonSample {
  const objects: unknown[] = [];
  let i = 0;
  let inArray = false;
  const n = text.length;
  while (i < n && objects.length < max) {
    const c = text.charCodeAt(i);
    if (c === 0x7b) {
      const end = matchBrace(text, i);
      if (end < 0) return { objects, partial: objects.length ? '' : text.slice(i, i + 4096) };
      try {
        objects.push(JSON.parse(text.slice(i, end + 1)));
      } catch {
        // A broken object: keep looking at the next ones.
      }
      i = end + 1;
      continue;
    }
    if (c === 0x5b && !inArray && objects.length === 0) {
      inArray = true;
      i++;
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x2c || c === 0xfeff) {
      i++;
      continue;
    }
    // Anything else (a `Record N` heading, stray text): skip the line.
    const nl = text.indexOf('\n', i);
    if (nl < 0) break;
    i = nl + 1;
  }
  return { objects, partial: '' };
}

/** Index of the `}` closing the object opening at `start`, or -1 when the text ends first. */
function matchBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      else if (c === 0x0a) return i; // a raw newline cannot be inside a string: broken, move on
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
