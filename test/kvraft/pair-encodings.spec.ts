// src/kvraft/pair-encodings.ts: a store's [key, value] pairs kept between snapshots must encode to
// exactly what the codec makes of [...map], whatever changed, while encoding only the pairs that changed.
import { expect } from 'chai';
import type { Codec } from '../../harness/api';
import { codec } from '../../engine/codec';
import { PairEncodings } from '../../src/kvraft/pair-encodings';
import { Frame } from '../../src/raft/frame';

/** The harness's codec, counting the values it encodes. */
function counting(): Codec & { encodes: number } {
  const c = {
    encodes: 0,
    encode: (v: unknown) => (c.encodes++, codec.encode(v)),
    decode: codec.decode,
  };
  new Frame(c); // checks the codec's framing once, with encodes of its own
  c.encodes = 0;
  return c;
}

describe('kvraft PairEncodings', () => {
  it('gives the bytes of [...map] through sets, appends, deletes and re-insertions', () => {
    const c = counting();
    const pairs = new PairEncodings();
    const map = new Map<string, string>();
    const encodeNow = () => {
      const frame = new Frame(c);
      pairs.write(frame, c, map);
      return frame.bytes();
    };
    let x = 11;
    // The LCG's high bits: its low bits repeat with short periods, which would leave out combinations.
    const rand = (n: number) =>
      Math.floor(((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * n);
    // Appended pieces: ASCII, two-, three- and four-byte characters, and lone surrogates.
    const pieces = ['x 1 y', 'é', '€uro', '😀', '\ud83d', '\ude00', 'a\udc00b', 'z'.repeat(70)];
    for (let step = 0; step < 3000; step++) {
      const key = `key${rand(20)}`;
      const r = rand(10);
      if (r < 7) {
        // Half the appends end with the piece itself: a value may end with a high surrogate that the next append completes.
        const from = map.get(key) ?? '';
        const added = pieces[rand(pieces.length)] + (rand(2) === 0 ? step : '');
        const to = from + added;
        map.set(key, to);
        if (rand(5) > 0) pairs.appended(key, from, to, added); // as the store says; unsaid, the pair is encoded again
      } else if (r < 8)
        map.set(key, `v${step}${map.get(key) ?? ''}`); // longer, changed at the start
      else if (r < 9)
        map.set(key, (map.get(key) ?? '').slice(1)); // changed, not at the end
      else map.delete(key);
      // A snapshot after one change in two: some changes pile up between two writes.
      if (rand(2) === 0) expect(encodeNow(), `step ${step}`).to.deep.equal(codec.encode([...map]));
    }
  });

  it('encodes again only the pairs whose value changed, and only the new end of an appended value', () => {
    const encoded: unknown[] = [];
    const c: Codec = {
      encode: (v: unknown) => (encoded.push(v), codec.encode(v)),
      decode: codec.decode,
    };
    new Frame(c); // checks the codec's framing once, with encodes of its own
    const pairs = new PairEncodings();
    const map = new Map(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'.repeat(100)]));
    const encodes = () => {
      encoded.length = 0;
      pairs.write(new Frame(c), c, map);
      return [...encoded];
    };
    expect(encodes().filter((v) => Array.isArray(v))).to.have.length(50);
    expect(encodes()).to.deep.equal([]);
    const append = (key: string, added: string) => {
      const from = map.get(key)!;
      map.set(key, from + added);
      pairs.appended(key, from, from + added, added);
    };
    append('k3', 'w');
    map.set('k9', 'new');
    map.set('k4', 'v'.repeat(100)); // another string object with the same value: unchanged
    map.delete('k7');
    expect(encodes()).to.deep.equal(['w', ['k9', 'new'], 'k9']);
    map.set('k7', 'v'.repeat(100)); // back, as the last pair: equal to the forgotten value, still encoded again
    expect(encodes()).to.deep.equal([['k7', 'v'.repeat(100)], 'k7']);
    append('k3', 'x'.repeat(50));
    append('k3', 'x'.repeat(50)); // two appends, one end encoded
    map.set('k5', map.get('k5') + 'z'); // an append not said: the pair is encoded again
    expect(encodes()).to.deep.equal(['x'.repeat(100), ['k5', map.get('k5')], 'k5']);
    append('k3', 'x'.repeat(100)); // past 255 bytes: the value's header grows, so the pair is encoded again
    expect(encodes()).to.deep.equal(['x'.repeat(100), ['k3', map.get('k3')], 'k3']);
    map.set('k3', 'y' + map.get('k3')!.slice(1)); // same length, changed at the start
    expect(encodes()).to.deep.equal([['k3', map.get('k3')], 'k3']);
  });
});
