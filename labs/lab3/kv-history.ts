// Recorded clerk operations (the course's Get/Put/Append wrappers), the checks on their results
// (check, the per-client append-order checks) and the history they leave for the
// linearizability checker.
import type { Clerk } from '../../harness/contracts/kvraft';
import type { KvInput, KvOutput } from '../../checker/models/kv';
import type { Operation } from '../../checker/model';
import { HistoryRecorder, type PendingOperation } from '../../checker/recorder';
import { fail, type TestContext } from '../../harness/scenario';
import { describeReturned } from '../returned';
import type { FaultLog } from './faults';

export type KvOperation = Operation<KvInput, KvOutput>;

/** Quantum added to a stamp that would tie with the previous one: 1/1024 ms, exact in binary. */
const TICK = 1 / 1024;

/**
 * The operations of one test, written as clerks call and return, stamped in virtual milliseconds.
 * Stamps are strictly increasing in the order the harness observes calls and returns: operations
 * that complete in zero virtual time (a reliable network has no delay) still keep their real
 * order, so ties do not weaken the check. That order is the simulation's own execution order, a
 * valid real-time order.
 */
export class History {
  private readonly recorder = new HistoryRecorder<KvInput, KvOutput>();
  private last = -Infinity;

  /** `faults`: the cluster's, drawn on the report's timeline. */
  constructor(
    private readonly now: () => number,
    readonly faults?: FaultLog,
  ) {}

  stamp(): number {
    const t = Math.max(this.now(), this.last + TICK);
    this.last = t;
    return t;
  }

  begin(clientId: number, input: KvInput): PendingOperation<KvOutput> {
    return this.recorder.begin(clientId, input, this.stamp());
  }

  operations(): KvOperation[] {
    return this.recorder.operations();
  }

  get size(): number {
    return this.recorder.size;
  }
}

/** What the wrappers need of a fixture (the key/value and the sharded clusters). */
export interface OpCounter {
  readonly t: TestContext;
  /** The ops figure of the closing line: every wrapped call counts one. */
  ops: number;
  /** Faults to draw on the report's timeline. */
  readonly faults?: FaultLog;
  /** The server that answered the clerk's last request, shown in the report. */
  answeredBy?(ck: Clerk): string | undefined;
}

/** The recorded wrappers. Every call counts one operation toward the test's ops figure. */
export class KVOps {
  readonly history: History;

  constructor(private readonly cfg: OpCounter) {
    this.history = new History(() => cfg.t.sim.now(), cfg.faults);
  }

  /**
   * Calls the clerk's method for `input` and records the call and its return. A reaction on the
   * clerk's promise, not an async function around it: tens of thousands per run, and an async
   * function's frame and await cost ~500 bytes each. The caller resumes after the same promise
   * jobs either way (one for the reaction, one for its await), which the traces rely on: a
   * clerk method that throws at once gives a rejected promise, as an async function would.
   */
  private record(
    ck: Clerk,
    input: KvInput,
    cli: number,
    log: History | undefined,
  ): Promise<string | void> {
    let pending: PendingOperation<KvOutput> | undefined;
    let call: Promise<string | void>;
    try {
      pending = log?.begin(cli, input);
      call = Promise.resolve(invoke(ck, input));
    } catch (e) {
      return Promise.reject(e as Error);
    }
    return call.then((result) => {
      if (input.op === 'get') checkGetResult(input.key, result);
      this.cfg.ops++;
      if (pending && log)
        pending.end(
          input.op === 'get' ? { value: result as string } : {},
          log.stamp(),
          this.cfg.answeredBy?.(ck),
        );
      return result;
    });
  }

  get(ck: Clerk, key: string, log?: History, cli = 0): Promise<string> {
    return this.record(ck, { op: 'get', key }, cli, log) as Promise<string>;
  }

  put(ck: Clerk, key: string, value: string, log?: History, cli = 0): Promise<void> {
    return this.record(ck, { op: 'put', key, value }, cli, log) as Promise<void>;
  }

  append(ck: Clerk, key: string, value: string, log?: History, cli = 0): Promise<void> {
    return this.record(ck, { op: 'append', key, value }, cli, log) as Promise<void>;
  }

  delete(ck: Clerk, key: string, log?: History, cli = 0): Promise<void> {
    return this.record(ck, { op: 'delete', key }, cli, log) as Promise<void>;
  }

  /** Gets `key` (counted, not recorded) and fails unless it reads `expected`. */
  async check(ck: Clerk, key: string, expected: string): Promise<void> {
    const v = await this.get(ck, key);
    if (v !== expected)
      fail(
        'wrong-value',
        `get(${JSON.stringify(key)}): expected:\n${abbreviate(expected)}\nreceived:\n${abbreviate(v)}`,
      );
  }
}

/**
 * Fails the run under `contract` unless `value`, what get(key) returned, is a string: a clerk that
 * returns its RPC's reply, or nothing, is told so with what it returned.
 */
export function checkGetResult(key: string, value: unknown): asserts value is string {
  if (typeof value === 'string') return;
  fail(
    'contract',
    `get(${JSON.stringify(key)}) returned ${describeReturned(value)}: a string was expected ("" for a missing key)`,
  );
}

/** The clerk call an operation's input stands for. */
function invoke(ck: Clerk, input: KvInput): Promise<string | void> {
  switch (input.op) {
    case 'get':
      return ck.get(input.key);
    case 'put':
      return ck.put(input.key, input.value ?? '');
    case 'append':
      return ck.append(input.key, input.value ?? '');
    case 'delete':
      return ck.delete(input.key);
  }
}

/** The element client `c` appends as its k-th. */
export function appendElement(c: number, k: number): string {
  return `x ${c} ${k} y`;
}

/**
 * Client c's `count` elements each occur exactly once in v, in order. One pass over v's
 * occurrences of the client's prefix `x c ` (an element holds no other x, so occurrences never
 * overlap), not a search of v per element: values grow to kilobytes and clients append hundreds.
 * Failures are reported for the first bad element, as a search per element would find them.
 */
export function checkClntAppends(c: number, v: string, count: number): void {
  const prefix = `x ${c} `;
  const first = new Int32Array(count).fill(-1);
  const repeated = new Uint8Array(count);
  for (let p = v.indexOf(prefix); p >= 0; p = v.indexOf(prefix, p + prefix.length)) {
    const k = elementIndexAt(v, p + prefix.length, count);
    if (k < 0) continue;
    if (first[k] < 0) first[k] = p;
    else repeated[k] = 1;
  }
  let last = -1;
  for (let k = 0; k < count; k++) {
    if (first[k] < 0)
      fail(
        'wrong-value',
        `${c} missing element ${appendElement(c, k)} in Append result ${abbreviate(v)}`,
      );
    if (repeated[k] === 1)
      fail(
        'wrong-value',
        `duplicate element ${appendElement(c, k)} in Append result ${abbreviate(v)}`,
      );
    if (first[k] <= last)
      fail(
        'wrong-value',
        `wrong order for element ${appendElement(c, k)} in Append result ${abbreviate(v)}`,
      );
    last = first[k];
  }
}

/**
 * The k < count that v spells from `at` as `k y` (k in decimal as String(k) writes it), or -1:
 * then no element of the client starts at the prefix just before `at`.
 */
function elementIndexAt(v: string, at: number, count: number): number {
  let end = at;
  let k = 0;
  while (end < v.length && end - at < 10) {
    const d = v.charCodeAt(end) - 48;
    if (d < 0 || d > 9) break;
    k = k * 10 + d;
    end++;
  }
  if (end === at || (end - at > 1 && v.charCodeAt(at) === 48)) return -1; // no digits, or a leading zero
  if (k >= count || v.charCodeAt(end) !== 32 || v.charCodeAt(end + 1) !== 121) return -1; // " y"
  return k;
}

/**
 * What a client's own key must read when only that client writes it: its appends, in order. Kept
 * as the value the last get returned followed by the appends since, and compared in those two
 * parts: a value grown by += would be copied whole by every comparison (kilobytes, per get).
 */
export class OwnValue {
  private confirmed = '';
  private since = '';

  append(element: string): void {
    this.since += element;
  }

  /** Fails unless `v`, what a get of `key` returned, is the expected value. */
  check(key: string, v: string): void {
    const { confirmed, since } = this;
    // Slices compared with === (one memory comparison in V8), not startsWith (a character loop, 30x slower on kilobytes).
    if (
      typeof v !== 'string' ||
      v.length !== confirmed.length + since.length ||
      v.slice(0, confirmed.length) !== confirmed ||
      !v.endsWith(since)
    ) {
      fail(
        'wrong-value',
        `get wrong value, key ${key}, wanted:\n${JSON.stringify(confirmed + since)}\n, got\n${JSON.stringify(v)}\n`,
      );
    }
    this.confirmed = v;
    this.since = '';
  }
}

export function checkConcurrentAppends(v: string, counts: readonly number[]): void {
  counts.forEach((count, c) => checkClntAppends(c, v, count));
}

/** Long values (the speed test's are ~9 kB) are cut in failure messages. */
export function abbreviate(v: string, max = 400): string {
  return v.length <= max
    ? JSON.stringify(v)
    : `${JSON.stringify(v.slice(0, max / 2))} ... ${JSON.stringify(v.slice(-max / 2))} (${v.length} chars)`;
}
