// The key/value state machine on its own: operations, duplicate detection, delete, and the
// snapshot image (which must carry the duplicate table).
import { expect } from 'chai';
import { codec } from '../../engine/codec';
import { fromCommand, KVStore, toCommand, type Op } from '../../src/kvraft';

const op = (kind: Op['kind'], key: string, value: string, clientId: number, seq: number): Op => ({
  kind,
  key,
  value,
  clientId,
  seq,
});

function applyAll(store: KVStore, ops: Op[]): void {
  for (const o of ops) store.apply(o, o.kind !== 'Get' && store.isDuplicate(o.clientId, o.seq));
}

describe('kvraft store', () => {
  it('put, append, get, and a missing key reads ErrNoKey with ""', () => {
    const s = new KVStore();
    expect(s.apply(op('Get', 'a', '', 1, 1), false)).to.deep.equal({ err: 'ErrNoKey', value: '' });
    applyAll(s, [
      op('Put', 'a', 'x', 1, 2),
      op('Append', 'a', 'y', 1, 3),
      op('Append', 'b', 'z', 1, 4),
    ]);
    expect(s.apply(op('Get', 'a', '', 1, 5), false)).to.deep.equal({ err: 'OK', value: 'xy' });
    expect(s.apply(op('Get', 'b', '', 1, 6), false)).to.deep.equal({ err: 'OK', value: 'z' });
  });

  it('delete removes the key: a later get is ErrNoKey, a later append starts from ""', () => {
    const s = new KVStore();
    applyAll(s, [op('Put', 'a', 'x', 1, 1), op('Delete', 'a', '', 1, 2)]);
    expect(s.apply(op('Get', 'a', '', 1, 3), false).err).to.equal('ErrNoKey');
    applyAll(s, [op('Delete', 'a', '', 1, 4), op('Append', 'a', 'q', 1, 5)]);
    expect(s.apply(op('Get', 'a', '', 1, 6), false).value).to.equal('q');
  });

  it('a retried write (same client, seq not above the last applied) is applied once', () => {
    const s = new KVStore();
    applyAll(s, [
      op('Append', 'a', 'x', 7, 1),
      op('Append', 'a', 'x', 7, 1),
      op('Append', 'a', 'y', 7, 2),
      op('Append', 'a', 'x', 7, 1),
    ]);
    expect(s.data.get('a')).to.equal('xy');
    // A retried delete does not remove a value another client wrote after it.
    applyAll(s, [
      op('Delete', 'a', '', 7, 3),
      op('Put', 'a', 'new', 8, 1),
      op('Delete', 'a', '', 7, 3),
    ]);
    expect(s.data.get('a')).to.equal('new');
  });

  it('the image round-trips through the codec with the duplicate table', () => {
    const s = new KVStore();
    applyAll(s, [op('Put', 'k', 'v', 3, 9), op('Append', 'k', 'w', 4, 2)]);
    const image = KVStore.decode(codec, codec.encode(s.image(42)))!;
    expect(image.index).to.equal(42);
    const t = new KVStore();
    t.restore(image);
    expect([...t.data]).to.deep.equal([['k', 'vw']]);
    expect(t.isDuplicate(3, 9)).to.equal(true);
    expect(t.isDuplicate(4, 3)).to.equal(false);
    expect(KVStore.decode(codec, new Uint8Array(0))).to.equal(undefined);
  });

  it('log commands are compact tuples that decode to the same op', () => {
    const o = op('Append', 'key', 'x 1 2 y', 2 ** 52 + 7, 12);
    expect(fromCommand(codec.decode(codec.encode(toCommand(o))))).to.deep.equal(o);
    expect(codec.encode(toCommand(o)).length).to.be.lessThan(codec.encode(o).length / 2 + 10);
    expect(() => fromCommand({ kind: 'Put' })).to.throw(/not a key\/value op/);
  });
});
