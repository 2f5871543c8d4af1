// The codec: faithful round trips of every supported kind, and a clear, located error for
// everything that could not cross a wire unchanged.
import { expect } from 'chai';
import { decode, decodeSequence, encode, WireCodec } from '../../engine/codec';
import { Persister } from '../../engine/persister';

const roundTrip = (v: unknown) => decode(encode(v));

describe('codec', () => {
  const supported: [string, unknown][] = [
    ['null', null],
    ['booleans', [true, false]],
    ['small and negative integers', [0, 1, -1, 127, -128, 65535, -2147483648]],
    ['safe integers beyond 32 bits', [2 ** 40, -(2 ** 50), Number.MAX_SAFE_INTEGER]],
    ['floats', [0.5, -3.25, 1e-300, 1.7976931348623157e308]],
    ['strings, empty and unicode', ['', 'x', 'héllo wörld ✓', 'a'.repeat(5000)]],
    ['bytes', new Uint8Array([0, 1, 2, 255])],
    ['empty bytes', new Uint8Array(0)],
    ['arrays, nested and empty', [[], [1, [2, [3]]], ['a', null]]],
    ['plain objects', { term: 3, entries: [{ term: 1, command: 'x' }], leaderCommit: 0 }],
    ['objects with a null prototype', Object.assign(Object.create(null), { a: 1 })],
    [
      'a struct holding a map-like object of structs',
      { m: { '1': { x: 1 }, '2': { x: 2 } }, list: [{ y: [1, 2] }] },
    ],
  ];
  for (const [what, value] of supported) {
    it(`round-trips ${what}`, () => {
      expect(roundTrip(value)).to.deep.equal(value);
    });
  }

  it('decodes objects with many distinct keys of one length without Math.random (the simulator traps it)', () => {
    // @msgpack/msgpack's own key cache evicts at random past 16 keys of a length; gids as keys do that.
    const groups: Record<number, string[]> = {};
    for (let g = 1000; g < 1100; g++) groups[g] = [`s${g}`];
    const random = Math.random;
    Math.random = () => {
      throw new Error('Math.random called while decoding');
    };
    try {
      for (let i = 0; i < 3; i++) expect(roundTrip({ groups })).to.deep.equal({ groups });
    } finally {
      Math.random = random;
    }
  });

  it('decodes to fresh values that share nothing with the original', () => {
    const original = { entries: [{ command: 'x' }], data: new Uint8Array([1, 2]) };
    const copy = roundTrip(original) as typeof original;
    copy.entries[0].command = 'changed';
    copy.data[0] = 9;
    expect(original.entries[0].command).to.equal('x');
    expect(original.data[0]).to.equal(1);
  });

  it('encodes the same value to the same bytes every time', () => {
    const v = { b: 2, a: [1, 'two', { c: null }] };
    expect(Buffer.from(encode(v)).equals(Buffer.from(encode(structuredClone(v))))).to.equal(true);
  });

  class LogEntry {
    constructor(public term: number) {}
  }
  const rejected: [string, unknown, string][] = [
    [
      'a function',
      { entries: [1, 2, 3, { command: () => 1 }] },
      'args.entries[3].command: a function cannot be sent',
    ],
    [
      'undefined in an object',
      { term: undefined },
      'args.term: undefined cannot be sent; use null, or leave the property out',
    ],
    [
      'undefined in an array',
      [1, undefined],
      'args[1]: undefined cannot be sent; use null, or leave the property out',
    ],
    // eslint-disable-next-line no-sparse-arrays -- the hole is the point of this case
    ['a sparse array', [1, , 3], 'args[1]: a sparse array (hole at this index) cannot be sent'],
    ['a symbol', { s: Symbol('x') }, 'args.s: a symbol cannot be sent'],
    [
      'a bigint',
      { n: 10n },
      'args.n: a bigint cannot be sent; send it as a string or a safe-integer number',
    ],
    ['NaN', { x: NaN }, 'args.x: NaN cannot be sent (only finite numbers can)'],
    ['Infinity', [Infinity], 'args[0]: Infinity cannot be sent (only finite numbers can)'],
    [
      'a class instance',
      { log: [new LogEntry(1)] },
      'args.log[0]: an instance of class LogEntry (its prototype would be lost) cannot be sent; send a plain object or array with its data instead',
    ],
    [
      'a Map',
      { m: new Map() },
      'args.m: a Map cannot be sent; send a plain object or array with its data instead',
    ],
    [
      'a Set',
      new Set([1]),
      'args: a Set cannot be sent; send a plain object or array with its data instead',
    ],
    [
      'a Date',
      { when: new Date(0) },
      'args.when: a Date cannot be sent; send a plain object or array with its data instead',
    ],
    [
      'a Buffer',
      { b: Buffer.from('x') },
      'args.b: a Buffer would arrive as a plain Uint8Array; send new Uint8Array(value)',
    ],
    [
      'another typed array',
      { f: new Float64Array(2) },
      'args.f: a Float64Array cannot be sent; send a plain object or array with its data instead',
    ],
    [
      'symbol-keyed properties',
      { [Symbol('k')]: 1 },
      'args: properties keyed by symbols cannot be sent',
    ],
  ];
  for (const [what, value, message] of rejected) {
    it(`rejects ${what}, naming the path`, () => {
      expect(() => encode(value, 'args')).to.throw(message);
    });
  }

  it('rejects a cycle', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = { back: a };
    expect(() => encode(a, 'state')).to.throw('state.self.back: a cyclic structure cannot be sent');
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(roundTrip({ a: shared, b: shared })).to.deep.equal({ a: { x: 1 }, b: { x: 1 } });
  });
});

describe('persister', () => {
  it('starts empty', () => {
    const p = new Persister();
    expect(p.readRaftState()).to.have.length(0);
    expect(p.readSnapshot()).to.have.length(0);
    expect(p.raftStateSize()).to.equal(0);
    expect(p.snapshotSize()).to.equal(0);
  });

  it('saves state and snapshot together, reports their sizes, and a null snapshot erases it', () => {
    const p = new Persister();
    p.save(new Uint8Array([1, 2, 3]), new Uint8Array([9, 9]));
    expect([...p.readRaftState()]).to.deep.equal([1, 2, 3]);
    expect([...p.readSnapshot()]).to.deep.equal([9, 9]);
    expect(p.raftStateSize()).to.equal(3);
    expect(p.snapshotSize()).to.equal(2);
    p.save(new Uint8Array([4]), null);
    expect(p.snapshotSize()).to.equal(0);
  });

  it('never aliases the caller: saved bytes and read bytes are copies', () => {
    const p = new Persister();
    const state = new Uint8Array([1, 2, 3]);
    p.save(state, null);
    state[0] = 7;
    expect(p.readRaftState()[0]).to.equal(1);
    const read = p.readRaftState();
    read[1] = 7;
    expect(p.readRaftState()[1]).to.equal(2);
  });

  it('copy() is independent in both directions', () => {
    const p = new Persister();
    p.save(new Uint8Array([1]), new Uint8Array([2]));
    const c = p.copy();
    p.save(new Uint8Array([3]), null);
    expect([...c.readRaftState()]).to.deep.equal([1]);
    expect([...c.readSnapshot()]).to.deep.equal([2]);
    c.save(new Uint8Array([5, 5]), new Uint8Array([6]));
    expect([...p.readRaftState()]).to.deep.equal([3]);
  });

  it('rejects values that are not bytes with a hint, keeping what was saved', () => {
    const p = new Persister();
    p.save(new Uint8Array([1]), null);
    expect(() => p.save({} as Uint8Array, null)).to.throw(
      /raftState must be a Uint8Array, or an array of them \(encode it with the codec\)/,
    );
    expect(() => p.save([new Uint8Array([2]), [3] as unknown as Uint8Array], null)).to.throw(
      /raftState\[1\] is not a Uint8Array/,
    );
    expect([...p.readRaftState()]).to.deep.equal([1]);
  });

  it('saves state given in pieces as their concatenation, read back with decodeSequence', () => {
    const p = new Persister();
    const pieces = [encode([7, -1]), encode(['x', 1]), encode(null), new Uint8Array(0)];
    p.save(pieces, null);
    expect(p.raftStateSize()).to.equal(pieces.reduce((n, b) => n + b.length, 0));
    pieces[0][1] = 0; // the persister keeps a copy
    expect(decodeSequence(p.readRaftState())).to.deep.equal([[7, -1], ['x', 1], null]);
    expect(new WireCodec().decodeSequence(p.readRaftState())).to.deep.equal([
      [7, -1],
      ['x', 1],
      null,
    ]);
    expect(() => decode(p.readRaftState())).to.throw(); // one value expected, three found
    p.save([], null);
    expect(p.raftStateSize()).to.equal(0);
  });
});
