// One MessagePack value assembled from parts that are already encoded.
//
// Why: Raft saves its whole state, log included, on every persister.save() (as the course's
// persister requires), and the key/value services put their whole store into every snapshot.
// Encoding all of it again on each save made the reference spend most of a 3A/3B run encoding bytes
// it had encoded before (quadratically in 3A, whose log is never trimmed). So the owners of those
// values keep the encodings of the parts that did not change (blocks of log entries, a store's
// [key, value] pairs) and assemble the whole here. MessagePack frames an array, a map or a byte
// string with a header that depends only on its length, so the assembled bytes are exactly those
// the codec produces for the whole value: what is saved, and every trace, stay the same.
//
// Values are encoded by the injected codec only; this module writes headers and copies bytes. A
// Frame checks, once per codec, that the codec frames values as MessagePack does. It lives with
// Raft, the first layer that needs it; the key/value services (which build on Raft) use it too.
import type { Codec } from '../../harness/api';

/** MessagePack's header forms for a length: in the first byte (below fixLimit), 16 or 32 bits. */
interface HeaderKind {
  fix: number;
  fixLimit: number;
  u16: number;
  u32: number;
}

// Frozen: a module's constants must not be state a grade worker could carry from run to run.
const ARRAY: HeaderKind = Object.freeze({ fix: 0x90, fixLimit: 16, u16: 0xdc, u32: 0xdd });
const MAP: HeaderKind = Object.freeze({ fix: 0x80, fixLimit: 16, u16: 0xde, u32: 0xdf });
/** Byte strings have an 8-bit form instead of a fix form. */
const BIN = Object.freeze({ u8: 0xc4, u16: 0xc5, u32: 0xc6 });
/** Text strings have both: a fix form for up to 31 bytes, then 8, 16 and 32 bits. */
const STR = Object.freeze({ fix: 0xa0, fixLimit: 32, u8: 0xd9, u16: 0xda, u32: 0xdb });

/**
 * An array's elements, encoded, to be framed into one value: `length` elements in all, held as
 * consecutive byte pieces that need not match the elements one to one (a piece may hold several
 * complete blocks; a block may be two pieces, its headers and then a view of its entries).
 */
export interface EncodedArray {
  /** How many elements the array has (its header's count). */
  length: number;
  /** The elements' bytes, in order, in pieces. */
  elements: Uint8Array[];
  /** Which piece, if any, is all of a FramedRun's elements (see FramedRun.around). */
  run?: { piece: number; of: FramedRun };
}

/** Collects the parts of one value in order; bytes() joins them into one new array. */
export class Frame {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  /** `codec` must have passed checkFraming() (the Raft checks its runtime's codec when it is made). */
  constructor(private readonly codec: Codec) {}

  /** The header of an array of `length` elements; append the elements next. */
  array(length: number): this {
    return this.encoded(header(ARRAY, length));
  }

  /** The header of a map of `size` entries; append key, value, key, value... next. */
  map(size: number): this {
    return this.encoded(header(MAP, size));
  }

  /** A byte string (what the codec makes of a Uint8Array): its header, then the bytes. */
  bin(bytes: Uint8Array): this {
    return this.binHeader(bytes.length).encoded(bytes);
  }

  /** A value, encoded now by the codec. */
  value(v: unknown): this {
    return this.encoded(this.codec.encode(v));
  }

  /** Several values in a row (elements of an array, or keys and values of a map), encoded now in one call. */
  items(values: unknown[]): this {
    const n = values.length;
    const headerLength = n < ARRAY.fixLimit ? 1 : n < 0x10000 ? 3 : 5;
    return this.encoded(tail(this.codec.encode(values), headerLength));
  }

  /** Encoded bytes, copied into the result as they are when bytes() or copyTo() runs. */
  encoded(bytes: Uint8Array): this {
    this.parts.push(bytes);
    this.size += bytes.length;
    return this;
  }

  /** Adds this value to `a` as its next element, by reference to the parts (no copy). */
  addTo(a: EncodedArray): void {
    for (const part of this.parts) a.elements.push(part);
    a.length++;
  }

  private binHeader(n: number): this {
    return this.encoded(sizedHeader(BIN, n));
  }

  /** How many bytes the parts so far take. */
  get length(): number {
    return this.size;
  }

  /** The whole value's encoding, in a new array. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    this.copyTo(out, 0);
    return out;
  }

  /** Writes the parts so far into `target` from `at` on. */
  copyTo(target: Uint8Array, at: number): void {
    for (const part of this.parts) {
      target.set(part, at);
      at += part.length;
    }
  }
}

// Headers are made per use, not kept in module-level tables shared by every Frame: an array of
// bytes cannot be frozen, and a module's mutable values would be state a warm grade worker carries
// from run to run (grader/module-state.ts).
function header(kind: HeaderKind, n: number): Uint8Array {
  const bytes = new Uint8Array(headerSize(kind, n));
  writeHeader(bytes, 0, kind, n);
  return bytes;
}

/** The size of the header of an array or map of `n` elements or entries. */
function headerSize(kind: HeaderKind, n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new RangeError(`Frame: ${n} is not a MessagePack length`);
  return n < kind.fixLimit ? 1 : n < 0x10000 ? 3 : 5;
}

/** Writes header(kind, n) into `target` at `at`. */
function writeHeader(target: Uint8Array, at: number, kind: HeaderKind, n: number): void {
  if (n < kind.fixLimit) target[at] = kind.fix + n;
  else if (n < 0x10000) {
    target[at] = kind.u16;
    target[at + 1] = n >>> 8;
    target[at + 2] = n & 0xff;
  } else writeU32(target, at, kind.u32, n);
}

/**
 * The headers of a byte string that holds an array of `count` elements whose encodings take
 * `size` bytes (how Raft saves a block of log entries): the byte string's header, then the
 * array's, in one array, so that such a block is framed with one small allocation.
 */
export function binArrayHeader(count: number, size: number): Uint8Array {
  const arrayHeader = headerSize(ARRAY, count);
  const binHeader = sizedHeaderSize(arrayHeader + size);
  const bytes = new Uint8Array(binHeader + arrayHeader);
  writeSizedHeader(bytes, 0, BIN, arrayHeader + size);
  writeHeader(bytes, binHeader, ARRAY, count);
  return bytes;
}

/** The size of the header of a text string of `n` UTF-8 bytes. */
export function stringHeaderSize(n: number): number {
  return n < STR.fixLimit ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
}

/** Writes the header of a text string of `n` UTF-8 bytes into `target` at `at` (stringHeaderSize(n) bytes). */
export function writeStringHeader(target: Uint8Array, at: number, n: number): void {
  if (n < STR.fixLimit) target[at] = STR.fix + n;
  else writeSizedHeader(target, at, STR, n);
}

/** The size of the string header that starts with `tag` (the first byte of a string's encoding). */
export function stringHeaderSizeOf(tag: number): number {
  const size =
    tag >= STR.fix && tag < STR.fix + STR.fixLimit
      ? 1
      : tag === STR.u8
        ? 2
        : tag === STR.u16
          ? 3
          : tag === STR.u32
            ? 5
            : 0;
  if (size === 0)
    throw new Error(
      `src/raft/frame.ts: the injected codec encoded a string with the tag 0x${tag.toString(16)}, not a MessagePack string's`,
    );
  return size;
}

/** The UTF-8 bytes of `s` as the codec writes them: its encoding of `s` without the header (see tail). */
export function stringBody(codec: Codec, s: string): Uint8Array {
  const encoded = codec.encode(s);
  return tail(encoded, stringHeaderSizeOf(encoded[0]));
}

/**
 * V8 keeps a typed array of up to this many bytes inside its heap, and must move its bytes out
 * before a view (subarray) can share them: a few hundred nanoseconds, several times the cost of
 * copying them. The codec's encodings of short values (a key, an appended string) are that small.
 */
const IN_HEAP_BYTES = 64;

/** `bytes` from `from` on: a view, or a copy if `bytes` is small enough to be in V8's heap (see IN_HEAP_BYTES). */
function tail(bytes: Uint8Array, from: number): Uint8Array {
  return bytes.length > IN_HEAP_BYTES ? bytes.subarray(from) : bytes.slice(from);
}

/** Copies `source` from `from` on into `target` at `at` (through no view of a small source: see IN_HEAP_BYTES). */
export function copyTail(source: Uint8Array, from: number, target: Uint8Array, at: number): void {
  if (source.length > IN_HEAP_BYTES) target.set(source.subarray(from), at);
  else for (let i = from; i < source.length; i++) target[at++] = source[i];
}

type SizedKind = { readonly u8: number; readonly u16: number; readonly u32: number };

/** A bin or str header past the fix forms: the 8-, 16- or 32-bit length form, whichever `n` fits. */
function sizedHeader(kind: SizedKind, n: number): Uint8Array {
  const header = new Uint8Array(sizedHeaderSize(n));
  writeSizedHeader(header, 0, kind, n);
  return header;
}

function sizedHeaderSize(n: number): number {
  return n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
}

/** Writes sizedHeader(kind, n) into `target` at `at`. */
function writeSizedHeader(target: Uint8Array, at: number, kind: SizedKind, n: number): void {
  if (n < 0x100) {
    target[at] = kind.u8;
    target[at + 1] = n;
  } else if (n < 0x10000) {
    target[at] = kind.u16;
    target[at + 1] = n >>> 8;
    target[at + 2] = n & 0xff;
  } else writeU32(target, at, kind.u32, n);
}

/** A header's 32-bit form: `tag`, then `n` in 4 bytes, big-endian. */
function writeU32(target: Uint8Array, at: number, tag: number, n: number): void {
  target[at] = tag;
  target[at + 1] = n >>> 24;
  target[at + 2] = (n >>> 16) & 0xff;
  target[at + 3] = (n >>> 8) & 0xff;
  target[at + 4] = n & 0xff;
}

/**
 * One buffer holding each value assembled into it in turn, for bytes whose consumer copies them at
 * once: the persister keeps a copy of what it is given (as the course's does), so Raft's saves need
 * no new array each.
 */
export class ReusedBuffer {
  private buffer = new Uint8Array(0);

  /** The frame's bytes, as a view that the next hold() overwrites. */
  hold(frame: Frame): Uint8Array {
    if (frame.length > this.buffer.length)
      this.buffer = new Uint8Array(Math.max(frame.length, Math.ceil(1.5 * this.buffer.length)));
    frame.copyTo(this.buffer, 0);
    return this.buffer.subarray(0, frame.length);
  }
}

/**
 * Room a FramedRun keeps before the elements of a new buffer, for what around() writes before them
 * (a module constant, not a static field: a class's own fields would be state shared by every run).
 */
const FRONT = 64;

/**
 * Consecutive elements of one array, each already framed (the bytes of a Frame), kept in one
 * buffer so that the first n of them are copied into a Frame in one piece. The caller numbers the
 * elements (Raft: block numbers); the run grows at its end and shrinks at either end.
 */
export class FramedRun {
  private buffer = new Uint8Array(4096);
  /** Where the first element starts in the buffer. */
  private start = FRONT;
  /** Where each element ends in the buffer, in order. */
  private ends: number[] = [];
  private firstId = 0;

  get count(): number {
    return this.ends.length;
  }

  /** The number the next push() gets. */
  get next(): number {
    return this.firstId + this.count;
  }

  /** Makes element `id` the first: keeps the run if it starts there already, else empties it. */
  startAt(id: number): void {
    if (this.firstId === id && this.count > 0) return;
    this.clear();
    this.firstId = id;
  }

  /** Appends element number `next`: a Frame's bytes, or bytes already encoded. */
  push(element: Frame | Uint8Array): void {
    if (this.end + element.length > this.buffer.length) this.grow(element.length);
    const at = this.end;
    if (element instanceof Uint8Array) this.buffer.set(element, at);
    else element.copyTo(this.buffer, at);
    this.ends.push(at + element.length);
  }

  /** The first `n` elements' bytes: a view, valid until the run next changes. */
  head(n: number): Uint8Array {
    if (n > this.count)
      throw new RangeError(`FramedRun: ${n} elements asked for, ${this.count} held`);
    return this.between(this.firstId, this.firstId + n);
  }

  /** Elements `from` to `to` (exclusive), all held: their bytes as a view, valid until the run next changes. */
  between(from: number, to: number): Uint8Array {
    if (from < this.firstId || to > this.next || from > to)
      throw new RangeError(
        `FramedRun: elements ${from}..${to - 1} asked for, ${this.firstId}..${this.next - 1} held`,
      );
    const i = from - this.firstId;
    const j = to - this.firstId;
    return this.buffer.subarray(
      i === 0 ? this.start : this.ends[i - 1],
      j === 0 ? this.start : this.ends[j - 1],
    );
  }

  clear(): void {
    this.ends = [];
    this.start = FRONT;
  }

  /**
   * The bytes of `before`, every element, then `after`, as one view of the run's buffer (written
   * around the elements, where nothing is kept), so that a value whose bulk is the run is
   * assembled without copying the run; undefined if `before` does not fit in front of it. The view
   * is valid until the run next changes.
   */
  around(before: Frame, after: Frame): Uint8Array | undefined {
    if (before.length > this.start) return undefined;
    if (this.end + after.length > this.buffer.length) this.grow(after.length);
    const from = this.start - before.length;
    before.copyTo(this.buffer, from);
    after.copyTo(this.buffer, this.end);
    return this.buffer.subarray(from, this.end + after.length);
  }

  /** Drops element `id` and every later one. */
  dropFrom(id: number): void {
    this.ends.length = Math.max(0, Math.min(this.count, id - this.firstId));
  }

  /** Drops every element before `id`. */
  dropBefore(id: number): void {
    const k = Math.max(0, Math.min(this.count, id - this.firstId));
    if (k === 0) return;
    this.start = this.ends[k - 1];
    this.ends = this.ends.slice(k);
    this.firstId += k;
  }

  private get end(): number {
    return this.count > 0 ? this.ends[this.count - 1] : this.start;
  }

  /** Moves the elements to the front room of a buffer with room for `extra` more bytes after them. */
  private grow(extra: number): void {
    const live = this.buffer.subarray(this.start, this.end);
    const next = new Uint8Array(FRONT + Math.max(4096, 2 * (live.length + extra)));
    next.set(live, FRONT);
    const shift = FRONT - this.start;
    this.ends = this.ends.map((e) => e + shift);
    this.start = FRONT;
    this.buffer = next;
  }
}

/**
 * Throws unless `codec` frames arrays, maps and byte strings as MessagePack does (then a Frame
 * assembles the same bytes as the codec's encoding of the whole value), and text strings too (for
 * stringBody and writeStringHeader). Checked on a sample with every header size a Frame writes or
 * strips but the 32-bit ones, by each Raft server when it is made (its service's Frames use the
 * same runtime's codec): a few microseconds per server, and no module-level cache that would
 * outlive a run.
 */
export function checkFraming(codec: Codec): void {
  const pairs = Array.from({ length: 3 }, (_, i) => [`k${i}`, 'v'.repeat(i * 200)]);
  const blobs = [new Uint8Array(3).fill(1), new Uint8Array(300).fill(2), new Uint8Array(0)];
  const wide = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`p${i}`, i]));
  const texts = ['', 'a'.repeat(31), 'é'.repeat(16), 'b'.repeat(255), '€'.repeat(100)];
  const sample = {
    none: [],
    pairs,
    blobs,
    wide,
    long: Array.from({ length: 17 }, (_, i) => i),
    texts,
  };
  let problem = 'its bytes differ';
  try {
    const frame = new Frame(codec).map(6).items(['none', []]).value('pairs').array(pairs.length);
    for (const p of pairs) frame.value(p);
    frame.value('blobs').array(blobs.length);
    for (const b of blobs) frame.bin(b);
    frame.value('wide').map(16).items(Object.entries(wide).flat());
    frame.value('long').array(17).items(sample.long);
    frame.value('texts').array(texts.length);
    for (const t of texts) {
      const body = stringBody(codec, t);
      const header = new Uint8Array(stringHeaderSize(body.length));
      writeStringHeader(header, 0, body.length);
      frame.encoded(header).encoded(body);
    }
    if (sameBytes(frame.bytes(), codec.encode(sample))) return;
  } catch (e) {
    problem = e instanceof Error ? e.message : String(e);
  }
  throw new Error(
    `src/raft/frame.ts: the injected codec does not frame arrays, maps and byte strings as MessagePack does (${problem}); the reference assembles its persisted state and snapshots from MessagePack frames`,
  );
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
