// The [key, value] pairs of a string map (a key/value store's data) as the codec encodes
// [...map], kept between snapshots so that a snapshot encodes again only what changed since the
// last. Whether a value changed is found by comparing it with the remembered one (the same string
// object compares at once), so whoever changes the map need not say so. A value that only grew at
// its end, as the owner says through appended() (an Append: the usual change, to values of
// kilobytes), has only its new end encoded, written after the kept bytes of the pair; any other
// change encodes the pair again. The bytes are the codec's (test/kvraft/pair-encodings.spec.ts checks).
import type { Codec } from '../../harness/api';
import {
  copyTail,
  stringHeaderSize,
  stringHeaderSizeOf,
  writeStringHeader,
  type Frame,
} from '../raft';

/** One pair's encoding, in `buffer` up to `length`, with room after it for appended bytes. */
interface KeptPair<V> {
  value: V;
  buffer: Uint8Array;
  length: number;
  /** buffer up to length, made when they change (a snapshot writes every pair). */
  view: Uint8Array;
  /** Where a string value's header starts, and its size (the value's UTF-8 bytes follow it). */
  valueAt: number;
  headerSize: number;
  /** Whether the value is a string that holds no UTF-16 surrogate (one that extend() can grow). */
  extensible: boolean;
}

/** Any UTF-16 surrogate, paired or not. */
const SURROGATE = /[\ud800-\udfff]/;

/** Appends to one key since the last write: its value went from `from` to `to` = from + added. */
interface Growth {
  from: string;
  to: string;
  added: string;
}

/** Pairs of a map from keys to strings (appended() applies) or to other values (numbers: a duplicate table). */
export class PairEncodings<K = string, V = string> {
  private readonly kept = new Map<K, KeptPair<V>>();
  private readonly growths = new Map<K, Growth>();

  /**
   * Tells that `key`'s value went from `from` to `to`, which is `from + added` (optional: without
   * it the pair is encoded again whole). Remembered from the first write() on, until the next.
   */
  appended(key: K, from: string, to: string, added: string): void {
    if (this.kept.size === 0) return;
    const g = this.growths.get(key);
    if (g !== undefined && g.to === from) {
      g.to = to;
      g.added += added;
    } else this.growths.set(key, { from, to, added });
  }

  /**
   * Appends `[...map]` (an array of [key, value] pairs, in the map's order) to `frame`, as views of
   * kept buffers: copy the frame's bytes before the next write.
   */
  write(frame: Frame, codec: Codec, map: ReadonlyMap<K, V>): void {
    frame.array(map.size);
    for (const [key, value] of map) {
      let pair = this.kept.get(key);
      if (pair === undefined) {
        pair = encodePair(codec, key, value);
        this.kept.set(key, pair);
      } else if (pair.value !== value && !extend(codec, pair, value, this.growths.get(key))) {
        pair = encodePair(codec, key, value);
        this.kept.set(key, pair);
      }
      frame.encoded(pair.view);
    }
    this.growths.clear();
    // Forget deleted keys (only when there are some: most snapshots delete nothing).
    if (this.kept.size > map.size)
      for (const key of [...this.kept.keys()]) if (!map.has(key)) this.kept.delete(key);
  }
}

function encodePair<K, V>(codec: Codec, key: K, value: V): KeptPair<V> {
  const buffer = codec.encode([key, value]);
  if (typeof value !== 'string')
    return {
      value,
      buffer,
      length: buffer.length,
      view: buffer,
      valueAt: -1,
      headerSize: 0,
      extensible: false,
    };
  const valueAt = 1 + codec.encode(key).length; // after the header of a 2-element array and the key
  return {
    value,
    buffer,
    length: buffer.length,
    view: buffer,
    valueAt,
    headerSize: stringHeaderSizeOf(buffer[valueAt]),
    extensible: !SURROGATE.test(value),
  };
}

/**
 * Writes the end that `value` added to the pair's kept value, if `growth` says that is all that
 * changed and the value's header keeps its size; false if the pair must be encoded again.
 */
function extend<V>(codec: Codec, pair: KeptPair<V>, value: V, growth: Growth | undefined): boolean {
  if (growth === undefined || !pair.extensible || growth.from !== pair.value || growth.to !== value)
    return false;
  const added = growth.added;
  // Only text without surrogates is written the same, byte for byte, whole or in pieces: a pair
  // split between the two pieces joins into one character, and the codec (as @msgpack/msgpack
  // does) writes a lone surrogate in a short string otherwise than in a long one.
  if (SURROGATE.test(added)) return false;
  // The codec's UTF-8 bytes of the added text: its encoding without the header.
  const encoded = codec.encode(added);
  const bodyAt = stringHeaderSizeOf(encoded[0]);
  const bodyLength = encoded.length - bodyAt;
  const total = pair.length - pair.valueAt - pair.headerSize + bodyLength;
  if (stringHeaderSize(total) !== pair.headerSize) return false;
  if (pair.length + bodyLength > pair.buffer.length) {
    const grown = new Uint8Array(Math.max(2 * pair.buffer.length, pair.length + bodyLength));
    grown.set(pair.buffer.subarray(0, pair.length));
    pair.buffer = grown;
  }
  copyTail(encoded, bodyAt, pair.buffer, pair.length);
  pair.length += bodyLength;
  pair.view = pair.buffer.subarray(0, pair.length);
  writeStringHeader(pair.buffer, pair.valueAt, total);
  pair.value = value;
  return true;
}
