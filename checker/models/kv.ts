// The key/value model: get, put, append, delete. Its state is the whole map, so the same model
// is right with or without partitioning by key (a partition's map just holds one key).
// A missing key reads as "", and "" is stored as absence, so delete and put(k, "") are one state.
//
// A partition holds one key: its search uses KvKeyModel (kv-key.ts), whose states are cheaper.
//
// A value is kept as the chain of writes that built it (put starts a chain, append adds a link)
// and is never concatenated: the search creates millions of states, and a state must cost O(1)
// time and memory however long its values grow (appends make them kilobytes long).
import { partitionBy, type Model } from '../model';
import { KvKeyModel, kvReadOnly } from './kv-key';
import { extend, fnv, FNV_OFFSET, sameText, spells, textOf, type Text } from './kv-text';

export type KvOp = 'get' | 'put' | 'append' | 'delete';

export interface KvInput {
  op: KvOp;
  key: string;
  /** The value to put or append; absent for get and delete. */
  value?: string;
}

/** A get's output; put, append and delete return nothing meaningful (use `{}`). */
export interface KvOutput {
  value?: string;
}

export interface KvState {
  /** Keys with a non-empty value; shared between states while the key set does not change. */
  readonly keys: readonly string[];
  readonly texts: readonly Text[];
  /** XOR over keys of a mix of the key's and the value's hashes. */
  readonly hash: number;
}

function cellHash(key: string, valueHash: number): number {
  const h = Math.imul(fnv(FNV_OFFSET, key) ^ Math.imul(valueHash, 0x85ebca6b), 0xc2b2ae35);
  return h ^ (h >>> 15);
}

const EMPTY: KvState = { keys: [], texts: [], hash: 0 };

function withText(state: KvState, key: string, text: Text | undefined): KvState {
  const i = state.keys.indexOf(key);
  let hash = state.hash;
  if (i >= 0) hash ^= cellHash(key, state.texts[i].hash);
  if (text) hash ^= cellHash(key, text.hash);
  if (i >= 0 && text) {
    const texts = state.texts.slice();
    texts[i] = text;
    return { keys: state.keys, texts, hash };
  }
  if (text) return { keys: [...state.keys, key], texts: [...state.texts, text], hash };
  if (i < 0) return state;
  return {
    keys: state.keys.filter((_, j) => j !== i),
    texts: state.texts.filter((_, j) => j !== i),
    hash,
  };
}

function lookup(state: KvState, key: string): Text | undefined {
  const i = state.keys.indexOf(key);
  return i < 0 ? undefined : state.texts[i];
}

export const kvModel: Model<KvState, KvInput, KvOutput> = {
  name: 'kv',
  init: () => EMPTY,
  step(state, input, output) {
    switch (input.op) {
      case 'get':
        return output === undefined || spells(lookup(state, input.key), output.value ?? '')
          ? state
          : undefined;
      case 'put':
        return withText(state, input.key, input.value ? extend(undefined, input.value) : undefined);
      case 'append':
        return input.value
          ? withText(state, input.key, extend(lookup(state, input.key), input.value))
          : state;
      case 'delete':
        return withText(state, input.key, undefined);
      default:
        return undefined;
    }
  },
  readOnly: kvReadOnly,
  equal(a, b) {
    if (a === b) return true;
    if (a.hash !== b.hash || a.keys.length !== b.keys.length) return false;
    if (a.keys === b.keys) return a.texts.every((t, i) => sameText(t, b.texts[i]));
    return a.keys.every((key, i) => sameText(a.texts[i], lookup(b, key)));
  },
  hash: (state) => state.hash,
  partition: (operations) =>
    partitionBy(
      operations,
      (input) => input.key,
      (key) => `key ${JSON.stringify(key)}`,
    ).map((p) => ({ ...p, model: new KvKeyModel(p.operations[0].input.key, kvModel) })),
  describeOperation(input, output) {
    const k = JSON.stringify(input.key);
    switch (input.op) {
      case 'get':
        return `get(${k}) -> ${output === undefined ? '?' : JSON.stringify(output.value ?? '')}`;
      case 'put':
      case 'append':
        return `${input.op}(${k}, ${JSON.stringify(input.value ?? '')})`;
      case 'delete':
        return `delete(${k})`;
      default:
        return '<invalid>';
    }
  },
  describeState(state) {
    const keys = [...state.keys].sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}: ${JSON.stringify(textOf(lookup(state, k)))}`).join(', ')}}`;
  },
};
