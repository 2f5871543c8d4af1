// src/kvraft/pair-encodings.ts: a store's [key, value] pairs kept between snapshots must encode to
// exactly what the codec makes of [...map], whatever changed, while encoding only what changed.
import { expect } from 'chai';
import type { Codec } from '../../harness/api';
import { codec } from '../../harness/codec';
import { PairEncodings } from '../../src/kvraft/pair-encodings';
import { Frame } from '../../src/raft/frame';

/** The harness's codec, counting the values it encodes and the characters of the strings among them. */
function counting(): Codec & { encodes: number; chars: number } {
  const c = {
    encodes: 0,
    chars: 0,
    encode: (v: unknown) => {
      c.encodes++;
      if (typeof v === 'string') c.chars += v.length;
      return codec.encode(v);
    },
    decode: codec.decode,
  };
  new Frame(c); // checks the codec's framing once, with encodes of its own
  c.encodes = 0;
  c.chars = 0;
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
    // Appended pieces: ASCII, two-, three- and four-byte characters, and lone surrogates (which
    // the codec writes differently in short and long strings, and which can pair up with the
    // next piece).
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

  it('encodes only the new end of a value that grew at its end', () => {
    const c = counting();
    const pairs = new PairEncodings();
    const map = new Map([['k', 'x'.repeat(1000)]]);
    const write = () => {
      c.encodes = 0;
      c.chars = 0;
      const frame = new Frame(c);
      pairs.write(frame, c, map);
      expect(frame.bytes()).to.deep.equal(codec.encode([...map]));
    };
    write();
    map.set('k', map.get('k') + 'y'.repeat(10));
    write();
    expect([c.encodes, c.chars]).to.deep.equal([1, 10]);
    map.set('k', map.get('k') + '\ud83d'); // a lone surrogate: the key and the whole value again
    write();
    expect([c.encodes, c.chars]).to.deep.equal([2, 1 + 1011]);
    map.set('k', map.get('k') + '\ude00'); // which this completes: whole again, and well-formed
    write();
    expect([c.encodes, c.chars]).to.deep.equal([2, 1 + 1012]);
    map.set('k', map.get('k') + '€');
    write();
    expect([c.encodes, c.chars]).to.deep.equal([1, 1]);
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
    // A new pair costs two encodes (key, value); a value that grew at its end, one (the new end).
    expect(encodes()).to.equal(2 * 50);
    expect(encodes()).to.equal(0);
    map.set('k3', map.get('k3') + 'w');
    map.set('k9', 'new');
    map.delete('k7');
    expect(encodes()).to.equal(1 + 2);
    map.set('k7', 'v'.repeat(100)); // back, as the last pair: equal to the forgotten value, still encoded again
    expect(encodes()).to.equal(2);
  });
});
