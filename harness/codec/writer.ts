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

let bytes = new Uint8Array(64 * 1024);
let buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
let view = new DataView(bytes.buffer);
let pos = 0;
let busy = false;
const hasOwn = Object.prototype.hasOwnProperty;

/** The bytes of `value`, or throws UNUSUAL. */
export function write(value: unknown): Uint8Array {
  // A getter that encodes while we encode would write into our buffer: leave it to the library.
  if (busy) throw UNUSUAL;
  busy = true;
  pos = 0;
  try {
    writeValue(value, 1);
    return bytes.slice(0, pos);
  } finally {
    busy = false;
  }
}

function ensure(more: number): void {
  if (pos + more <= bytes.length) return;
  const grown = new Uint8Array(Math.max(bytes.length * 2, pos + more));
  grown.set(bytes.subarray(0, pos));
  bytes = grown;
  buffer = Buffer.from(grown.buffer, grown.byteOffset, grown.byteLength);
  view = new DataView(grown.buffer);
}

function writeValue(v: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw UNUSUAL;
  switch (typeof v) {
    case 'string':
      return writeString(v);
    case 'number':
      return writeNumber(v);
    case 'boolean':
      ensure(1);
      bytes[pos++] = v ? 0xc3 : 0xc2;
      return;
    case 'object':
      if (v === null) {
        ensure(1);
        bytes[pos++] = 0xc0;
      } else if (Array.isArray(v)) writeArray(v, depth);
      else if (v instanceof Uint8Array) writeBinary(v);
      else writeMap(v, depth);
      return;
    default:
      throw UNUSUAL;
  }
}

function writeString(s: string): void {
  const n = s.length;
  if (n <= SHORT_STRING) {
    // Most strings are short ASCII (keys, commands): write them on the guess that they are, and
    // start again at the first unit that is not.
    ensure(2 + 3 * n);
    const start = pos + (n < 32 ? 1 : 2);
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      bytes[start + i] = c;
    }
    if (i === n) {
      writeStringHeader(n);
      pos = start + n;
      return;
    }
    const length = utf8Length(s);
    writeStringHeader(length < 0 ? Buffer.byteLength(s, 'utf8') : length);
    pos = writeShortString(s, bytes, pos);
    return;
  }
  const length = Buffer.byteLength(s, 'utf8');
  ensure(5 + length);
  writeStringHeader(length);
  pos += buffer.write(s, pos, length, 'utf8');
}

function writeStringHeader(length: number): void {
  if (length < 32) bytes[pos++] = 0xa0 + length;
  else writeLengthHeader(length, 0xd9);
}

/** A str or bin header past the fix forms: `code8` (str8, bin8) and the two codes after it take 1, 2 and 4 length bytes. */
function writeLengthHeader(length: number, code8: number): void {
  if (length < 0x100) {
    bytes[pos++] = code8;
    bytes[pos++] = length;
  } else if (length < 0x10000) {
    bytes[pos++] = code8 + 1;
    view.setUint16(pos, length);
    pos += 2;
  } else {
    bytes[pos++] = code8 + 2;
    view.setUint32(pos, length);
    pos += 4;
  }
}

function writeNumber(v: number): void {
  ensure(9);
  if (!Number.isSafeInteger(v)) {
    if (!Number.isFinite(v)) throw UNUSUAL;
    bytes[pos++] = 0xcb;
    view.setFloat64(pos, v);
    pos += 8;
  } else if (v >= 0) {
    if (v < 0x80) bytes[pos++] = v;
    else if (v < 0x100) {
      bytes[pos++] = 0xcc;
      bytes[pos++] = v;
    } else if (v < 0x10000) {
      bytes[pos++] = 0xcd;
      view.setUint16(pos, v);
      pos += 2;
    } else if (v < 0x100000000) {
      bytes[pos++] = 0xce;
      view.setUint32(pos, v);
      pos += 4;
    } else {
      bytes[pos++] = 0xcf;
      view.setUint32(pos, v / 0x100000000); // setUint32 truncates, as the library relies on
      view.setUint32(pos + 4, v);
      pos += 8;
    }
  } else if (v >= -0x20) bytes[pos++] = 0xe0 | (v + 0x20);
  else if (v >= -0x80) {
    bytes[pos++] = 0xd0;
    view.setInt8(pos++, v);
  } else if (v >= -0x8000) {
    bytes[pos++] = 0xd1;
    view.setInt16(pos, v);
    pos += 2;
  } else if (v >= -0x80000000) {
    bytes[pos++] = 0xd2;
    view.setInt32(pos, v);
    pos += 4;
  } else {
    bytes[pos++] = 0xd3;
    view.setUint32(pos, Math.floor(v / 0x100000000));
    view.setUint32(pos + 4, v);
    pos += 8;
  }
}

function writeContainerHeader(count: number, fix: number, x16: number): void {
  ensure(5);
  if (count < 16) bytes[pos++] = fix + count;
  else if (count < 0x10000) {
    bytes[pos++] = x16;
    view.setUint16(pos, count);
    pos += 2;
  } else {
    bytes[pos++] = x16 + 1;
    view.setUint32(pos, count);
    pos += 4;
  }
}

function writeArray(a: unknown[], depth: number): void {
  if (!isPlainArray(a)) throw UNUSUAL;
  const n = a.length;
  writeContainerHeader(n, 0x90, 0xdc);
  for (let i = 0; i < n; i++) {
    const item = a[i];
    if (item === undefined) throw UNUSUAL; // undefined, or a hole
    writeValue(item, depth + 1);
  }
}

function writeBinary(b: Uint8Array): void {
  if (b.constructor !== Uint8Array) throw UNUSUAL;
  const n = b.length;
  ensure(5 + n);
  writeLengthHeader(n, 0xc4);
  bytes.set(b, pos);
  pos += n;
}

function writeMap(o: object, depth: number): void {
  if (ArrayBuffer.isView(o) || !isPlainObject(o)) throw UNUSUAL;
  // The header takes the count, known once the entries are written (for-in, not an Object.keys
  // array per object): a fixmap's byte is reserved, and a longer header moves the entries along.
  ensure(1);
  const at = pos++;
  let count = 0;
  for (const key in o) {
    // An inherited key (an enumerable property of Object.prototype): the library's way, own keys only.
    if (!hasOwn.call(o, key)) throw UNUSUAL;
    const value = (o as Record<string, unknown>)[key];
    if (value === undefined) throw UNUSUAL;
    writeString(key);
    writeValue(value, depth + 1);
    count++;
  }
  if (count < 16) {
    bytes[at] = 0x80 + count;
    return;
  }
  const extra = count < 0x10000 ? 2 : 4;
  ensure(extra);
  bytes.copyWithin(at + 1 + extra, at + 1, pos);
  pos += extra;
  if (extra === 2) {
    bytes[at] = 0xde;
    view.setUint16(at + 1, count);
  } else {
    bytes[at] = 0xdf;
    view.setUint32(at + 1, count);
  }
}
