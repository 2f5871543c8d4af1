// Shared by the checker's specs: where the porcupine fixtures live, their known verdicts, a
// seeded history generator and small history builders.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {
  CasInput,
  CasOutput,
  CasState,
  KvInput,
  KvOutput,
  Model,
  Operation,
} from '../../checker';
import type { VersionedInput, VersionedOutput } from '../../checker/models/kv-versioned';

/** The repository root (this file runs from dist/test/linearizability). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** porcupine's test data, copied into the repository (source and licence: its README.md). */
export const FIXTURES = path.resolve(REPO_ROOT, 'test', 'data', 'porcupine');

export function requireFixtures(): string {
  if (!fs.existsSync(path.join(FIXTURES, 'jepsen')) || !fs.existsSync(path.join(FIXTURES, 'kv'))) {
    throw new Error(
      `porcupine fixtures not found at ${FIXTURES}: they are part of the repository (test/data/porcupine): restore them with git checkout`,
    );
  }
  return FIXTURES;
}

/** Per the fixtures' README: these etcd logs are linearizable, every other one (but 095) is not. */
export const LINEARIZABLE_ETCD = new Set(
  '002 005 007 018 025 031 038 045 048 049 051 053 056 067 075 076 080 087 092 098 100 101 102'.split(
    ' ',
  ),
);

/** `etcd_095.log` is empty (the cluster never started): it has no verdict. */
export function etcdFiles(): { file: string; expected: 'ok' | 'illegal' }[] {
  return fs
    .readdirSync(path.join(FIXTURES, 'jepsen'))
    .filter((f) => /^etcd_\d{3}\.log$/.test(f) && f !== 'etcd_095.log')
    .sort()
    .map((f) => ({
      file: path.join(FIXTURES, 'jepsen', f),
      expected: LINEARIZABLE_ETCD.has(f.slice(5, 8)) ? 'ok' : 'illegal',
    }));
}

export function kvFiles(): { file: string; clients: number; expected: 'ok' | 'illegal' }[] {
  return fs
    .readdirSync(path.join(FIXTURES, 'kv'))
    .filter((f) => /^c\d+-(ok|bad)\.txt$/.test(f))
    .sort()
    .map((f) => ({
      file: path.join(FIXTURES, 'kv', f),
      clients: Number(f.slice(1, 3)),
      expected: f.includes('-ok') ? 'ok' : 'illegal',
    }));
}

type KvOp = Operation<KvInput, KvOutput>;

/** A completed kv operation; `output` is the value a get returned. */
export function kv(
  clientId: number,
  input: KvInput,
  call: number,
  ret: number,
  output?: string,
): KvOp {
  return {
    clientId,
    input,
    call,
    return: ret,
    output: input.op === 'get' ? { value: output ?? '' } : {},
  };
}

/** A kv operation whose client crashed before it returned. */
export function kvOpen(clientId: number, input: KvInput, call: number): KvOp {
  return { clientId, input, call, return: Infinity, output: undefined };
}

/** The register of porcupine's own tests: put always succeeds, get must see the state. */
export interface RegisterInput {
  op: 'put' | 'get';
  value: number;
}
export const registerModel: Model<number, RegisterInput, number> = {
  name: 'register',
  init: () => 0,
  step: (state, input, output) =>
    input.op === 'put' ? input.value : output === undefined || output === state ? state : undefined,
};

/** A small seeded generator (mulberry32): the specs' random histories. */
export function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A linearizable kv history: each client runs operations back to back; each takes effect at a
 * random point inside its interval, and outputs come from replaying those points in order.
 */
export function randomKvHistory(
  seed: number,
  clients: number,
  perClient: number,
  keys: number,
): KvOp[] {
  const random = mulberry32(seed);
  const ops: (KvOp & { at: number })[] = [];
  for (let c = 0; c < clients; c++) {
    let t = random() * 10;
    for (let i = 0; i < perClient; i++) {
      const call = t;
      const at = call + random() * 20;
      const ret = at + random() * 20;
      t = ret + random() * 5;
      const key = `k${Math.floor(random() * keys)}`;
      const x = random();
      const input: KvInput =
        x < 0.4
          ? { op: 'get', key }
          : x < 0.7
            ? { op: 'append', key, value: `${c}.${i};` }
            : x < 0.9
              ? { op: 'put', key, value: `${c}.${i}` }
              : { op: 'delete', key };
      ops.push({
        clientId: c,
        input,
        call: Math.round(call * 10),
        at,
        output: undefined,
        return: Math.round(ret * 10),
      });
    }
  }
  const store = new Map<string, string>();
  for (const op of [...ops].sort((a, b) => a.at - b.at)) {
    const { op: kind, key, value = '' } = op.input;
    if (kind === 'get') op.output = { value: store.get(key) ?? '' };
    else {
      op.output = {};
      if (kind === 'put') store.set(key, value);
      else if (kind === 'append') store.set(key, (store.get(key) ?? '') + value);
      else store.delete(key);
    }
  }
  return ops.map(({ at: _at, ...op }) => op);
}

/**
 * A linearizable history with crashed clients, in the shape of the etcd Jepsen logs: a crashed
 * operation never returns (output unknown); it takes effect at a random point after its call or
 * (half the time) never, and its client carries on under a new id. `op(random, client, i)` draws
 * an input; `apply(state, input)` gives the output and the next state when the operation takes
 * effect. Small value ranges make crashed operations repeat each other (twins).
 */
function randomCrashHistory<S, I, O>(
  seed: number,
  clients: number,
  perClient: number,
  crashRate: number,
  init: S,
  draw: (random: () => number, client: number, i: number) => I,
  apply: (state: S, input: I) => [O, S],
): Operation<I, O>[] {
  const random = mulberry32(seed);
  const ops: (Operation<I, O> & { at: number })[] = [];
  let nextId = clients;
  for (let c = 0; c < clients; c++) {
    let id = c;
    let t = random() * 10;
    for (let i = 0; i < perClient; i++) {
      const call = t;
      const input = draw(random, c, i);
      if (random() < crashRate) {
        const at = random() < 0.5 ? call + random() * 60 : Infinity;
        ops.push({
          clientId: id,
          input,
          call: Math.round(call * 10),
          at,
          output: undefined,
          return: Infinity,
        });
        id = nextId++;
        t = call + random() * 5;
        continue;
      }
      const at = call + random() * 20;
      const ret = at + random() * 20;
      t = ret + random() * 5;
      ops.push({
        clientId: id,
        input,
        call: Math.round(call * 10),
        at,
        output: undefined,
        return: Math.round(ret * 10),
      });
    }
  }
  let state = init;
  for (const op of [...ops].sort((a, b) => a.at - b.at)) {
    if (op.at === Infinity) break;
    const [output, next] = apply(state, op.input);
    if (op.return !== Infinity) op.output = output;
    state = next;
  }
  return ops.map(({ at: _at, ...op }) => op);
}

/** A linearizable cas-register history (values 0..values-1) with crashed clients. */
export function randomCasHistory(
  seed: number,
  clients: number,
  perClient: number,
  values: number,
  crashRate: number,
): Operation<CasInput, CasOutput>[] {
  const value = (random: () => number) => Math.floor(random() * values);
  return randomCrashHistory<CasState, CasInput, CasOutput>(
    seed,
    clients,
    perClient,
    crashRate,
    null,
    (random) => {
      const x = random();
      return x < 0.4
        ? { op: 'read' }
        : x < 0.7
          ? { op: 'write', arg1: value(random) }
          : { op: 'cas', arg1: value(random), arg2: value(random) };
    },
    (state, input) => {
      if (input.op === 'read')
        return [state === null ? { exists: false } : { exists: true, value: state }, state];
      if (input.op === 'write') return [{}, input.arg1!];
      return state === input.arg1 ? [{ ok: true }, input.arg2!] : [{ ok: false }, state];
    },
  );
}

/** A linearizable kv history with crashed clients; puts draw from a few values and deletes repeat. */
export function randomKvCrashHistory(
  seed: number,
  clients: number,
  perClient: number,
  keys: number,
  crashRate: number,
): KvOp[] {
  return randomCrashHistory<Map<string, string>, KvInput, KvOutput>(
    seed,
    clients,
    perClient,
    crashRate,
    new Map(),
    (random, c, i) => {
      const key = `k${Math.floor(random() * keys)}`;
      const x = random();
      if (x < 0.4) return { op: 'get', key };
      if (x < 0.65) return { op: 'append', key, value: `${c}.${i};` };
      if (x < 0.9) return { op: 'put', key, value: `v${Math.floor(random() * 3)}` };
      return { op: 'delete', key };
    },
    (store, input) => {
      const next = new Map(store);
      if (input.op === 'get') return [{ value: store.get(input.key) ?? '' }, store];
      if (input.op === 'put') next.set(input.key, input.value!);
      else if (input.op === 'append')
        next.set(input.key, (store.get(input.key) ?? '') + input.value!);
      else next.delete(input.key);
      return [{}, next];
    },
  );
}

/**
 * Rounds of `clients` racing puts at the key's version, one OK and the others ErrMaybe, each round
 * followed by every client's read: the shape of TestSnapshotRecoverManyClients4C's histories.
 */
export function racingMaybePuts(
  clients: number,
  rounds: number,
): Operation<VersionedInput, VersionedOutput>[] {
  const ops: Operation<VersionedInput, VersionedOutput>[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = r * 100;
    const winner = r % clients;
    for (let c = 0; c < clients; c++)
      ops.push({
        clientId: c,
        input: { op: 'put', key: 'k', value: `${r}/${c}`, version: r },
        call: t + c,
        output: { err: c === winner ? 'OK' : 'ErrMaybe' },
        return: t + 50 + c,
      });
    for (let c = 0; c < clients; c++)
      ops.push({
        clientId: c,
        input: { op: 'get', key: 'k' },
        call: t + 70 + c,
        output: { err: 'OK', value: `${r}/${winner}`, version: r + 1 },
        return: t + 90,
      });
  }
  return ops;
}
