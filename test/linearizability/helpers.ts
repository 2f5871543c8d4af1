// Shared by the checker's specs: where the porcupine fixtures live, their known verdicts, a
// seeded history generator and small history builders.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KvInput, KvOutput, Model, Operation } from '../../harness/linearizability';

/** The repository root (this file runs from dist/test/linearizability). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** porcupine's test data, copied into the repository (source and licence: its README.md). */
export const FIXTURES = path.resolve(REPO_ROOT, 'test', 'data', 'porcupine');

export function requireFixtures(): string {
  if (!fs.existsSync(path.join(FIXTURES, 'jepsen')) || !fs.existsSync(path.join(FIXTURES, 'kv'))) {
    throw new Error(`porcupine fixtures not found at ${FIXTURES}: they are part of the repository (test/data/porcupine): restore them with git checkout`);
  }
  return FIXTURES;
}

/** Per the fixtures' README: these etcd logs are linearizable, every other one (but 095) is not. */
export const LINEARIZABLE_ETCD = new Set(
  '002 005 007 018 025 031 038 045 048 049 051 053 056 067 075 076 080 087 092 098 100 101 102'.split(' '),
);

/** `etcd_095.log` is empty (the cluster never started): it has no verdict. */
export function etcdFiles(): { file: string; expected: 'ok' | 'illegal' }[] {
  return fs
    .readdirSync(path.join(FIXTURES, 'jepsen'))
    .filter((f) => /^etcd_\d{3}\.log$/.test(f) && f !== 'etcd_095.log')
    .sort()
    .map((f) => ({ file: path.join(FIXTURES, 'jepsen', f), expected: LINEARIZABLE_ETCD.has(f.slice(5, 8)) ? 'ok' : 'illegal' }));
}

export function kvFiles(): { file: string; clients: number; expected: 'ok' | 'illegal' }[] {
  return fs
    .readdirSync(path.join(FIXTURES, 'kv'))
    .filter((f) => /^c\d+-(ok|bad)\.txt$/.test(f))
    .sort()
    .map((f) => ({ file: path.join(FIXTURES, 'kv', f), clients: Number(f.slice(1, 3)), expected: f.includes('-ok') ? 'ok' : 'illegal' }));
}

type KvOp = Operation<KvInput, KvOutput>;

/** A completed kv operation; `output` is the value a get returned. */
export function kv(clientId: number, input: KvInput, call: number, ret: number, output?: string): KvOp {
  return { clientId, input, call, return: ret, output: input.op === 'get' ? { value: output ?? '' } : {} };
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
  step: (state, input, output) => (input.op === 'put' ? input.value : output === undefined || output === state ? state : undefined),
};

function mulberry32(seed: number): () => number {
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
export function randomKvHistory(seed: number, clients: number, perClient: number, keys: number): KvOp[] {
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
        x < 0.4 ? { op: 'get', key } : x < 0.7 ? { op: 'append', key, value: `${c}.${i};` } : x < 0.9 ? { op: 'put', key, value: `${c}.${i}` } : { op: 'delete', key };
      ops.push({ clientId: c, input, call: Math.round(call * 10), at, output: undefined, return: Math.round(ret * 10) });
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
