// The search for one partition: Wing & Gong's backtracking over a doubly linked list of call and
// return entries, with Lowe's memoisation. It is a resumable state machine: run(budget) does at
// most `budget` iterations and returns, so the caller can interleave partitions, enforce a time
// limit and stop everything at the first illegal partition.
import { MemoCache, zobristWords } from './memo';
import type { Model, Operation } from './model';

export type SearchStatus = 'running' | 'ok' | 'illegal' | 'cancelled';

const HEAD = 0;

function hasBit(bits: Uint32Array, i: number): boolean {
  return (bits[i >>> 5] & (1 << (i & 31))) !== 0;
}

/**
 * Entries in time order (entry e < m is the call of operation e, e >= m the return of e - m); at
 * equal times calls first, which makes intervals closed (an operation returning at t overlaps one
 * called at t), then by operation. Calls and returns are each sorted (usually already in order:
 * a recorded history lists operations by call) and then merged, instead of one sort of both.
 */
export function entryOrder(operations: readonly Operation<unknown, unknown>[]): Int32Array {
  const m = operations.length;
  const callTime = new Float64Array(m);
  const returnTime = new Float64Array(m);
  for (let op = 0; op < m; op++) {
    callTime[op] = operations[op].call;
    returnTime[op] = operations[op].return;
  }
  const calls = sortedBy(callTime);
  const returns = sortedBy(returnTime);
  const order = new Int32Array(2 * m);
  let c = 0;
  let r = 0;
  for (let i = 0; i < 2 * m; i++) {
    if (r === m || (c < m && !(callTime[calls[c]] > returnTime[returns[r]]))) order[i] = calls[c++];
    else order[i] = m + returns[r++];
  }
  return order;
}

/** Indices 0..n-1 by time, ties by index. */
function sortedBy(time: Float64Array): Int32Array {
  const n = time.length;
  const index = new Int32Array(n);
  let sorted = true;
  let packable = n <= PACK;
  for (let i = 0; i < n; i++) {
    index[i] = i;
    const t = time[i];
    if (i > 0 && !(time[i - 1] <= t)) sorted = false;
    if (!(t === Infinity || (Number.isInteger(t) && t >= 0 && t < MAX_PACKED_TIME)))
      packable = false;
  }
  if (sorted) return index;
  if (!packable) return index.sort((a, b) => time[a] - time[b] || a - b);
  // Times of recorded histories (event positions, virtual milliseconds) are small integers: each
  // index rides in the low bits of its time, and the typed array's own sort (no comparator to
  // call, which a cold start runs in the interpreter) orders them, ties by index.
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++)
    keys[i] = (time[i] === Infinity ? MAX_PACKED_TIME : time[i]) * PACK + i;
  keys.sort();
  for (let i = 0; i < n; i++) index[i] = keys[i] % PACK;
  return index;
}

/** Indices below PACK fit in the low bits of a packed sort key; times below MAX_PACKED_TIME (and Infinity, as that) above them. */
const PACK = 2 ** 21;
const MAX_PACKED_TIME = 2 ** 31;

// The constructor's loops over the operations live in these small functions: the constructor runs
// once per partition, and with its loops inside, the JIT compiled it whole (a large function) as
// soon as a history had a few dozen partitions.

/** The doubly linked list of entries in `order` (nodes 1..2m; 0 the head, 2m+1 the tail), and per call node its return node and operation. */
function linkEntries(operations: readonly Operation<unknown, unknown>[], order: Int32Array) {
  const m = operations.length;
  const next = new Int32Array(2 * m + 2);
  const prev = new Int32Array(2 * m + 2);
  const match = new Int32Array(2 * m + 2);
  const opOf = new Int32Array(2 * m + 2);
  const nodeOfEntry = new Int32Array(2 * m);
  for (let i = 0; i < 2 * m; i++) nodeOfEntry[order[i]] = i + 1;
  for (let n = 0; n <= 2 * m; n++) {
    next[n] = n + 1;
    prev[n + 1] = n;
  }
  for (let op = 0; op < m; op++) {
    if (!(operations[op].call <= operations[op].return)) {
      throw new Error(
        `operation ${op} returns (${operations[op].return}) before its call (${operations[op].call})`,
      );
    }
    const c = nodeOfEntry[op];
    const r = nodeOfEntry[op + m];
    match[c] = r;
    opOf[c] = op;
    opOf[r] = op;
  }
  return { next, prev, match, opOf };
}

/** Per operation, 1 if the model calls it read-only. */
function readOnlyFlags<I, O>(
  model: Model<unknown, I, O>,
  operations: readonly Operation<I, O>[],
): Uint8Array {
  const flags = new Uint8Array(operations.length);
  for (let op = 0; op < operations.length; op++)
    flags[op] = model.readOnly!(operations[op].input, operations[op].output) ? 1 : 0;
  return flags;
}

export class PartitionSearch<S, I, O> {
  // Nodes 1..2m are the entries in time order; 0 is the head and 2m+1 the tail sentinel.
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  /** For a call node, its return node; 0 for a return node. */
  private readonly match: Int32Array;
  private readonly opOf: Int32Array;
  private readonly tail: number;
  private readonly inputs: I[];
  private readonly outputs: (O | undefined)[];
  private readonly zobrist: Int32Array;
  private readonly bits: Uint32Array;
  private readonly cache: MemoCache<S>;
  // Whether the model has hash and equal: they are called as its methods, not through closures
  // made per search, which would make each partition's calls a new target for the JIT.
  private readonly hashed: boolean;
  private readonly compared: boolean;
  // The stack of linearized calls, with the state and its hash before each.
  private readonly stackNode: Int32Array;
  private readonly stackState: (S | undefined)[];
  private readonly stackHash: Int32Array;
  /**
   * Per operation, 1 if it never changes the state (the model's `readOnly`), and only then if the
   * search may prune: skip the alternatives to a read-only call. If a read-only call c is legal
   * in (linearized set S, state s), then (S, s) can be completed iff (S + c, s) can: in any
   * completion of (S, s), c can move to the front (the scan reached it before any pending return,
   * so nothing unlinearized must precede it; it is legal in s; and wherever it stood it changed
   * nothing the later operations see). So when (S + c, s) fails, or is already in the cache
   * (explored and failed: it is not on the current path, which holds smaller sets), (S, s) fails
   * too, and the search backtracks at once instead of trying the other calls. Verbose mode does
   * not prune, so the report's longest prefixes are those of the full search.
   */
  private readonly readOnly: Uint8Array;
  /**
   * Whether to ask the model's `inert` about the other operations: one that changes nothing in
   * this state nor in any state after it is pruned as a read-only one is, by the same argument
   * (in any completion it can move to the front: it changed nothing where it stood). Per stack
   * depth, 1 if the call linearized there was pruned so (read-only or inert): backtracking past
   * it skips its alternatives.
   */
  private readonly inertAsked: boolean;
  private readonly stackPruned: Uint8Array;
  /**
   * Per operation, 1 if it never returned (its output is unknown, so any step of it is legal) and
   * the search may prune around it; only outside verbose mode. Such an operation is not linearized
   * where it would leave the state as it is: if (S + x, s) can be completed, so can (S, s), with x
   * moved to the end (nothing waits on its return, and it is legal anywhere). And once every
   * operation that returned is linearized, the rest (all open) are linearized in call order and
   * the partition is done.
   */
  private readonly open: Uint8Array;
  /**
   * Per open operation, 1 + the previous open operation with the same input (call order), or 0.
   * Such twins are interchangeable: any linearization can swap them so that they take effect in
   * call order (the earlier call is available whenever the later one is), so the search never
   * linearizes an open operation before its twin.
   */
  private readonly twin: Int32Array;
  private depth = 0;
  private cursor: number;
  private state: S;
  private stateHash: number;
  private bitsHash = 0;
  /** Verbose mode: per operation, the longest linearizable prefix it was part of. */
  private readonly longest: (Int32Array | undefined)[] | undefined;
  status: SearchStatus = 'running';
  iterations = 0;

  constructor(
    private readonly model: Model<S, I, O>,
    operations: readonly Operation<I, O>[],
    verbose: boolean,
  ) {
    const m = operations.length;
    this.inputs = operations.map((op) => op.input);
    this.outputs = operations.map((op) => op.output);
    this.tail = 2 * m + 1;
    // Entry e < m is the call of op e, e >= m the return of op e - m. Equal times: calls first,
    // which makes intervals closed (an op returning at t overlaps one called at t).
    const order = entryOrder(operations);
    ({
      next: this.next,
      prev: this.prev,
      match: this.match,
      opOf: this.opOf,
    } = linkEntries(operations, order));
    this.zobrist = zobristWords(m);
    const words = Math.ceil(m / 32);
    this.bits = new Uint32Array(words);
    this.cache = new MemoCache<S>(words, model);
    this.hashed = model.hash !== undefined;
    this.compared = model.equal !== undefined;
    this.stackNode = new Int32Array(m);
    this.stackState = new Array<S | undefined>(m);
    this.stackHash = new Int32Array(m);
    this.readOnly =
      !verbose && model.readOnly ? readOnlyFlags(model, operations) : new Uint8Array(m);
    this.inertAsked = !verbose && model.inert !== undefined;
    this.stackPruned = new Uint8Array(m);
    this.open = new Uint8Array(m);
    this.twin = new Int32Array(m);
    if (!verbose) this.markOpen(operations, order, m);
    this.cursor = this.next[HEAD];
    this.state = model.init();
    this.stateHash = this.hashed ? model.hash!(this.state) : 0;
    this.longest = verbose ? new Array<Int32Array | undefined>(m) : undefined;
    if (m === 0) this.status = 'ok';
  }

  /** Runs at most `budget` iterations; the status says whether it finished. */
  run(budget: number): SearchStatus {
    if (this.status !== 'running') return this.status;
    const {
      next,
      prev,
      match,
      opOf,
      zobrist,
      bits,
      inputs,
      outputs,
      model,
      cache,
      tail,
      stackNode,
      stackState,
      stackHash,
      readOnly,
      open,
      twin,
      stackPruned,
    } = this;
    const { hashed, compared, inertAsked } = this;
    const verbose = this.longest !== undefined;
    let { cursor, state, stateHash, bitsHash, depth } = this;
    let left = budget;
    while (next[HEAD] !== tail) {
      if (--left < 0) break;
      const r = match[cursor];
      if (r !== 0) {
        const op = opOf[cursor];
        if (open[op] === 1 && twin[op] !== 0 && !hasBit(bits, twin[op] - 1)) {
          cursor = next[cursor]; // its twin goes first (see twin)
          continue;
        }
        const after = model.step(state, inputs[op], outputs[op]);
        if (after !== undefined) {
          const afterHash = after === state ? stateHash : hashed ? model.hash!(after) : 0;
          if (
            open[op] === 1 &&
            (after === state || (afterHash === stateHash && compared && model.equal!(after, state)))
          ) {
            cursor = next[cursor]; // changes nothing here: see open
            continue;
          }
          const pruned =
            readOnly[op] === 1 || (inertAsked && model.inert!(state, inputs[op], outputs[op]));
          const afterBitsHash = bitsHash ^ zobrist[op];
          bits[op >>> 5] |= 1 << (op & 31);
          const added = cache.insertIfAbsent(bits, afterBitsHash, after, afterHash);
          if (added) {
            stackNode[depth] = cursor;
            stackPruned[depth] = pruned ? 1 : 0;
            stackState[depth] = state;
            stackHash[depth] = stateHash;
            depth++;
            state = after;
            stateHash = afterHash;
            bitsHash = afterBitsHash;
            // Lift the call and its return out of the list; relinking in reverse order restores it.
            next[prev[cursor]] = next[cursor];
            prev[next[cursor]] = prev[cursor];
            next[prev[r]] = next[r];
            prev[next[r]] = prev[r];
            cursor = next[HEAD];
            continue;
          }
          bits[op >>> 5] &= ~(1 << (op & 31));
          if (pruned) {
            cursor = tail; // (S + c, s) failed before, so (S, s) fails: backtrack
            continue;
          }
        }
        cursor = next[cursor];
      } else {
        if (cursor !== tail && open[opOf[cursor]] === 1) {
          // Every operation that returned is linearized; the rest never returned: see open.
          depth = this.finish(state, depth);
          state = this.state;
          break;
        }
        // The earliest pending return: nothing called after it can be linearized before it.
        if (depth === 0) {
          this.status = 'illegal';
          break;
        }
        if (verbose) this.recordPrefix(depth);
        depth--;
        const c = stackNode[depth];
        state = stackState[depth] as S;
        stateHash = stackHash[depth];
        stackState[depth] = undefined;
        const op = opOf[c];
        bits[op >>> 5] &= ~(1 << (op & 31));
        bitsHash ^= zobrist[op];
        const cr = match[c];
        next[prev[cr]] = cr;
        prev[next[cr]] = cr;
        next[prev[c]] = c;
        prev[next[c]] = c;
        cursor = stackPruned[depth] === 1 ? tail : next[c]; // see readOnly
      }
    }
    this.iterations += budget - Math.max(left, 0);
    this.cursor = cursor;
    this.state = state;
    this.stateHash = stateHash;
    this.bitsHash = bitsHash;
    this.depth = depth;
    if (this.status === 'running' && next[HEAD] === tail) {
      this.status = 'ok';
      if (this.longest) this.longest.fill(this.stackIds(depth));
    }
    if (this.status !== 'running') this.cache.release();
    return this.status;
  }

  /** Gives up (another partition was illegal, or a limit was reached). */
  cancel(): void {
    if (this.status !== 'running') return;
    this.status = 'cancelled';
    this.cache.release();
  }

  /** Memory the memo cache holds outside the JavaScript heap. */
  get externalBytes(): number {
    return this.cache.externalBytes;
  }

  /** On success: the operations (partition indices) in linearization order. */
  linearization(): number[] | undefined {
    return this.status === 'ok' ? Array.from(this.stackIds(this.depth)) : undefined;
  }

  /**
   * Verbose mode: the distinct longest linearizable prefixes seen, longest first. A linearizable
   * partition has exactly one: the whole linearization.
   */
  partials(): number[][] {
    if (!this.longest) return [];
    const distinct = new Set<Int32Array>();
    for (const p of this.longest) if (p) distinct.add(p);
    return [...distinct].map((p) => Array.from(p)).sort((a, b) => b.length - a.length);
  }

  get cacheEntries(): number {
    return this.cache.size;
  }

  /** Marks the open operations and links each to its earlier twin (`order`: entries in list order). */
  private markOpen(operations: readonly Operation<I, O>[], order: Int32Array, m: number): void {
    const lastWithInput = new Map<string, number>();
    for (let i = 0; i < order.length; i++) {
      const e = order[i];
      if (e >= m || operations[e].return !== Infinity || operations[e].output !== undefined)
        continue;
      this.open[e] = 1;
      let key: string | undefined;
      try {
        key = JSON.stringify(operations[e].input);
      } catch {
        key = undefined; // not plain data: no twin
      }
      if (key === undefined) continue;
      const before = lastWithInput.get(key);
      if (before !== undefined) this.twin[e] = before + 1;
      lastWithInput.set(key, e);
    }
  }

  /**
   * Linearizes the remaining (open) operations in list order after the stack; returns the new
   * depth. Their outputs are unknown, so every step must be legal: a model that refuses one breaks
   * its contract (Model.step).
   */
  private finish(state: S, depth: number): number {
    const { next, prev, match, opOf, tail } = this;
    for (let c = next[HEAD]; c !== tail; c = next[HEAD]) {
      const op = opOf[c];
      const after = this.model.step(state, this.inputs[op], undefined);
      if (after === undefined) {
        throw new Error(
          `model ${this.model.name}: step refused an operation whose output is unknown (${JSON.stringify(this.inputs[op])}); with no output, any step must be legal`,
        );
      }
      this.stackNode[depth++] = c;
      state = after;
      const r = match[c];
      next[prev[c]] = next[c];
      prev[next[c]] = prev[c];
      next[prev[r]] = next[r];
      prev[next[r]] = prev[r];
    }
    this.state = state;
    return depth;
  }

  private stackIds(depth: number): Int32Array {
    const ids = new Int32Array(depth);
    for (let i = 0; i < depth; i++) ids[i] = this.opOf[this.stackNode[i]];
    return ids;
  }

  // At a backtrack, the stack is a linearizable prefix: remember it for each member for which it is
  // the longest so far (one shared copy per backtrack).
  private recordPrefix(depth: number): void {
    const longest = this.longest!;
    let shared: Int32Array | undefined;
    for (let i = 0; i < depth; i++) {
      const id = this.opOf[this.stackNode[i]];
      const known = longest[id];
      if (known === undefined || known.length < depth)
        longest[id] = shared ??= this.stackIds(depth);
    }
  }
}
