// Hand-made histories with known verdicts: the classic traps of linearizability, the kv and
// cas-register models' semantics, event-stream input, limits and the three-valued result.
import { expect } from 'chai';
import {
  casRegisterModel,
  checkEvents,
  checkOperations,
  HistoryRecorder,
  kvModel,
  type HistoryEvent,
  type KvInput,
  type KvOutput,
  type Operation,
} from '../../checker';
import { kv, kvOpen, randomKvHistory, registerModel, type RegisterInput } from './helpers';

const put = (key: string, value: string): KvInput => ({ op: 'put', key, value });
const append = (key: string, value: string): KvInput => ({ op: 'append', key, value });
const get = (key: string): KvInput => ({ op: 'get', key });
const del = (key: string): KvInput => ({ op: 'delete', key });

function verdict(ops: Operation<KvInput, KvOutput>[], partition = true) {
  return checkOperations(kvModel, ops, { partition }).verdict;
}

describe('linearizability: hand-made histories', () => {
  it('stale read: a get after a completed put must see it', () => {
    expect(verdict([kv(0, put('x', '1'), 0, 10), kv(1, get('x'), 20, 30, '')])).to.equal('illegal');
    expect(verdict([kv(0, put('x', '1'), 0, 10), kv(1, get('x'), 20, 30, '1')])).to.equal('ok');
    // Overlapping the put, the get may see either value.
    expect(verdict([kv(0, put('x', '1'), 0, 10), kv(1, get('x'), 5, 30, '')])).to.equal('ok');
  });

  it('intervals are closed: a call at the instant of another return overlaps it', () => {
    expect(verdict([kv(0, put('x', '1'), 0, 10), kv(1, get('x'), 10, 20, '')])).to.equal('ok');
    expect(verdict([kv(0, put('x', '1'), 0, 10), kv(1, get('x'), 11, 20, '')])).to.equal('illegal');
  });

  it('concurrent writes seen in two different orders by two readers is illegal', () => {
    const writes = [kv(0, put('x', 'a'), 0, 100), kv(1, put('x', 'b'), 0, 100)];
    const sameOrder = [
      kv(2, get('x'), 10, 20, 'a'),
      kv(2, get('x'), 30, 40, 'b'),
      kv(3, get('x'), 10, 20, 'a'),
      kv(3, get('x'), 30, 40, 'b'),
    ];
    const twoOrders = [
      kv(2, get('x'), 10, 20, 'a'),
      kv(2, get('x'), 30, 40, 'b'),
      kv(3, get('x'), 10, 20, 'b'),
      kv(3, get('x'), 30, 40, 'a'),
    ];
    expect(verdict([...writes, ...sameOrder])).to.equal('ok');
    expect(verdict([...writes, ...twoOrders])).to.equal('illegal');
  });

  describe('an operation that never returned (crashed client)', () => {
    const crashed = kvOpen(0, put('x', '1'), 0);

    it('may have taken effect, at any time after its call', () => {
      expect(verdict([crashed, kv(1, get('x'), 50, 60, '1')])).to.equal('ok');
      expect(
        verdict([crashed, kv(1, get('x'), 50, 60, ''), kv(1, get('x'), 1000, 1010, '1')]),
      ).to.equal('ok');
    });

    it('may never have taken effect', () => {
      expect(
        verdict([crashed, kv(1, get('x'), 50, 60, ''), kv(1, get('x'), 1000, 1010, '')]),
      ).to.equal('ok');
    });

    it('cannot be undone once seen, nor take effect before its call', () => {
      expect(
        verdict([crashed, kv(1, get('x'), 50, 60, '1'), kv(1, get('x'), 70, 80, '')]),
      ).to.equal('illegal');
      expect(verdict([kv(1, get('x'), 0, 10, '1'), kvOpen(0, put('x', '1'), 20)])).to.equal(
        'illegal',
      );
    });

    it('a get that never returned constrains nothing', () => {
      expect(
        verdict([
          kv(0, put('x', '1'), 0, 10),
          kvOpen(1, get('x'), 20),
          kv(2, get('x'), 30, 40, '1'),
        ]),
      ).to.equal('ok');
    });
  });

  describe('delete', () => {
    it('removes the key: a later get returns ""', () => {
      expect(
        verdict([
          kv(0, put('x', '1'), 0, 10),
          kv(0, del('x'), 20, 30),
          kv(1, get('x'), 40, 50, ''),
        ]),
      ).to.equal('ok');
      expect(
        verdict([
          kv(0, put('x', '1'), 0, 10),
          kv(0, del('x'), 20, 30),
          kv(1, get('x'), 40, 50, '1'),
        ]),
      ).to.equal('illegal');
    });

    it('an append after a delete starts from ""', () => {
      const ops = [
        kv(0, append('x', 'a'), 0, 10),
        kv(0, del('x'), 20, 30),
        kv(0, append('x', 'b'), 40, 50),
      ];
      expect(verdict([...ops, kv(1, get('x'), 60, 70, 'b')])).to.equal('ok');
      expect(verdict([...ops, kv(1, get('x'), 60, 70, 'ab')])).to.equal('illegal');
    });

    it('deleting a missing key is a no-op, and touches no other key', () => {
      const ops = [
        kv(0, put('y', 'keep'), 0, 10),
        kv(0, del('x'), 20, 30),
        kv(1, get('x'), 40, 50, ''),
        kv(1, get('y'), 40, 50, 'keep'),
      ];
      expect(verdict(ops, true)).to.equal('ok');
      expect(verdict(ops, false)).to.equal('ok');
    });
  });

  describe('the kv model', () => {
    const run = (...inputs: KvInput[]) =>
      inputs.reduce((s, input) => kvModel.step(s, input, {})!, kvModel.init());

    it('equal states hash equal, however their values were built', () => {
      const a = run(put('x', 'abc'), put('y', '1'));
      const b = run(append('y', '1'), append('x', 'a'), append('x', 'bc'));
      const c = run(put('x', 'ab'), append('x', 'c'), put('y', '1'));
      for (const other of [b, c]) {
        expect(kvModel.equal!(a, other)).to.equal(true);
        expect(kvModel.hash!(a)).to.equal(kvModel.hash!(other));
      }
      expect(kvModel.describeState!(b)).to.equal('{"x": "abc", "y": "1"}');
      expect(kvModel.equal!(a, run(put('x', 'abd'), put('y', '1')))).to.equal(false);
      expect(kvModel.equal!(a, run(put('x', 'abc')))).to.equal(false);
      expect(kvModel.equal!(run(put('x', 'v'), del('x')), kvModel.init())).to.equal(true);
      expect(kvModel.equal!(run(put('x', '')), kvModel.init())).to.equal(true);
    });

    it('a get must return the whole value, not a prefix or a suffix of it', () => {
      const s = run(append('x', 'ab'), append('x', 'cd'));
      expect(kvModel.step(s, get('x'), { value: 'abcd' })).to.equal(s);
      for (const wrong of ['abc', 'bcd', 'abdc', '', 'abcde'])
        expect(kvModel.step(s, get('x'), { value: wrong })).to.equal(undefined);
    });
  });

  describe('a multi-key history, with and without partitioning', () => {
    const history = randomKvHistory(1, 10, 40, 6);

    it('agree on a linearizable history, and partitioning searches far less', () => {
      const whole = checkOperations(kvModel, history, { partition: false });
      const parts = checkOperations(kvModel, history, { partition: true });
      expect(whole.verdict).to.equal('ok');
      expect(parts.verdict).to.equal('ok');
      expect(parts.partitions).to.have.length(6);
      const effort = (r: typeof whole) => r.partitions.reduce((sum, p) => sum + p.iterations, 0);
      // Search iterations do not depend on the machine's load; wall time only loosely.
      expect(effort(whole)).to.be.greaterThan(100 * effort(parts));
      expect(whole.elapsedMs).to.be.greaterThan(parts.elapsedMs);
    });

    it('agree on an illegal history', () => {
      const broken = randomKvHistory(1, 8, 30, 5);
      const lastGet = broken.findLastIndex((op) => op.input.op === 'get');
      broken[lastGet] = { ...broken[lastGet], output: { value: 'never written' } };
      expect(verdict(broken, false)).to.equal('illegal');
      expect(verdict(broken, true)).to.equal('illegal');
    });
  });

  it('gives "unknown" when the time limit runs out', () => {
    // 24 concurrent puts and a get of a value none wrote: refuting it means trying every subset.
    const ops = Array.from({ length: 24 }, (_, i) => kv(i, put('x', `v${i}`), 0, 1000));
    ops.push(kv(24, get('x'), 500, 600, 'nobody'));
    ops.push(kv(25, get('x'), 0, 1000, 'v0'));
    const result = checkOperations(kvModel, ops, { timeoutMs: 50 });
    expect(result.verdict).to.equal('unknown');
    expect(result.reason).to.equal('time limit');
    expect(result.elapsedMs).to.be.lessThan(5_000);
  });

  it('gives "unknown" when the memo cache exhausts its memory budget', () => {
    const ops = Array.from({ length: 24 }, (_, i) => kv(i, put('x', `v${i}`), 0, 1000));
    ops.push(kv(24, get('x'), 500, 600, 'nobody'));
    const result = checkOperations(kvModel, ops, { memoryLimitBytes: 1 << 20 });
    expect(result.verdict).to.equal('unknown');
    expect(result.reason).to.equal('memory limit');
  });

  it('an illegal partition found early stops the search of an expensive one', () => {
    const ops = Array.from({ length: 24 }, (_, i) => kv(i, put('hard', `v${i}`), 0, 1000));
    ops.push(kv(24, get('hard'), 500, 600, 'nobody'));
    ops.push(kv(0, put('easy', '1'), 2000, 2010), kv(1, get('easy'), 2020, 2030, '2'));
    const result = checkOperations(kvModel, ops, { timeoutMs: 30_000 });
    expect(result.verdict).to.equal('illegal');
    const byLabel = Object.fromEntries(result.partitions.map((p) => [p.label, p]));
    expect(byLabel['key "easy"'].verdict).to.equal('illegal');
    expect(byLabel['key "hard"'].verdict).to.equal('unknown');
    expect(byLabel['key "hard"'].reason).to.equal('cancelled');
  });

  it('an empty history is linearizable', () => {
    expect(verdict([])).to.equal('ok');
    expect(verdict([], false)).to.equal('ok');
  });

  it('rejects an operation that returns before its call', () => {
    expect(() => verdict([kv(0, put('x', '1'), 10, 5)])).to.throw(/before its call/);
  });

  describe('a register, as operations and as events (porcupine TestRegisterModel)', () => {
    const op = (
      clientId: number,
      input: RegisterInput,
      call: number,
      output: number,
      ret: number,
    ): Operation<RegisterInput, number> => ({
      clientId,
      input,
      call,
      output,
      return: ret,
    });
    const ev = (
      clientId: number,
      kind: 'call' | 'return',
      id: number | string,
      value: RegisterInput | number,
    ): HistoryEvent<RegisterInput, number> => ({
      clientId,
      kind,
      id,
      value,
    });

    it('ok: a get overlapping the put may see the old value', () => {
      const ops = [
        op(0, { op: 'put', value: 100 }, 0, 0, 100),
        op(1, { op: 'get', value: 0 }, 25, 100, 75),
        op(2, { op: 'get', value: 0 }, 30, 0, 60),
      ];
      expect(checkOperations(registerModel, ops).verdict).to.equal('ok');
      const events = [
        ev(0, 'call', 0, { op: 'put', value: 100 }),
        ev(1, 'call', 1, { op: 'get', value: 0 }),
        ev(2, 'call', 2, { op: 'get', value: 0 }),
        ev(2, 'return', 2, 0),
        ev(1, 'return', 1, 100),
        ev(0, 'return', 0, 0),
      ];
      expect(checkEvents(registerModel, events).verdict).to.equal('ok');
    });

    it('illegal: a get after one that saw the new value sees the old one', () => {
      const ops = [
        op(0, { op: 'put', value: 200 }, 0, 0, 100),
        op(1, { op: 'get', value: 0 }, 10, 200, 30),
        op(2, { op: 'get', value: 0 }, 40, 0, 90),
      ];
      expect(checkOperations(registerModel, ops).verdict).to.equal('illegal');
      const events = [
        ev(0, 'call', 0, { op: 'put', value: 200 }),
        ev(1, 'call', 1, { op: 'get', value: 0 }),
        ev(1, 'return', 1, 200),
        ev(2, 'call', 2, { op: 'get', value: 0 }),
        ev(2, 'return', 2, 0),
        ev(0, 'return', 0, 0),
      ];
      expect(checkEvents(registerModel, events).verdict).to.equal('illegal');
    });

    it('zero-length intervals are allowed', () => {
      const ok = [
        op(0, { op: 'put', value: 100 }, 0, 0, 100),
        op(1, { op: 'get', value: 0 }, 25, 100, 75),
        op(2, { op: 'get', value: 0 }, 30, 0, 30),
        op(3, { op: 'get', value: 0 }, 30, 0, 30),
      ];
      expect(checkOperations(registerModel, ok).verdict).to.equal('ok');
      const bad = [
        op(0, { op: 'put', value: 200 }, 0, 0, 100),
        op(1, { op: 'get', value: 0 }, 10, 200, 10),
        op(2, { op: 'get', value: 0 }, 10, 200, 10),
        op(3, { op: 'get', value: 0 }, 40, 0, 90),
      ];
      expect(checkOperations(registerModel, bad).verdict).to.equal('illegal');
    });

    it('an event stream with a call that never returns leaves it open', () => {
      const events = [
        ev(0, 'call', 'w', { op: 'put', value: 7 }),
        ev(1, 'call', 'r', { op: 'get', value: 0 }),
        ev(1, 'return', 'r', 7),
      ];
      expect(checkEvents(registerModel, events).verdict).to.equal('ok');
    });

    it('rejects a return without a call', () => {
      expect(() => checkEvents(registerModel, [ev(0, 'return', 1, 0)])).to.throw(
        /without an open call/,
      );
    });
  });

  describe('the cas-register model', () => {
    const w = (c: number, v: number, call: number, ret: number) => ({
      clientId: c,
      input: { op: 'write' as const, arg1: v },
      call,
      output: {},
      return: ret,
    });
    const r = (c: number, v: number | null, call: number, ret: number) => ({
      clientId: c,
      input: { op: 'read' as const },
      call,
      output: v === null ? { exists: false } : { exists: true, value: v },
      return: ret,
    });
    const cas = (
      c: number,
      from: number,
      to: number,
      ok: boolean | undefined,
      call: number,
      ret: number,
    ) => ({
      clientId: c,
      input: { op: 'cas' as const, arg1: from, arg2: to },
      call,
      output: ok === undefined ? undefined : { ok },
      return: ok === undefined ? Infinity : ret,
    });

    it('reads nil before any write, and a successful cas swaps', () => {
      expect(
        checkOperations(casRegisterModel, [
          r(0, null, 0, 1),
          w(0, 1, 2, 3),
          cas(0, 1, 2, true, 4, 5),
          r(1, 2, 6, 7),
        ]).verdict,
      ).to.equal('ok');
      expect(
        checkOperations(casRegisterModel, [w(0, 1, 2, 3), cas(0, 3, 2, true, 4, 5)]).verdict,
      ).to.equal('illegal');
      expect(
        checkOperations(casRegisterModel, [w(0, 1, 2, 3), cas(0, 1, 2, false, 4, 5)]).verdict,
      ).to.equal('illegal');
    });

    it('a cas whose outcome is unknown took effect or not', () => {
      expect(
        checkOperations(casRegisterModel, [
          w(0, 1, 0, 1),
          cas(1, 1, 5, undefined, 2, 0),
          r(2, 5, 10, 11),
        ]).verdict,
      ).to.equal('ok');
      expect(
        checkOperations(casRegisterModel, [
          w(0, 1, 0, 1),
          cas(1, 1, 5, undefined, 2, 0),
          r(2, 1, 10, 11),
        ]).verdict,
      ).to.equal('ok');
      expect(
        checkOperations(casRegisterModel, [
          w(0, 1, 0, 1),
          cas(1, 1, 5, undefined, 2, 0),
          r(2, 7, 10, 11),
        ]).verdict,
      ).to.equal('illegal');
    });
  });

  describe('the recorder', () => {
    it('records calls and returns in virtual time; an operation never ended stays open', () => {
      const recorder = new HistoryRecorder<KvInput, KvOutput>();
      const a = recorder.begin(0, put('x', '1'), 0);
      const b = recorder.begin(1, get('x'), 5);
      b.end({ value: '1' }, 20);
      a.end({}, 30);
      recorder.begin(2, put('x', '2'), 40); // its client crashed
      const c = recorder.begin(3, get('x'), 100);
      c.end({ value: '2' }, 110);
      expect(recorder.size).to.equal(4);
      expect(recorder.pending).to.equal(1);
      const ops = recorder.operations();
      expect(ops[2]).to.deep.equal({
        clientId: 2,
        input: put('x', '2'),
        call: 40,
        output: undefined,
        return: Infinity,
      });
      expect(checkOperations(kvModel, ops).verdict).to.equal('ok');
      expect(() => a.end({}, 31)).to.throw(/ended twice/);
      expect(() => recorder.begin(0, get('x'), 200).end({ value: '' }, 150)).to.throw(
        /before its call/,
      );
    });
  });
});
