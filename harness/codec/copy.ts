// A message without its bytes: one walk that checks each part is sendable, counts the exact
// MessagePack length the codec would write, and builds what decode(encode(value)) would return
// (fresh arrays, plain objects and byte arrays; strings are immutable and shared; -0 arrives as 0).
// An RPC's bytes are only ever counted (and shown, with replay --rpc), so a hop needs no bytes.
// A value whose round trip is not this simple (a string with a lone surrogate, a "__proto__" key,
// anything the writer would not take) throws UNUSUAL: the caller then uses real bytes.
import {
  binHeaderSize,
  containerHeaderSize,
  isPlainArray,
  isPlainObject,
  MAX_DEPTH,
  numberSize,
  stringHeaderSize,
  UNUSUAL,
  utf8Length,
} from './format';

let size = 0;
const hasOwn = Object.prototype.hasOwnProperty;

/** What decode(encode(value)) gives, and the length of encode(value); or throws UNUSUAL. */
export function copyForWire(value: unknown): { copy: unknown; byteLength: number } {
  size = 0;
  const copy = copyValue(value, 1);
  return { copy, byteLength: size };
}

function copyValue(v: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) throw UNUSUAL;
  switch (typeof v) {
    case 'string':
      countString(v);
      return v;
    case 'number':
      if (!Number.isFinite(v)) throw UNUSUAL;
      size += numberSize(v);
      return v === 0 ? 0 : v; // -0 is written as the integer 0
    case 'boolean':
      size += 1;
      return v;
    case 'object':
      if (v === null) {
        size += 1;
        return null;
      }
      if (Array.isArray(v)) return copyArray(v, depth);
      if (v instanceof Uint8Array) {
        if (v.constructor !== Uint8Array) throw UNUSUAL;
        size += binHeaderSize(v.length) + v.length;
        return v.slice();
      }
      return copyObject(v, depth);
    default:
      throw UNUSUAL;
  }
}

function countString(s: string): void {
  const length = utf8Length(s);
  if (length < 0) throw UNUSUAL;
  size += stringHeaderSize(length) + length;
}

function copyArray(a: unknown[], depth: number): unknown[] {
  if (!isPlainArray(a)) throw UNUSUAL;
  const n = a.length;
  size += containerHeaderSize(n);
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const item = a[i];
    if (item === undefined) throw UNUSUAL; // undefined, or a hole
    out.push(copyValue(item, depth + 1));
  }
  return out;
}

function copyObject(o: object, depth: number): Record<string, unknown> {
  if (ArrayBuffer.isView(o) || !isPlainObject(o)) throw UNUSUAL;
  const out: Record<string, unknown> = {};
  let count = 0;
  // for-in rather than Object.keys: the same keys in the same order with no array per object; an
  // inherited key (someone made a property of Object.prototype enumerable) goes the library's way.
  for (const key in o) {
    // The decoder refuses "__proto__"; with bytes, the receiver sees that error where it always did.
    if (!hasOwn.call(o, key) || key === '__proto__') throw UNUSUAL;
    const value = (o as Record<string, unknown>)[key];
    if (value === undefined) throw UNUSUAL;
    countString(key);
    out[key] = copyValue(value, depth + 1);
    count++;
  }
  size += containerHeaderSize(count);
  return out;
}
