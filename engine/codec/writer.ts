// The codec's encoder: one walk that checks each part is sendable and writes it, byte for byte
// what @msgpack/msgpack writes (the library walked the value a second time after a separate
// validation walk, and counted every string's UTF-8 length in JavaScript). A value it does not
// handle (anything unsendable, a cycle, nesting past the library's limit, an array with its own
// iterator...) throws UNUSUAL, and the caller takes the library's path, which gives the error.
import {
  isPlainArray,
  isPlainObject,
  MAX_DEPTH,
  SHORT_STRING,
  UNUSUAL,
  utf8Length,
  writeShortString,
} from './format';

const hasOwn = Object.prototype.hasOwnProperty;

/** The scratch buffer a writer starts with: most messages and saves fit, so it rarely grows. */
export const SCRATCH_BYTES = 64 * 1024;

/**
 * An encoder with a scratch buffer of its own, reused by every write (each result is a copy of
 * the bytes written): whoever encodes often keeps one (a simulator's codec does).
 */
export class Writer {
  private bytes: Uint8Array;
  private buffer: Buffer;
  private view: DataView;
  private pos = 0;
  /** A write is under way: a getter that encodes while we encode would write into our buffer. */
  private busy = false;

  constructor(scratchBytes = SCRATCH_BYTES) {
    this.bytes = new Uint8Array(scratchBytes);
    this.buffer = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    this.view = new DataView(this.bytes.buffer);
  }

  /** The bytes of `value`, or throws UNUSUAL. */
  write(value: unknown): Uint8Array {
    // A getter that encodes with this writer while it writes: leave that one to the library.
    if (this.busy) throw UNUSUAL;
    this.busy = true;
    this.pos = 0;
    try {
      this.writeValue(value, 1);
      return this.bytes.slice(0, this.pos);
    } finally {
      this.busy = false;
    }
  }

  private ensure(more: number): void {
    if (this.pos + more <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.pos + more));
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
    this.buffer = Buffer.from(grown.buffer, grown.byteOffset, grown.byteLength);
    this.view = new DataView(grown.buffer);
  }

  private writeValue(v: unknown, depth: number): void {
    if (depth > MAX_DEPTH) throw UNUSUAL;
    switch (typeof v) {
      case 'string':
        return this.writeString(v);
      case 'number':
        return this.writeNumber(v);
      case 'boolean':
        this.ensure(1);
        this.bytes[this.pos++] = v ? 0xc3 : 0xc2;
        return;
      case 'object':
        if (v === null) {
          this.ensure(1);
          this.bytes[this.pos++] = 0xc0;
        } else if (Array.isArray(v)) this.writeArray(v, depth);
        else if (v instanceof Uint8Array) this.writeBinary(v);
        else this.writeMap(v, depth);
        return;
      default:
        throw UNUSUAL;
    }
  }

  private writeString(s: string): void {
    const n = s.length;
    if (n <= SHORT_STRING) {
      // Most strings are short ASCII (keys, commands): write them on the guess that they are, and
      // start again at the first unit that is not.
      this.ensure(2 + 3 * n);
      const bytes = this.bytes;
      const start = this.pos + (n < 32 ? 1 : 2);
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        bytes[start + i] = c;
      }
      if (i === n) {
        this.writeStringHeader(n);
        this.pos = start + n;
        return;
      }
      const length = utf8Length(s);
      this.writeStringHeader(length < 0 ? Buffer.byteLength(s, 'utf8') : length);
      this.pos = writeShortString(s, this.bytes, this.pos);
      return;
    }
    const length = Buffer.byteLength(s, 'utf8');
    this.ensure(5 + length);
    this.writeStringHeader(length);
    this.pos += this.buffer.write(s, this.pos, length, 'utf8');
  }

  private writeStringHeader(length: number): void {
    if (length < 32) this.bytes[this.pos++] = 0xa0 + length;
    else this.writeLengthHeader(length, 0xd9);
  }

  /** A str or bin header past the fix forms: `code8` (str8, bin8) and the two codes after it take 1, 2 and 4 length bytes. */
  private writeLengthHeader(length: number, code8: number): void {
    if (length < 0x100) {
      this.bytes[this.pos++] = code8;
      this.bytes[this.pos++] = length;
    } else if (length < 0x10000) {
      this.bytes[this.pos++] = code8 + 1;
      this.view.setUint16(this.pos, length);
      this.pos += 2;
    } else {
      this.bytes[this.pos++] = code8 + 2;
      this.view.setUint32(this.pos, length);
      this.pos += 4;
    }
  }

  private writeNumber(v: number): void {
    this.ensure(9);
    if (!Number.isSafeInteger(v)) {
      if (!Number.isFinite(v)) throw UNUSUAL;
      this.bytes[this.pos++] = 0xcb;
      this.view.setFloat64(this.pos, v);
      this.pos += 8;
    } else if (v >= 0) {
      if (v < 0x80) this.bytes[this.pos++] = v;
      else if (v < 0x100) {
        this.bytes[this.pos++] = 0xcc;
        this.bytes[this.pos++] = v;
      } else if (v < 0x10000) {
        this.bytes[this.pos++] = 0xcd;
        this.view.setUint16(this.pos, v);
        this.pos += 2;
      } else if (v < 0x100000000) {
        this.bytes[this.pos++] = 0xce;
        this.view.setUint32(this.pos, v);
        this.pos += 4;
      } else {
        this.bytes[this.pos++] = 0xcf;
        this.view.setUint32(this.pos, v / 0x100000000); // setUint32 truncates, as the library relies on
        this.view.setUint32(this.pos + 4, v);
        this.pos += 8;
      }
    } else if (v >= -0x20) this.bytes[this.pos++] = 0xe0 | (v + 0x20);
    else if (v >= -0x80) {
      this.bytes[this.pos++] = 0xd0;
      this.view.setInt8(this.pos++, v);
    } else if (v >= -0x8000) {
      this.bytes[this.pos++] = 0xd1;
      this.view.setInt16(this.pos, v);
      this.pos += 2;
    } else if (v >= -0x80000000) {
      this.bytes[this.pos++] = 0xd2;
      this.view.setInt32(this.pos, v);
      this.pos += 4;
    } else {
      this.bytes[this.pos++] = 0xd3;
      this.view.setUint32(this.pos, Math.floor(v / 0x100000000));
      this.view.setUint32(this.pos + 4, v);
      this.pos += 8;
    }
  }

  private writeContainerHeader(count: number, fix: number, x16: number): void {
    this.ensure(5);
    if (count < 16) this.bytes[this.pos++] = fix + count;
    else if (count < 0x10000) {
      this.bytes[this.pos++] = x16;
      this.view.setUint16(this.pos, count);
      this.pos += 2;
    } else {
      this.bytes[this.pos++] = x16 + 1;
      this.view.setUint32(this.pos, count);
      this.pos += 4;
    }
  }

  private writeArray(a: unknown[], depth: number): void {
    if (!isPlainArray(a)) throw UNUSUAL;
    const n = a.length;
    this.writeContainerHeader(n, 0x90, 0xdc);
    for (let i = 0; i < n; i++) {
      const item = a[i];
      if (item === undefined) throw UNUSUAL; // undefined, or a hole
      this.writeValue(item, depth + 1);
    }
  }

  private writeBinary(b: Uint8Array): void {
    if (b.constructor !== Uint8Array) throw UNUSUAL;
    const n = b.length;
    this.ensure(5 + n);
    this.writeLengthHeader(n, 0xc4);
    this.bytes.set(b, this.pos);
    this.pos += n;
  }

  private writeMap(o: object, depth: number): void {
    if (ArrayBuffer.isView(o) || !isPlainObject(o)) throw UNUSUAL;
    // The header takes the count, known once the entries are written (for-in, not an Object.keys
    // array per object): a fixmap's byte is reserved, and a longer header moves the entries along.
    this.ensure(1);
    const at = this.pos++;
    let count = 0;
    for (const key in o) {
      // An inherited key (an enumerable property of Object.prototype): the library's way, own keys only.
      if (!hasOwn.call(o, key)) throw UNUSUAL;
      const value = (o as Record<string, unknown>)[key];
      if (value === undefined) throw UNUSUAL;
      this.writeString(key);
      this.writeValue(value, depth + 1);
      count++;
    }
    if (count < 16) {
      this.bytes[at] = 0x80 + count;
      return;
    }
    const extra = count < 0x10000 ? 2 : 4;
    this.ensure(extra);
    this.bytes.copyWithin(at + 1 + extra, at + 1, this.pos);
    this.pos += extra;
    if (extra === 2) {
      this.bytes[at] = 0xde;
      this.view.setUint16(at + 1, count);
    } else {
      this.bytes[at] = 0xdf;
      this.view.setUint32(at + 1, count);
    }
  }
}
