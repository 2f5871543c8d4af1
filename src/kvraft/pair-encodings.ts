// The [key, value] pairs of a string map (a key/value store's data) as the codec encodes
// [...map], kept between snapshots so that a snapshot encodes again only the pairs whose value
// changed since the last. Whether a value changed is found by comparing it with the remembered one
// (the same string object compares at once), so whoever changes the map need not say so. The bytes
// are the codec's (test/kvraft/pair-encodings.spec.ts checks).
import type { Codec } from '../../harness/api';
import type { Frame } from '../raft';

export class PairEncodings {
  private readonly kept = new Map<string, { value: string; bytes: Uint8Array }>();

  /** Appends `[...map]` (an array of [key, value] pairs, in the map's order) to `frame`. */
  write(frame: Frame, codec: Codec, map: ReadonlyMap<string, string>): void {
    frame.array(map.size);
    for (const [key, value] of map) {
      let pair = this.kept.get(key);
      if (pair?.value !== value) {
        pair = { value, bytes: codec.encode([key, value]) };
        this.kept.set(key, pair);
      }
      frame.encoded(pair.bytes);
    }
    // Forget deleted keys (only when there are some: most snapshots delete nothing).
    if (this.kept.size > map.size) for (const key of [...this.kept.keys()]) if (!map.has(key)) this.kept.delete(key);
  }
}
