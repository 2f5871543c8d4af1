// The kv model's fast path: a partition (one key) is searched with KvKeyModel, whose states are
// ids of interned texts, instead of kvModel's maps. Compared here against the general path (the
// same partitions searched with kvModel) on generated histories, legal and illegal, step by step
// and verdict by verdict; and a key model with a bug is caught by the same comparison.
import { expect } from 'chai';
import {
  checkOperations,
  kvModel,
  type KvInput,
  type KvOutput,
  type KvState,
  type Model,
  type Operation,
} from '../../checker';
import { KvKeyModel } from '../../checker/models/kv-key';
import { mulberry32, randomKvCrashHistory, randomKvHistory } from './helpers';

type KvOp = Operation<KvInput, KvOutput>;
type KeyState = ReturnType<KvKeyModel['init']>;

/** kvModel without the fast path: its partitions carry no model of their own. */
const generalOnly: Model<KvState, KvInput, KvOutput> = {
  ...kvModel,
  partition: (ops) =>
    kvModel.partition!(ops).map(({ label, operations }) => ({ label, operations })),
};

/** kvModel with `KeyModel` (a variant of KvKeyModel) as the partitions' model. */
function withKeyModel(KeyModel: typeof KvKeyModel): Model<KvState, KvInput, KvOutput> {
  return {
    ...kvModel,
    partition: (ops) =>
      generalOnly.partition!(ops).map((p) => ({
        ...p,
        model: new KeyModel(p.operations[0].input.key, kvModel),
      })),
  };
}

/** Histories of both verdicts: generated legal ones, and copies with one get's output changed. */
function histories(count: number): { name: string; ops: KvOp[] }[] {
  const list: { name: string; ops: KvOp[] }[] = [];
  for (let seed = 1; seed <= count; seed++) {
    const random = mulberry32(1000 + seed);
    const legal =
      seed % 2 === 0 ? randomKvHistory(seed, 6, 25, 3) : randomKvCrashHistory(seed, 6, 25, 3, 0.15);
    list.push({ name: `seed ${seed}`, ops: legal });
    // A get returns what another get of its key saw (often a stale or future value), or a value never written.
    const gets = legal.flatMap((op, i) =>
      op.input.op === 'get' && op.output !== undefined ? [i] : [],
    );
    const victim = gets[Math.floor(random() * gets.length)];
    const sameKey = gets.filter(
      (i) => legal[i].input.key === legal[victim].input.key && i !== victim,
    );
    const value =
      sameKey.length > 0 && random() < 0.7
        ? legal[sameKey[Math.floor(random() * sameKey.length)]].output!.value
        : `${legal[victim].output!.value}x`;
    const changed = legal.slice();
    changed[victim] = { ...legal[victim], output: { value } };
    list.push({ name: `seed ${seed}, get ${victim} changed`, ops: changed });
  }
  return list;
}

/**
 * Per partition: label, verdict and search iterations (both models define state equality as the
 * values' equality, so the search takes the same steps: the iteration counts must match too).
 */
function verdicts(model: Model<KvState, KvInput, KvOutput>, ops: KvOp[]): string[] {
  return checkOperations(model, ops).partitions.map(
    (p) => `${p.label}: ${p.verdict} after ${p.iterations} iterations`,
  );
}

describe('linearizability: the kv model for one key (fast path)', () => {
  const cases = histories(60);

  it('gives every partition of generated histories the verdict of the general model', () => {
    let illegal = 0;
    for (const { name, ops } of cases) {
      const fast = checkOperations(kvModel, ops);
      expect(fast.partitions.every((p) => p.operations.length > 0)).to.equal(true);
      expect(verdicts(kvModel, ops), name).to.deep.equal(verdicts(generalOnly, ops));
      if (fast.verdict === 'illegal') illegal++;
      // A linearizable partition's order replays with the general model.
      for (const p of fast.partitions.filter((x) => x.verdict === 'ok')) {
        let state: KvState | undefined = kvModel.init();
        for (const i of p.linearization!)
          state = kvModel.step(state!, p.operations[i].input, p.operations[i].output);
        expect(state, `${name}, ${p.label}`).to.not.equal(undefined);
      }
    }
    // Both verdicts are exercised (some changed gets happen to stay legal).
    expect(illegal).to.be.greaterThan(cases.length / 4);
    expect(illegal).to.be.lessThan(cases.length / 2 + 1);
  });

  it('steps, equality and hashes agree with the general model on one key', () => {
    const random = mulberry32(7);
    const model = new KvKeyModel('k', kvModel);
    const draw = (): KvInput => {
      const x = random();
      const value = ['a', 'b', 'ab', ''][Math.floor(random() * 4)];
      return x < 0.5
        ? { op: 'append', key: 'k', value }
        : x < 0.8
          ? { op: 'put', key: 'k', value }
          : { op: 'delete', key: 'k' };
    };
    const seen: { fast: KeyState; general: KvState }[] = [];
    for (let run = 0; run < 200; run++) {
      let fast = model.init();
      let general = kvModel.init();
      for (let i = 0; i < 6; i++) {
        const input = draw();
        fast = model.step(fast, input, {})!;
        general = kvModel.step(general, input, {})!;
        expect(model.describeState(fast)).to.equal(kvModel.describeState!(general));
        // A get sees exactly the value: not a prefix, not a longer one.
        const text = JSON.parse(kvModel.describeState!(general)).k ?? '';
        for (const out of [text, `${text}a`, text.slice(1), '']) {
          expect(model.step(fast, { op: 'get', key: 'k' }, { value: out }) !== undefined).to.equal(
            kvModel.step(general, { op: 'get', key: 'k' }, { value: out }) !== undefined,
          );
        }
      }
      seen.push({ fast, general });
    }
    let differentObjects = 0;
    for (const a of seen.slice(0, 60)) {
      for (const b of seen.slice(0, 60)) {
        const same = kvModel.equal!(a.general, b.general);
        expect(model.equal(a.fast, b.fast)).to.equal(same);
        if (same) expect(model.hash(a.fast)).to.equal(model.hash(b.fast));
        if (same && a.fast !== b.fast) differentObjects++;
      }
    }
    expect(differentObjects).to.be.greaterThan(0);
    // Equal values built by different writes, from the empty value or not, are equal and hash alike.
    const steps = (...inputs: KvInput[]) =>
      inputs.reduce((s, input) => model.step(s, input, {})!, model.init());
    const pairs = [
      [
        steps({ op: 'put', key: 'k', value: 'ab' }),
        steps({ op: 'append', key: 'k', value: 'a' }, { op: 'append', key: 'k', value: 'b' }),
      ],
      [
        steps({ op: 'put', key: 'k', value: 'v' }),
        steps({ op: 'delete', key: 'k' }, { op: 'append', key: 'k', value: 'v' }),
      ],
      [
        steps({ op: 'put', key: 'k', value: '' }),
        steps({ op: 'put', key: 'k', value: 'x' }, { op: 'delete', key: 'k' }),
      ],
    ];
    for (const [a, b] of pairs) {
      expect(model.equal(a, b)).to.equal(true);
      expect(model.hash(a)).to.equal(model.hash(b));
    }
  });

  it('the comparison catches a key model with a bug (a put that appends)', () => {
    class PutAppends extends KvKeyModel {
      override step(
        text: KeyState,
        input: KvInput,
        output: KvOutput | undefined,
      ): KeyState | undefined {
        return super.step(text, input.op === 'put' ? { ...input, op: 'append' } : input, output);
      }
    }
    const buggy = withKeyModel(PutAppends);
    const differ = cases.filter(
      ({ ops }) =>
        JSON.stringify(verdicts(buggy, ops)) !== JSON.stringify(verdicts(generalOnly, ops)),
    );
    expect(differ.length).to.be.greaterThan(cases.length / 4);
    // The harness itself passes the real key model.
    const real = withKeyModel(KvKeyModel);
    expect(
      cases.every(
        ({ ops }) =>
          JSON.stringify(verdicts(real, ops)) === JSON.stringify(verdicts(generalOnly, ops)),
      ),
    ).to.equal(true);
  });
});
