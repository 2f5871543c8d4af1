// Lowe's memoisation: the set of (linearized operations, model state) pairs already explored.
// The linearized set is a bitset; its hash is kept incrementally (Zobrist: the XOR of a random
// word per member), so looking a pair up costs O(1) hashing plus an exact comparison on a hit.

/**
 * Deterministic random words, one per operation, for the incremental bitset hash: word i is the
 * same for every partition and every count (splitmix32 from a fixed start). Each search makes its
 * own, as it makes its other per-operation arrays: m words cost about what its own setup does.
 */
export function zobristWords(count: number): Int32Array {
  const words = new Int32Array(count);
  let x = 0x9e3779b9;
  for (let i = 0; i < count; i++) {
    // splitmix32
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    words[i] = z ^ (z >>> 16);
  }
  return words;
}

/**
 * An open hash table with chaining, laid out in flat typed arrays: entry i's bitset lives in
 * words [i * W, (i + 1) * W) of one buffer, so an entry allocates no object of its own.
 */
export class MemoCache<S> {
  private heads = new Int32Array(1024); // table slot -> first entry + 1 (0: empty)
  private chain = new Int32Array(1024); // entry -> next entry in its slot + 1
  private keys = new Int32Array(1024); // entry -> full 32-bit key
  private store: Uint32Array;
  private states: S[] = [];
  size = 0;

  private readonly compared: boolean;

  constructor(
    private readonly words: number,
    /** The model's `equal` (called as its method); without one, states are compared with ===. */
    private readonly model: { equal?(a: S, b: S): boolean },
  ) {
    this.compared = model.equal !== undefined;
    this.store = new Uint32Array(1024 * words);
  }

  /** Bytes held outside the JavaScript heap (the typed arrays), which heap statistics miss. */
  get externalBytes(): number {
    return (
      this.heads.byteLength + this.chain.byteLength + this.keys.byteLength + this.store.byteLength
    );
  }

  /** Adds (bits, state) unless present; true if it was added. `bits` is copied. */
  insertIfAbsent(bits: Uint32Array, bitsHash: number, state: S, stateHash: number): boolean {
    const key = bitsHash ^ Math.imul(stateHash ^ (stateHash >>> 16), 0x27d4eb2d);
    const { words, store, keys, chain } = this;
    const slot = (key ^ (key >>> 15)) & (this.heads.length - 1);
    for (let e = this.heads[slot]; e !== 0; e = chain[e - 1]) {
      const i = e - 1;
      if (keys[i] !== key) continue;
      let same = true;
      for (let w = 0, base = i * words; w < words; w++) {
        if (store[base + w] !== bits[w]) {
          same = false;
          break;
        }
      }
      if (
        same &&
        (this.states[i] === state || (this.compared && this.model.equal!(this.states[i], state)))
      )
        return false;
    }
    const i = this.size++;
    if (i === this.keys.length) this.growEntries();
    this.keys[i] = key;
    this.store.set(bits, i * words);
    this.states.push(state);
    this.chain[i] = this.heads[slot];
    this.heads[slot] = i + 1;
    if (this.size > this.heads.length * 0.75) this.growTable();
    return true;
  }

  /** Frees the memory (the partition is finished with its cache). */
  release(): void {
    this.size = 0;
    this.heads = new Int32Array(0);
    this.chain = this.keys = new Int32Array(0);
    this.store = new Uint32Array(0);
    this.states = [];
  }

  private growEntries(): void {
    const capacity = this.keys.length * 2;
    const keys = new Int32Array(capacity);
    keys.set(this.keys);
    const chain = new Int32Array(capacity);
    chain.set(this.chain);
    const store = new Uint32Array(capacity * this.words);
    store.set(this.store);
    Object.assign(this, { keys, chain, store });
  }

  private growTable(): void {
    const heads = new Int32Array(this.heads.length * 2);
    const mask = heads.length - 1;
    for (let i = 0; i < this.size; i++) {
      const slot = (this.keys[i] ^ (this.keys[i] >>> 15)) & mask;
      this.chain[i] = heads[slot];
      heads[slot] = i + 1;
    }
    this.heads = heads;
  }
}
