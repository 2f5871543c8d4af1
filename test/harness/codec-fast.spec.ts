// The codec's fast paths against the library's path on many random values: encode() writes the
// same bytes as validation + @msgpack/msgpack, and pack() counts the same bytes and hands the
// receiver what decoding them gives (same types, prototypes, key order, -0 as 0, lone surrogates as
// the decoder returns them), sharing no object with the sender; rejections carry the same message.
import { expect } from 'chai';
import { decode, encode, encodeSlowly, pack } from '../../engine/codec';

/** A small seeded generator (xorshift32), so that a failure names a reproducible case. */
class Gen {
  constructor(private state: number) {}
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x100000000;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

const INTEGER_EDGES = [
  0,
  1,
  31,
  32,
  127,
  128,
  255,
  256,
  65535,
  65536,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32 - 1,
  2 ** 32,
  2 ** 40 + 7,
  Number.MAX_SAFE_INTEGER,
];
const NUMBERS = [
  ...INTEGER_EDGES,
  ...INTEGER_EDGES.map((n) => -n),
  -0,
  -32,
  -33,
  0.5,
  -3.25,
  1e-300,
  1.7976931348623157e308,
  Number.MIN_VALUE,
  2 ** 53,
  -(2 ** 53),
  2 ** 60,
  -(2 ** 64),
  Math.PI,
];
// Units of every UTF-8 width, a surrogate pair, and lone surrogates (high and low).
const UNITS = [
  'a',
  'z',
  ' ',
  '\u0000',
  '\u007f',
  'é',
  '\u07ff',
  '\u0800',
  '✓',
  '\uffff',
  '😀',
  '\ud800',
  '\udfff',
  '\udbff',
];
// Lengths around the library's thresholds (50 units, 200 bytes) and the headers' (32, 256, 65536 bytes).
const LENGTHS = [
  0, 1, 5, 16, 17, 31, 32, 33, 49, 50, 51, 60, 70, 85, 100, 200, 255, 256, 1000, 22000, 70000,
];

function randomString(g: Gen): string {
  const n = g.int(8) === 0 ? g.pick(LENGTHS) : g.pick(LENGTHS.slice(0, 15));
  const mode = g.int(4);
  if (mode === 0) return 'k'.repeat(n); // plain ASCII, the common case
  let s = '';
  while (s.length < n)
    s +=
      mode === 1
        ? String.fromCharCode(0x20 + g.int(95))
        : mode === 2 && g.int(8) > 0
          ? 'x'
          : g.pick(UNITS);
  return s.slice(0, n);
}

function randomKey(g: Gen): string {
  return g.int(5) === 0
    ? randomString(g).slice(0, 40)
    : g.pick([
        'term',
        'entries',
        'a',
        'b',
        '0',
        '7',
        '10',
        'é',
        '\ud800x',
        'x\udc00',
        '😀',
        'leaderCommit',
        'longer key of more than sixteen bytes',
      ]);
}

class Entry {
  term = 1;
}
const UNSENDABLE: (() => unknown)[] = [
  () => undefined,
  () => NaN,
  () => -Infinity,
  () => () => 1,
  () => new Map(),
  () => new Entry(),
  () => new Float32Array(1),
  () => 3n,
];

/** Values of at most about 200 parts, nested at most 6 deep. */
function randomValue(g: Gen, depth: number, budget = { parts: 200 }): unknown {
  if (depth > 0 && g.int(300) === 0) return g.pick(UNSENDABLE)();
  const kind = depth > 5 || --budget.parts <= 0 ? g.int(5) : g.int(9);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return g.int(2) === 0;
    case 2:
      return g.int(2) === 0 ? g.pick(NUMBERS) : (g.next() - 0.5) * 10 ** g.int(20);
    case 3:
      return randomString(g);
    case 4: {
      const b = new Uint8Array(g.pick([0, 3, 255, 256, 70000]));
      for (let i = 0; i < b.length; i += 97) b[i] = i & 0xff;
      return b;
    }
    case 5:
    case 6:
      return Array.from({ length: g.pick([0, 1, 3, 15, 16, 20]) }, () =>
        randomValue(g, depth + 1, budget),
      );
    default: {
      const o: Record<string, unknown> = g.int(4) === 0 ? Object.create(null) : {};
      const n = g.pick([0, 1, 2, 5, 15, 16, 17]);
      for (let i = 0; i < n; i++) o[randomKey(g)] = randomValue(g, depth + 1, budget);
      return o;
    }
  }
}

/** Equal as a receiver could tell: types, prototypes, key order, Object.is on numbers. */
function same(a: unknown, b: unknown, where: string): void {
  if (typeof a !== 'object' || a === null) {
    expect(Object.is(a, b), `${where}: ${String(a)} vs ${String(b)}`).to.equal(true);
    return;
  }
  expect(typeof b === 'object' && b !== null, where).to.equal(true);
  expect(Object.getPrototypeOf(a), `${where}: prototype`).to.equal(Object.getPrototypeOf(b));
  if (a instanceof Uint8Array) {
    expect(Buffer.from(a).equals(Buffer.from(b as Uint8Array)), where).to.equal(true);
    return;
  }
  const ka = Object.keys(a);
  expect(ka, `${where}: keys`).to.deep.equal(Object.keys(b as object));
  for (const k of ka)
    same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${where}.${k}`);
}

function objectsOf(v: unknown, into = new Set<object>()): Set<object> {
  if (typeof v === 'object' && v !== null) {
    into.add(v);
    if (!(v instanceof Uint8Array)) for (const x of Object.values(v)) objectsOf(x, into);
  }
  return into;
}

/** Checks both fast paths on `value` against the library's path. */
function checkAgainstLibrary(value: unknown, where: string): void {
  let expected: Uint8Array;
  try {
    expected = encodeSlowly(value, 'args');
  } catch (error) {
    const message = (error as Error).message;
    expect(() => encode(value, 'args'), where).to.throw(message);
    expect(() => pack(value, 'args'), where).to.throw(message);
    return;
  }
  expect(
    Buffer.from(encode(value, 'args')).equals(Buffer.from(expected)),
    `${where}: encode's bytes`,
  ).to.equal(true);
  const parcel = pack(value, 'args');
  expect(parcel.byteLength, `${where}: byte count`).to.equal(expected.length);
  expect(
    Buffer.from(parcel.bytes()).equals(Buffer.from(expected)),
    `${where}: parcel's bytes`,
  ).to.equal(true);
  let received: unknown;
  try {
    received = decode(expected);
  } catch (error) {
    expect(() => parcel.open(), where).to.throw((error as Error).message);
    return;
  }
  const opened = parcel.open();
  same(opened, received, where);
  const original = objectsOf(value);
  for (const o of objectsOf(opened))
    expect(original.has(o), `${where}: shares an object with the sender`).to.equal(false);
}

describe('codec fast paths (against @msgpack/msgpack)', () => {
  it('encode() and pack() agree with the library on 1,000 random values', function () {
    this.timeout(60_000);
    for (let seed = 1; seed <= 1000; seed++)
      checkAgainstLibrary(randomValue(new Gen(seed * 2654435761), 0), `seed ${seed}`);
  });

  it('agree on every number and string edge case alone and as a key', () => {
    const g = new Gen(7);
    for (const n of NUMBERS) checkAgainstLibrary(n, `number ${n}`);
    for (const len of LENGTHS) {
      for (const unit of UNITS) {
        const s = unit.repeat(Math.ceil(len / unit.length)).slice(0, len);
        checkAgainstLibrary(s, `string of ${len} ${JSON.stringify(unit)}`);
        if (len < 100)
          checkAgainstLibrary({ [s]: 1, [`${s}2`]: 2 }, `key of ${len} ${JSON.stringify(unit)}`);
      }
      checkAgainstLibrary(randomString(g), `random string ${len}`);
    }
  });

  it('agree on values the fast paths leave to the library', () => {
    const deep = (n: number): unknown => (n === 0 ? 1 : [deep(n - 1)]);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = [cyclic];
    class Sub extends Array<number> {}
    const withIterator = [1, 2, 3];
    Object.defineProperty(withIterator, Symbol.iterator, {
      value: function* () {
        yield 9;
      },
    });
    const cases: [string, unknown][] = [
      ['nesting at the library limit', deep(99)],
      ['nesting past the library limit', deep(100)],
      ['a cycle', cyclic],
      ['an unsendable value beyond the library limit', [deep(120), () => 1]],
      ['a __proto__ key', JSON.parse('{"a": 1, "__proto__": {"x": 1}}')],
      ['an Array subclass', Sub.from([1, 2])],
      ['an array with its own iterator', withIterator],
      ['an array with extra properties', Object.assign([1, 2], { extra: 3 })],
      [
        'a shared object',
        (() => {
          const s = { x: 1 };
          return { a: s, b: [s, s] };
        })(),
      ],
      ['a Buffer', { b: Buffer.from('x') }],
      ['a sparse array', [1, , 3]], // eslint-disable-line no-sparse-arrays -- the hole is the point
      ['undefined', { x: undefined }],
      [
        'a non-enumerable property',
        Object.defineProperty({ a: 1 }, 'hidden', { value: 2, enumerable: false }),
      ],
      [
        'a symbol key that is not enumerable',
        Object.defineProperty({ a: 1 }, Symbol('s'), { value: 2, enumerable: false }),
      ],
      ['integer-like keys after others', { b: 1, 2: 'two', a: 3, 1: 'one' }],
      ['an enumerable symbol key', { a: 1, [Symbol('s')]: 2 }],
      ['a getter', Object.defineProperty({ a: 1 }, 'g', { get: () => [5], enumerable: true })],
      [
        'a map of 70,000 keys (a map32 header)',
        Object.fromEntries(Array.from({ length: 70_000 }, (_, i) => [`k${i}`, i])),
      ],
    ];
    for (const [what, value] of cases) checkAgainstLibrary(value, what);
  });

  it('agree while Object.prototype has an enumerable property (only own keys are sent)', () => {
    Object.defineProperty(Object.prototype, 'inherited', {
      value: 1,
      enumerable: true,
      configurable: true,
      writable: true,
    });
    try {
      checkAgainstLibrary({ a: 1, b: { c: [2, { d: 3 }] } }, 'an enumerable inherited key');
      checkAgainstLibrary(Object.assign(Object.create(null), { a: 1 }), 'no prototype');
    } finally {
      delete (Object.prototype as Record<string, unknown>).inherited;
    }
  });

  it('a parcel is received once, and its bytes are asked for before that', () => {
    const parcel = pack({ a: [1] });
    parcel.open();
    expect(() => parcel.open()).to.throw('a message is received once');
    expect(() => parcel.bytes()).to.throw('ask before open()');
  });
});
