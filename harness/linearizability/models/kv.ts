// The key/value model: get, put, append, delete. Its state is the whole map, so the same model
// is right with or without partitioning by key (a partition's map just holds one key).
// A missing key reads as "", and "" is stored as absence, so delete and put(k, "") are one state.
import { partitionBy, type Model } from '../model';

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

interface Cell {
  readonly value: string;
  /** FNV-1a of the value, kept so an append extends it in O(appended length). */
  readonly valueHash: number;
}

export interface KvState {
  readonly cells: ReadonlyMap<string, Cell>;
  /** XOR over keys of a mix of key and value hashes. */
  readonly hash: number;
}

const FNV_OFFSET = 0x811c9dc5;

function fnv(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

function cellHash(key: string, valueHash: number): number {
  const h = Math.imul(fnv(FNV_OFFSET, key) ^ Math.imul(valueHash, 0x85ebca6b), 0xc2b2ae35);
  return h ^ (h >>> 15);
}

const EMPTY: KvState = { cells: new Map(), hash: 0 };

function withValue(state: KvState, key: string, value: string, valueHash: number): KvState {
  const cells = new Map(state.cells);
  const old = state.cells.get(key);
  let hash = state.hash;
  if (old) hash ^= cellHash(key, old.valueHash);
  if (value === '') {
    cells.delete(key);
  } else {
    cells.set(key, { value, valueHash });
    hash ^= cellHash(key, valueHash);
  }
  return { cells, hash };
}

export const kvModel: Model<KvState, KvInput, KvOutput> = {
  name: 'kv',
  init: () => EMPTY,
  step(state, input, output) {
    const cell = state.cells.get(input.key);
    switch (input.op) {
      case 'get':
        return output === undefined || (output.value ?? '') === (cell?.value ?? '') ? state : undefined;
      case 'put': {
        const value = input.value ?? '';
        return withValue(state, input.key, value, fnv(FNV_OFFSET, value));
      }
      case 'append': {
        const suffix = input.value ?? '';
        if (suffix === '') return state;
        return cell
          ? withValue(state, input.key, cell.value + suffix, fnv(cell.valueHash, suffix))
          : withValue(state, input.key, suffix, fnv(FNV_OFFSET, suffix));
      }
      case 'delete':
        return cell ? withValue(state, input.key, '', 0) : state;
      default:
        return undefined;
    }
  },
  equal(a, b) {
    if (a === b) return true;
    if (a.hash !== b.hash || a.cells.size !== b.cells.size) return false;
    for (const [key, cell] of a.cells) if (b.cells.get(key)?.value !== cell.value) return false;
    return true;
  },
  hash: (state) => state.hash,
  partition: (operations) => partitionBy(operations, (input) => input.key, (key) => `key ${JSON.stringify(key)}`),
  describeOperation(input, output) {
    const k = JSON.stringify(input.key);
    const v = JSON.stringify(input.value ?? '');
    switch (input.op) {
      case 'get':
        return `get(${k}) -> ${output === undefined ? '?' : JSON.stringify(output.value ?? '')}`;
      case 'put':
      case 'append':
        return `${input.op}(${k}, ${v})`;
      case 'delete':
        return `delete(${k})`;
      default:
        return '<invalid>';
    }
  },
  describeState(state) {
    if (state.cells.size === 0) return '{}';
    if (state.cells.size === 1) {
      const [[key, cell]] = state.cells;
      return `{${JSON.stringify(key)}: ${JSON.stringify(cell.value)}}`;
    }
    const keys = [...state.cells.keys()].sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}: ${JSON.stringify(state.cells.get(k)!.value)}`).join(', ')}}`;
  },
};
