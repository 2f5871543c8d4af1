// The parts of the wire format (MessagePack, as @msgpack/msgpack 3.1 writes it with our options)
// that the fast paths share: how many bytes each value takes, and how strings become UTF-8.
// Any byte written or counted here must equal what the library writes: TestRPCBytes2B, the trace
// fingerprints and the persisted sizes depend on it (test/harness/codec-fast.spec.ts checks).

/** Thrown (never seen outside the codec) when a value needs the library's path: see index.ts. */
export const UNUSUAL = Object.freeze({ unusual: true });

/** The library's limit: a value nested deeper than this throws (the root is at depth 1). */
export const MAX_DEPTH = 100;

/**
 * Strings up to this many UTF-16 units are written by the library's own JavaScript loop (a lone
 * surrogate becomes its 3-byte WTF-8 form); longer ones by TextEncoder (a lone surrogate becomes
 * U+FFFD, also 3 bytes). Same length either way; the bytes differ.
 */
export const SHORT_STRING = 50;

const isWellFormed = (String.prototype as unknown as { isWellFormed(this: string): boolean })
  .isWellFormed;

/**
 * UTF-8 length of `s`, or -1 if it holds a lone surrogate (whose round trip depends on the string's
 * length and on whether it is a map key: the library's path handles those).
 */
export function utf8Length(s: string): number {
  const n = s.length;
  if (n > SHORT_STRING) return isWellFormed.call(s) ? Buffer.byteLength(s, 'utf8') : -1;
  let bytes = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c < 0xd800 || c > 0xdfff) bytes += 2;
    else if (c <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a pair: 4 bytes for 2 units
      i++;
    } else return -1;
  }
  return bytes;
}

/**
 * Writes a short string (at most SHORT_STRING units) as the library's loop does: code units to
 * UTF-8, surrogate pairs combined, a lone surrogate as the 3 bytes of its own value. Returns the end.
 */
export function writeShortString(s: string, out: Uint8Array, at: number): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[at++] = c;
      continue;
    }
    if (c < 0x800) {
      out[at++] = 0xc0 | (c >> 6);
    } else {
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        const low = s.charCodeAt(i + 1);
        if ((low & 0xfc00) === 0xdc00) {
          c = 0x10000 + ((c & 0x3ff) << 10) + (low & 0x3ff);
          i++;
        }
      }
      if (c < 0x10000) {
        out[at++] = 0xe0 | (c >> 12);
      } else {
        out[at++] = 0xf0 | (c >> 18);
        out[at++] = 0x80 | ((c >> 12) & 0x3f);
      }
      out[at++] = 0x80 | ((c >> 6) & 0x3f);
    }
    out[at++] = 0x80 | (c & 0x3f);
  }
  return at;
}

/** Bytes of a string's header (fixstr, str8, str16, str32). */
export function stringHeaderSize(byteLength: number): number {
  return byteLength < 32 ? 1 : byteLength < 0x100 ? 2 : byteLength < 0x10000 ? 3 : 5;
}

/** Bytes of a bin header (bin8, bin16, bin32). */
export function binHeaderSize(byteLength: number): number {
  return byteLength < 0x100 ? 2 : byteLength < 0x10000 ? 3 : 5;
}

/** Bytes of an array's or a map's header (fix, 16, 32). */
export function containerHeaderSize(count: number): number {
  return count < 16 ? 1 : count < 0x10000 ? 3 : 5;
}

/** Bytes of a finite number: safe integers in the smallest integer format, anything else float64. */
export function numberSize(v: number): number {
  if (!Number.isSafeInteger(v)) return 9;
  if (v >= 0) return v < 0x80 ? 1 : v < 0x100 ? 2 : v < 0x10000 ? 3 : v < 0x100000000 ? 5 : 9;
  return v >= -0x20 ? 1 : v >= -0x80 ? 2 : v >= -0x8000 ? 3 : v >= -0x80000000 ? 5 : 9;
}

const ARRAY_VALUES = Array.prototype[Symbol.iterator];

/** An array the library walks as we do: a true Array whose iteration is the standard one. */
export function isPlainArray(a: unknown[]): boolean {
  return Object.getPrototypeOf(a) === Array.prototype && a[Symbol.iterator] === ARRAY_VALUES;
}

/** An object the codec sends as a map: prototype Object.prototype or null, no symbol keys. */
export function isPlainObject(o: object): boolean {
  const proto = Object.getPrototypeOf(o);
  return (
    (proto === Object.prototype || proto === null) && Object.getOwnPropertySymbols(o).length === 0
  );
}
