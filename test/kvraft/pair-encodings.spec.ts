// src/kvraft/pair-encodings.ts: a store's [key, value] pairs kept between snapshots must encode to
// exactly what the codec makes of [...map], whatever changed, while encoding only the pairs that changed.
import { expect } from 'chai';
import type { Codec } from '../../harness/api';
import { codec } from '../../harness/codec';
import { PairEncodings } from '../../src/kvraft/pair-encodings';
import { Frame } from '../../src/raft/frame';

/** The harness's codec, counting the values it encodes. */
function counting(): Codec & { encodes: number } {
  const c = { encodes: 0, encode: (v: unknown) => (c.encodes++, codec.encode(v)), decode: codec.decode };
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
    const rand = (n: number) => (x = (x * 1103515245 + 12345) % 2 ** 31) % n;
    // Appended pieces: ASCII, two-, three- and four-byte characters, and lone surrogates.
    const pieces = ['x 1 y', 'é', '€uro', '😀', '\ud83d', '\ude00', 'a\udc00b', 'z'.repeat(70)];
    for (let step = 0; step < 600; step++) {
      const key = `key${rand(20)}`;
      const r = rand(10);
      if (r < 7) map.set(key, (map.get(key) ?? '') + pieces[rand(pieces.length)] + step);
      else if (r < 8) map.set(key, `v${step}${map.get(key) ?? ''}`); // longer, changed at the start
      else if (r < 9) map.set(key, (map.get(key) ?? '').slice(1)); // changed, not at the end
      else map.delete(key);
      expect(encodeNow(), `step ${step}`).to.deep.equal(codec.encode([...map]));
    }
  });

  it('encodes again only the pairs whose value changed', () => {
    const c = counting();
    const pairs = new PairEncodings();
    const map = new Map(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'.repeat(100)]));
    const encodes = () => {
      c.encodes = 0;
      pairs.write(new Frame(c), c, map);
      return c.encodes;
    };
    expect(encodes()).to.equal(50);
    expect(encodes()).to.equal(0);
    map.set('k3', map.get('k3') + 'w');
    map.set('k9', 'new');
    map.set('k4', 'v'.repeat(100)); // another string object with the same value: unchanged
    map.delete('k7');
    expect(encodes()).to.equal(2);
    map.set('k7', 'v'.repeat(100)); // back, as the last pair: equal to the forgotten value, still encoded again
    expect(encodes()).to.equal(1);
  });
});
