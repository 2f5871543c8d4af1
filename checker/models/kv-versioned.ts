// The versioned key/value model of the 2026 edition's lab 2: a get returns a key's value and
// version; a put installs its value only at the key's current version (version 0 creates the key)
// and the version grows by one. A put whose clerk answered ErrMaybe takes effect exactly when the
// version matched where it is placed, so one deterministic step covers both of its outcomes.
// Stricter than needed for the course's tests in one way: a get must return the right version too.
import { partitionBy, type Model } from '../model';
import { fnv, FNV_OFFSET } from './kv-text';

export type VersionedErr = 'OK' | 'ErrNoKey' | 'ErrVersion' | 'ErrMaybe';

export interface VersionedInput {
  op: 'get' | 'put';
  key: string;
  /** A put's value and version. */
  value?: string;
  version?: number;
}

export interface VersionedOutput {
  err: VersionedErr;
  /** A get's value and version. */
  value?: string;
  version?: number;
}

interface Cell {
  readonly value: string;
  readonly version: number;
}

/** The keys that exist, each with its value and version (never mutated: steps copy). */
export interface VersionedState {
  readonly cells: Readonly<Record<string, Cell>>;
  readonly hash: number;
}

const EMPTY: VersionedState = { cells: {}, hash: 0 };

function cellHash(key: string, cell: Cell): number {
  return fnv(fnv(FNV_OFFSET, key), `${cell.version}:${cell.value}`);
}

function withCell(state: VersionedState, key: string, cell: Cell): VersionedState {
  const old = state.cells[key];
  const hash = state.hash ^ (old ? cellHash(key, old) : 0) ^ cellHash(key, cell);
  return { cells: { ...state.cells, [key]: cell }, hash };
}

function getStep(state: VersionedState, key: string, out: VersionedOutput): boolean {
  const cell = state.cells[key];
  if (out.err === 'ErrNoKey') return cell === undefined;
  return out.err === 'OK' && cell?.value === out.value && cell.version === out.version;
}

function putStep(
  state: VersionedState,
  input: VersionedInput,
  out: VersionedOutput | undefined,
): VersionedState | undefined {
  const cell = state.cells[input.key];
  const current = cell?.version ?? 0;
  const version = input.version ?? 0;
  const err = out?.err;
  if (current === version) {
    // Takes effect: an OK, an ErrMaybe, or a put that never returned.
    if (err !== undefined && err !== 'OK' && err !== 'ErrMaybe') return undefined;
    return withCell(state, input.key, { value: input.value ?? '', version: version + 1 });
  }
  if (err === undefined || err === 'ErrMaybe' || err === 'ErrVersion') return state;
  return err === 'ErrNoKey' && cell === undefined ? state : undefined;
}

export const versionedKvModel: Model<VersionedState, VersionedInput, VersionedOutput> = {
  name: 'versioned kv',
  init: () => EMPTY,
  step(state, input, output) {
    if (input.op === 'get')
      return output === undefined || getStep(state, input.key, output) ? state : undefined;
    if (input.op === 'put') return putStep(state, input, output);
    return undefined;
  },
  readOnly: (input, output) =>
    input.op === 'get' ||
    (output !== undefined && (output.err === 'ErrVersion' || output.err === 'ErrNoKey')),
  // A put that may or may not have taken effect, at a version the key has passed: a key's version
  // only grows, so it is a no-op here and in every later state.
  inert: (state, input, output) =>
    input.op === 'put' &&
    (output === undefined || output.err === 'ErrMaybe') &&
    (state.cells[input.key]?.version ?? 0) > (input.version ?? 0),
  equal(a, b) {
    if (a === b) return true;
    const keys = Object.keys(a.cells);
    if (a.hash !== b.hash || keys.length !== Object.keys(b.cells).length) return false;
    return keys.every(
      (k) => a.cells[k].value === b.cells[k]?.value && a.cells[k].version === b.cells[k].version,
    );
  },
  hash: (state) => state.hash,
  partition: (operations) =>
    partitionBy(
      operations,
      (input) => input.key,
      (key) => `key ${JSON.stringify(key)}`,
    ),
  describeOperation(input, output) {
    const k = JSON.stringify(input.key);
    const err = output === undefined ? '?' : output.err;
    if (input.op === 'get')
      return output?.err === 'OK'
        ? `get(${k}) -> (${JSON.stringify(output.value)}, v${output.version})`
        : `get(${k}) -> ${err}`;
    return `put(${k}, ${JSON.stringify(input.value ?? '')}, v${input.version ?? 0}) -> ${err}`;
  },
  describeState(state) {
    const keys = Object.keys(state.cells).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}: (${JSON.stringify(state.cells[k].value)}, v${state.cells[k].version})`).join(', ')}}`;
  },
};
