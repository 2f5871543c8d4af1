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

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * One message's copy and byte count, made by one walk in the constructor (the count is kept on
 * the object as the walk goes). Throws UNUSUAL for a value whose round trip is not this simple.
 */
export class WireCopy {
  /** What decode(encode(value)) gives. */
  readonly value: unknown;
  /** The length of encode(value). */
  byteLength = 0;

  constructor(value: unknown) {
    this.value = this.copyValue(value, 1);
  }

  private copyValue(v: unknown, depth: number): unknown {
    if (depth > MAX_DEPTH) throw UNUSUAL;
    switch (typeof v) {
      case 'string':
        this.countString(v);
        return v;
      case 'number':
        if (!Number.isFinite(v)) throw UNUSUAL;
        this.byteLength += numberSize(v);
        return v === 0 ? 0 : v; // -0 is written as the integer 0
      case 'boolean':
        this.byteLength += 1;
        return v;
      case 'object':
        if (v === null) {
          this.byteLength += 1;
          return null;
        }
        if (Array.isArray(v)) return this.copyArray(v, depth);
        if (v instanceof Uint8Array) {
          if (v.constructor !== Uint8Array) throw UNUSUAL;
          this.byteLength += binHeaderSize(v.length) + v.length;
          return v.slice();
        }
        return this.copyObject(v, depth);
      default:
        throw UNUSUAL;
    }
  }

  private countString(s: string): void {
    const length = utf8Length(s);
    if (length < 0) throw UNUSUAL;
    this.byteLength += stringHeaderSize(length) + length;
  }

  private copyArray(a: unknown[], depth: number): unknown[] {
    if (!isPlainArray(a)) throw UNUSUAL;
    const n = a.length;
    this.byteLength += containerHeaderSize(n);
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const item = a[i];
      if (item === undefined) throw UNUSUAL; // undefined, or a hole
      out.push(this.copyValue(item, depth + 1));
    }
    return out;
  }

  private copyObject(o: object, depth: number): Record<string, unknown> {
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
      this.countString(key);
      out[key] = this.copyValue(value, depth + 1);
      count++;
    }
    this.byteLength += containerHeaderSize(count);
    return out;
  }
}
