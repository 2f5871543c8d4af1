// src/common/frame.ts: a MessagePack value assembled from parts already encoded must be byte for
// byte what the codec makes of the whole value (the persisted state and snapshots of the reference
// are built this way, and every trace fingerprint depends on their sizes).
import { expect } from 'chai';
import type { Codec } from '../../harness/api';
import { codec } from '../../harness/codec';
import { Frame, FramedRun, utf8Of } from '../../src/common/frame';
import { PairEncodings } from '../../src/common/pair-encodings';

/** Lengths on both sides of each header size's limits: fix form (16 or 32), 8-, 16- and 32-bit. */
const LENGTHS = [0, 1, 15, 16, 31, 32, 255, 256, 65535, 65536];

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

describe('common/frame', () => {
  it('array, map and byte-string headers of every size give the codec\'s bytes', () => {
    for (const n of LENGTHS) {
      const values = Array.from({ length: n }, (_, i) => i % 300);
      if (n <= 256) {
        const asArray = new Frame(codec).array(n);
        for (const v of values) asArray.value(v);
        expect(asArray.bytes(), `array of ${n}`).to.deep.equal(codec.encode(values));
      }
      expect(new Frame(codec).array(n).items(values).bytes(), `items of ${n}`).to.deep.equal(codec.encode(values));

      const object = Object.fromEntries(values.map((v, i) => [`k${i}`, v]));
      expect(new Frame(codec).map(n).items(Object.entries(object).flat()).bytes(), `map of ${n}`).to.deep.equal(codec.encode(object));

      const text = 'é'.repeat(n >> 1) + 'v'.repeat(n & 1); // n bytes of UTF-8
      expect(new Frame(codec).str(utf8Of(codec, text)).bytes(), `str of ${n}`).to.deep.equal(codec.encode(text));

      const blob = new Uint8Array(n).fill(7);
      expect(new Frame(codec).bin(blob).bytes(), `bin of ${n}`).to.deep.equal(codec.encode(blob));
      const inner = new Frame(codec).array(n).items(values);
      expect(new Frame(codec).binOf(inner).bytes(), `binOf ${n}`).to.deep.equal(codec.encode(codec.encode(values)));
    }
  });

  it('a nested value assembled from cached parts decodes to the value', () => {
    const part = codec.encode(['k', 'é😀'.repeat(40)]);
    const frame = new Frame(codec).map(2).items(['a', 1, 'b']).array(3).encoded(part).encoded(part).value(null);
    const bytes = frame.bytes();
    expect(bytes.length).to.equal(frame.length);
    expect(codec.decode(bytes)).to.deep.equal({ a: 1, b: [['k', 'é😀'.repeat(40)], ['k', 'é😀'.repeat(40)], null] });
    const target = new Uint8Array(bytes.length + 2);
    frame.copyTo(target, 2);
    expect(target.subarray(2)).to.deep.equal(bytes);
  });

  it('refuses a length MessagePack cannot frame', () => {
    expect(() => new Frame(codec).array(-1)).to.throw(RangeError, /-1 is not a MessagePack length/);
    expect(() => new Frame(codec).map(1.5)).to.throw(RangeError, /1.5 is not a MessagePack length/);
  });

  it('refuses a codec that does not frame values as MessagePack does, saying why', () => {
    const json: Codec = {
      encode: (v) => new TextEncoder().encode(JSON.stringify(v, (_, x: unknown) => (x instanceof Uint8Array ? [...x] : x))),
      decode: <T>(b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as T,
    };
    expect(() => new Frame(json)).to.throw(/the injected codec does not frame arrays, maps and strings as MessagePack does/);
    expect(() => new Frame(json)).to.throw(/does not frame/); // still refused: a failed check is not remembered as passed
  });

  describe('PairEncodings', () => {
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

  describe('FramedRun', () => {
    const element = (id: number, size: number) => new Frame(codec).bin(new Uint8Array(size).fill(id & 0xff));
    const expected = (ids: number[], size: (id: number) => number) => {
      const f = new Frame(codec);
      for (const id of ids) f.bin(new Uint8Array(size(id)).fill(id & 0xff));
      return f.bytes();
    };

    it('keeps consecutive elements through growth and drops at either end', () => {
      const size = (id: number) => 100 + ((id * 37) % 900);
      const run = new FramedRun();
      run.startAt(5);
      for (let id = 5; id < 45; id++) run.push(element(id, size(id))); // far past the first buffer
      expect(run.next).to.equal(45);
      expect(run.head(40)).to.deep.equal(expected(range(5, 45), size));
      expect(run.head(3)).to.deep.equal(expected([5, 6, 7], size));
      expect(run.head(0).length).to.equal(0);

      run.dropBefore(20);
      expect(run.count).to.equal(25);
      expect(run.head(25)).to.deep.equal(expected(range(20, 45), size));
      run.dropFrom(30);
      expect(run.next).to.equal(30);
      for (let id = 30; id < 90; id++) run.push(element(id, size(id))); // grows again after a drop at the front
      expect(run.head(70)).to.deep.equal(expected(range(20, 90), size));
      expect(() => run.head(71)).to.throw(RangeError, /71 elements asked for, 70 held/);

      run.startAt(20); // already starts there: kept
      expect(run.count).to.equal(70);
      run.startAt(21); // does not: emptied, numbered from 21
      expect(run.count).to.equal(0);
      expect(run.next).to.equal(21);
      run.dropBefore(100);
      run.dropFrom(0);
      expect(run.count).to.equal(0);
    });
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
