// The sharded service's state machine on its own: configurations strictly in order, a shard's
// path through pulling/cleaning on the receiving side and leaving/absent on the giving side, the
// duplicate table travelling with the data, and ErrWrongGroup for anything not served here.
import { expect } from 'chai';
import { GroupState, type Config } from '../../src/shardkv';
import type { Op } from '../../src/kvraft';
import { codec } from '../../engine/codec';

const A = 100;
const B = 101;

function config(num: number, shards: number[]): Config {
  const groups: Record<string, string[]> = {};
  for (const gid of shards) if (gid !== 0) groups[gid] = [`server-${gid}-0`];
  return { num, shards, groups };
}

const all = (gid: number) => new Array<number>(10).fill(gid);
/** Shards 0–4 on A, 5–9 on B. */
const split = [A, A, A, A, A, B, B, B, B, B];

const put = (key: string, value: string, clientId: number, seq: number): Op => ({
  kind: 'Put',
  key,
  value,
  clientId,
  seq,
});
const get = (key: string): Op => ({ kind: 'Get', key, value: '', clientId: 9, seq: 1 });

describe('shardkv GroupState', () => {
  it('takes configurations strictly in order: a skipped number is refused', () => {
    const g = new GroupState(A);
    expect(g.applyConfig(config(2, all(A)))).to.equal(false);
    expect(g.applyConfig(config(1, all(A)))).to.equal(true);
    expect(g.applyConfig(config(1, all(A)))).to.equal(false);
    expect(g.config.num).to.equal(1);
  });

  it('serves shards that came from nobody at once', () => {
    const g = new GroupState(A);
    g.applyConfig(config(1, all(A)));
    expect(g.settled()).to.equal(true);
    expect(g.applyOp(put('3', 'x', 1, 1)).err).to.equal('OK');
    expect(g.applyOp(get('3'))).to.deep.equal({ err: 'OK', value: 'x' });
  });

  it('moves a shard with its duplicate table, and the giver deletes its copy once told', () => {
    const a = new GroupState(A);
    const b = new GroupState(B);
    a.applyConfig(config(1, all(A)));
    b.applyConfig(config(1, all(A)));
    // Key "8" is in shard 6, which moves to B in config 2.
    a.applyOp(put('8', 'v', 7, 3));
    a.applyConfig(config(2, split));
    b.applyConfig(config(2, split));
    expect(a.shards[6].status).to.equal('leaving');
    expect(a.applyOp(get('8')).err).to.equal('ErrWrongGroup');
    expect(b.shards[6].status).to.equal('pulling');
    expect(b.applyOp(get('8')).err).to.equal('ErrWrongGroup');
    expect(a.settled()).to.equal(false);
    expect(a.applyConfig(config(3, all(A)))).to.equal(false); // not while a move is under way

    expect(a.leavingImages(1, [6])).to.equal(undefined); // another configuration's request
    const images = a.leavingImages(2, [5, 6, 7, 8, 9])!;
    b.applyInsert(2, images);
    expect(b.shards[6].status).to.equal('cleaning');
    expect(b.applyOp(get('8'))).to.deep.equal({ err: 'OK', value: 'v' });
    // The retried write is recognised at its new owner.
    expect(b.isDuplicate(put('8', 'v', 7, 3))).to.equal(true);
    b.applyInsert(2, images); // a second insert changes nothing
    expect(b.shards[6].status).to.equal('cleaning');

    expect(a.applyDelete(3, [6])).to.equal('ErrNotReady');
    expect(a.applyDelete(2, [5, 6, 7, 8, 9])).to.equal('OK');
    expect(a.shards[6].status).to.equal('absent');
    expect(a.shards[6].store.data.size).to.equal(0);
    expect(a.settled()).to.equal(true);
    b.applyCleaned(2, [5, 6, 7, 8, 9]);
    expect(b.settled()).to.equal(true);
  });

  it('does not record a refused write as applied', () => {
    const g = new GroupState(A);
    g.applyConfig(config(1, all(B)));
    expect(g.applyOp(put('1', 'x', 5, 1)).err).to.equal('ErrWrongGroup');
    expect(g.isDuplicate(put('1', 'x', 5, 1))).to.equal(false);
  });

  it('survives a snapshot round trip', () => {
    const g = new GroupState(A);
    g.applyConfig(config(1, all(A)));
    g.applyOp(put('0', 'zero', 1, 1));
    g.applyConfig(config(2, split));
    const copy = new GroupState(A);
    copy.restore(codec.decode(codec.encode(g.image(42))));
    expect(copy.config.num).to.equal(2);
    expect(copy.shards.map((s) => s.status)).to.deep.equal(g.shards.map((s) => s.status));
    expect(copy.leavingImages(2, [5, 6, 7, 8, 9])).to.deep.equal(
      g.leavingImages(2, [5, 6, 7, 8, 9]),
    );
  });
});
