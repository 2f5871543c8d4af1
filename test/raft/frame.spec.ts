// src/raft/frame.ts: a MessagePack value assembled from parts already encoded must be byte for
// byte what the codec makes of the whole value (the persisted state and snapshots of the reference
// are built this way, and every trace fingerprint depends on their sizes).
import { expect } from 'chai';
import type { Codec } from '../../harness/api';
import { codec } from '../../engine/codec';
import {
  binArrayHeader,
  checkFraming,
  copyTail,
  Frame,
  FramedRun,
  ReusedBuffer,
  stringBody,
  stringHeaderSize,
  writeStringHeader,
} from '../../src/raft/frame';

/** Lengths on both sides of each header size's limits: fix form, 8-, 16- and 32-bit. */
const LENGTHS = [0, 1, 15, 16, 255, 256, 65535, 65536];

describe('raft/frame', () => {
  it("array, map and byte-string headers of every size give the codec's bytes", () => {
    for (const n of LENGTHS) {
      const values = Array.from({ length: n }, (_, i) => i % 300);
      if (n <= 256) {
        const asArray = new Frame(codec).array(n);
        for (const v of values) asArray.value(v);
        expect(asArray.bytes(), `array of ${n}`).to.deep.equal(codec.encode(values));
      }
      expect(new Frame(codec).array(n).items(values).bytes(), `items of ${n}`).to.deep.equal(
        codec.encode(values),
      );

      const object = Object.fromEntries(values.map((v, i) => [`k${i}`, v]));
      expect(
        new Frame(codec).map(n).items(Object.entries(object).flat()).bytes(),
        `map of ${n}`,
      ).to.deep.equal(codec.encode(object));

      const blob = new Uint8Array(n).fill(7);
      expect(new Frame(codec).bin(blob).bytes(), `bin of ${n}`).to.deep.equal(codec.encode(blob));
      // A saved block's framing: the byte string's and the array's headers in one piece, then the elements.
      const elements = new Frame(codec).items(values).bytes();
      expect(
        new Frame(codec).encoded(binArrayHeader(n, elements.length)).encoded(elements).bytes(),
        `binArrayHeader ${n}`,
      ).to.deep.equal(codec.encode(codec.encode(values)));
    }
  });

  it('a nested value assembled from cached parts decodes to the value', () => {
    const part = codec.encode(['k', 'é😀'.repeat(40)]);
    const frame = new Frame(codec)
      .map(2)
      .items(['a', 1, 'b'])
      .array(3)
      .encoded(part)
      .encoded(part)
      .value(null);
    const bytes = frame.bytes();
    expect(bytes.length).to.equal(frame.length);
    expect(codec.decode(bytes)).to.deep.equal({
      a: 1,
      b: [['k', 'é😀'.repeat(40)], ['k', 'é😀'.repeat(40)], null],
    });
    const target = new Uint8Array(bytes.length + 2);
    frame.copyTo(target, 2);
    expect(target.subarray(2)).to.deep.equal(bytes);
  });

  it('copies the tail of small and large encodings alike (small ones are copied, not viewed)', () => {
    for (const n of [0, 1, 30, 63, 64, 65, 200]) {
      const source = Uint8Array.from({ length: n }, (_, i) => (i * 7 + 1) & 0xff);
      for (const from of [0, 1, Math.min(5, n)]) {
        const target = new Uint8Array(n + 4).fill(0xee);
        copyTail(source, from, target, 3);
        const expected = new Uint8Array(n + 4).fill(0xee);
        expected.set(source.subarray(from), 3);
        expect(target, `${n} bytes from ${from}`).to.deep.equal(expected);
      }
    }
    for (const text of ['', 'x 1 y', 'é€', 'w'.repeat(40), 'v'.repeat(70), '€'.repeat(100)]) {
      const body = stringBody(codec, text);
      expect(body, text).to.deep.equal(new TextEncoder().encode(text));
      const header = new Uint8Array(stringHeaderSize(body.length) + 1);
      writeStringHeader(header, 1, body.length);
      expect(Uint8Array.from([...header.subarray(1), ...body]), text).to.deep.equal(
        codec.encode(text),
      );
    }
  });

  it('frames a saved block whose array header carries its byte string past a size limit', () => {
    // Elements of every total size around 256 and 65,536 bytes, counted with the array's header.
    for (const count of [1, 16]) {
      for (const total of [254, 255, 256, 257, 65534, 65535, 65536, 65537]) {
        const header = count < 16 ? 1 : 3;
        // The first element a string long enough that the elements and the array's header take `total` bytes.
        const elementsOf = (n: number) =>
          Array.from({ length: count }, (_, i) => (i === 0 ? 'x'.repeat(n) : 'y'));
        const n = Array.from({ length: 12 }, (_, k) => total - header - 2 * count - 8 + k).find(
          (m) => new Frame(codec).items(elementsOf(m)).length + header === total,
        );
        expect(n, `${count} elements of ${total} bytes`).to.be.a('number');
        const bodies = elementsOf(n!);
        const elements = new Frame(codec).items(bodies).bytes();
        const framed = new Frame(codec)
          .encoded(binArrayHeader(count, elements.length))
          .encoded(elements)
          .bytes();
        expect(framed, `${count} elements, ${elements.length + header} bytes`).to.deep.equal(
          codec.encode(codec.encode(bodies)),
        );
      }
    }
  });

  it('refuses a length MessagePack cannot frame', () => {
    expect(() => new Frame(codec).array(-1)).to.throw(RangeError, /-1 is not a MessagePack length/);
    expect(() => new Frame(codec).map(1.5)).to.throw(RangeError, /1.5 is not a MessagePack length/);
  });

  it('refuses a codec that does not frame values as MessagePack does, saying why', () => {
    const json: Codec = {
      encode: (v) =>
        new TextEncoder().encode(
          JSON.stringify(v, (_, x: unknown) => (x instanceof Uint8Array ? [...x] : x)),
        ),
      decode: <T>(b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as T,
    };
    expect(() => checkFraming(json)).to.throw(
      /the injected codec does not frame arrays, maps and byte strings as MessagePack does/,
    );
    expect(() => checkFraming(codec)).not.to.throw();
  });

  it('a reused buffer holds each assembled value in turn, growing when one is longer', () => {
    const reused = new ReusedBuffer();
    const small = new Frame(codec).items(['a', 1]);
    const big = new Frame(codec).array(2).value('b'.repeat(500)).value(2);
    const first = reused.hold(small);
    expect(first).to.deep.equal(small.bytes());
    const second = reused.hold(big);
    expect(second).to.deep.equal(big.bytes());
    const third = reused.hold(small);
    expect(third).to.deep.equal(small.bytes());
    expect(third.buffer).to.equal(second.buffer); // no new array once it is large enough
  });

  describe('FramedRun', () => {
    const element = (id: number, size: number) =>
      new Frame(codec).bin(new Uint8Array(size).fill(id & 0xff));
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

      // around(): what goes before and after, written in the run's own buffer around the elements.
      const before = new Frame(codec).array(71).bin(Uint8Array.of(1, 2));
      const after = element(999, 5000); // past the buffer's end: it grows
      const whole = new Frame(codec)
        .array(71)
        .bin(Uint8Array.of(1, 2))
        .encoded(run.head(70))
        .encoded(after.bytes())
        .bytes();
      expect(run.around(before, after)).to.deep.equal(whole);
      expect(run.around(before, new Frame(codec))).to.deep.equal(
        whole.subarray(0, whole.length - after.length),
      );
      expect(run.head(70)).to.deep.equal(expected(range(20, 90), size)); // the elements are left as they were
      expect(run.around(new Frame(codec).bin(new Uint8Array(200)), after)).to.equal(undefined); // no room in front
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
