// The [key, value] pairs of a string map (a key/value store's data) as the codec encodes
// [...map], kept between snapshots so that a snapshot encodes only what changed since the last:
// nothing for a pair whose value is unchanged, and only the new end of a value that grew by an
// Append (the usual change: the course's clients append to their keys, so values grow long).
// Whether a value changed is found by comparing it with the remembered one, so whoever changes
// the map need not say so. The bytes are the codec's (test/kvraft/pair-encodings.spec.ts checks).
import type { Codec } from '../../harness/api';
import { Frame, utf8Of } from '../raft';

const isWellFormed = (String.prototype as unknown as { isWellFormed(this: string): boolean }).isWellFormed;

/** One pair, kept as its parts: the pair's header and key, then the value's UTF-8 bytes. */
interface KeptPair {
  value: string;
  /** The encoding of [key] with the header of a 2-element array. */
  head: Uint8Array;
  /** The value's UTF-8 bytes in buffer[0, length), with room to grow. */
  buffer: Uint8Array;
  length: number;
  /** No lone surrogate: then the UTF-8 of value + more is the UTF-8 of value, then that of more. */
  wellFormed: boolean;
}

export class PairEncodings {
  private readonly kept = new Map<string, KeptPair>();

  /** Appends `[...map]` (an array of [key, value] pairs, in the map's order) to `frame`. */
  write(frame: Frame, codec: Codec, map: ReadonlyMap<string, string>): void {
    frame.array(map.size);
    for (const [key, value] of map) {
      let pair = this.kept.get(key);
      if (pair?.value !== value) {
        if (!pair || !this.extend(pair, codec, value)) this.kept.set(key, (pair = fresh(codec, key, value)));
      }
      frame.encoded(pair.head).str(pair.buffer.subarray(0, pair.length));
    }
    // Forget deleted keys (only when there are some: most snapshots delete nothing).
    if (this.kept.size > map.size) for (const key of [...this.kept.keys()]) if (!map.has(key)) this.kept.delete(key);
  }

  /** Adds the new end of a value that grew at its end; false if `value` is not such a value. */
  private extend(pair: KeptPair, codec: Codec, value: string): boolean {
    if (!pair.wellFormed || value.length <= pair.value.length || !value.startsWith(pair.value)) return false;
    const more = value.slice(pair.value.length);
    if (!isWellFormed.call(more)) return false;
    const bytes = utf8Of(codec, more);
    if (pair.length + bytes.length > pair.buffer.length) {
      const bigger = new Uint8Array(2 * (pair.length + bytes.length));
      bigger.set(pair.buffer.subarray(0, pair.length));
      pair.buffer = bigger;
    }
    pair.buffer.set(bytes, pair.length);
    pair.length += bytes.length;
    pair.value = value;
    return true;
  }
}

function fresh(codec: Codec, key: string, value: string): KeptPair {
  const head = new Frame(codec).array(2).value(key).bytes();
  const utf8 = utf8Of(codec, value);
  return { value, head, buffer: utf8, length: utf8.length, wellFormed: isWellFormed.call(value) };
}
