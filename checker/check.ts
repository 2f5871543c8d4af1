// Checking a whole history: split it into partitions, search them interleaved (round-robin slices
// in this one thread, as the Go checker runs them in parallel), stop at the first illegal one,
// and give up with "unknown" when the search budget (iterations) is spent, at the time limit, or
// when the memo caches fill their memory budget. Only the iteration budget gives the same verdict
// on every machine: the time and memory limits are guards.
import * as v8 from 'node:v8';
import { realNow } from '../engine/sim/guard';
import {
  eventsToOperations,
  type HistoryEvent,
  type Model,
  type Operation,
  type Partition,
} from './model';
import { PartitionSearch } from './search';

export type Verdict = 'ok' | 'illegal' | 'unknown';

/** Which limit stopped a check whose verdict is "unknown". */
export type StopReason = 'iteration limit' | 'time limit' | 'memory limit';

export interface CheckOptions {
  /** Real-time limit in milliseconds; 0 or absent: none. */
  timeoutMs?: number;
  /**
   * Search iterations (over all partitions) before giving up with "unknown"; absent: none. The
   * partitions take turns in a fixed order, so the verdict depends only on the history and this
   * budget, not on the machine's speed.
   */
  maxIterations?: number;
  /** false: check the history as a single partition even if the model can split it. */
  partition?: boolean;
  /**
   * Record each operation's longest linearizable prefix, for the HTML report. An illegal partition
   * then does not stop the others at once: they get a grace period (as long as the check had run,
   * at least 0.5 s) to finish, so the report can show them too.
   */
  verbose?: boolean;
  /**
   * Memory the check may take (growth of the JavaScript heap plus the memo caches' typed arrays),
   * checked between slices; default 2 GiB or half the heap limit if less. Reaching it gives "unknown".
   */
  memoryLimitBytes?: number;
}

export interface PartitionResult<I, O> {
  label: string;
  operations: Operation<I, O>[];
  verdict: Verdict;
  /** Why the verdict is unknown: the time limit, the memory limit, or another partition was illegal. */
  reason?: StopReason | 'cancelled';
  /** For a linearizable partition: operation indices in a valid order. */
  linearization?: number[];
  /** Verbose mode: distinct longest linearizable prefixes (operation indices), longest first. */
  partials: number[][];
  /** Search iterations spent (a machine-independent measure of effort). */
  iterations: number;
}

export interface CheckResult<S, I, O> {
  verdict: Verdict;
  /** For "unknown": which limit stopped the check. */
  reason?: StopReason;
  /** Real milliseconds spent checking. */
  elapsedMs: number;
  model: Model<S, I, O>;
  partitions: PartitionResult<I, O>[];
  verbose: boolean;
  options: CheckOptions;
}

/** Iterations a partition runs before the next one gets its turn (about a millisecond). */
const SLICE = 8192;
const DEFAULT_MEMORY_LIMIT = Math.min(2 ** 31, v8.getHeapStatistics().heap_size_limit / 2);
const MIN_VERBOSE_GRACE_MS = 500;

export function checkOperations<S, I, O>(
  model: Model<S, I, O>,
  operations: readonly Operation<I, O>[],
  options: CheckOptions = {},
): CheckResult<S, I, O> {
  const started = realNow();
  const heapAtStart = heapUsed();
  const partitions: Partition<I, O>[] =
    options.partition === false || !model.partition
      ? [{ label: '', operations: [...operations] }]
      : model.partition(operations);
  const verbose = options.verbose ?? false;
  const memoryLimit = options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT;
  const searches = partitions.map(
    (p) => new PartitionSearch(p.model ?? model, p.operations, verbose),
  );
  const deadline = options.timeoutMs ? started + options.timeoutMs : Infinity;
  let stopAt = deadline;
  let illegal = false;
  let stopped: StopReason | undefined;
  let budget = options.maxIterations ?? Infinity;
  let active = searches.filter((s) => s.status === 'running');
  while (active.length > 0) {
    for (const search of active) {
      const before = search.iterations;
      const status = search.run(Math.min(SLICE, budget));
      budget -= search.iterations - before;
      if (status === 'illegal' && !illegal) {
        illegal = true;
        if (!verbose) break;
        const now = realNow();
        stopAt = Math.min(deadline, now + Math.max(now - started, MIN_VERBOSE_GRACE_MS));
      }
    }
    active = active.filter((s) => s.status === 'running');
    if (active.length === 0 || (illegal && !verbose)) break;
    if (budget <= 0) stopped = 'iteration limit';
    else if (realNow() >= stopAt) stopped = 'time limit';
    else if (outOfMemory(heapAtStart, memoryLimit, active)) stopped = 'memory limit';
    if (stopped) break;
  }
  for (const search of active) search.cancel();
  const reason = illegal ? 'cancelled' : stopped;
  const results = partitions.map((p, i) => partitionResult(p, searches[i], reason));
  const verdict: Verdict = illegal ? 'illegal' : stopped ? 'unknown' : 'ok';
  return {
    verdict,
    ...(verdict === 'unknown' ? { reason: stopped } : {}),
    elapsedMs: realNow() - started,
    model,
    partitions: results,
    verbose,
    options,
  };
}

function heapUsed(): number {
  return v8.getHeapStatistics().used_heap_size;
}

// Heap growth since the start can undercount when the heap held garbage then, so the heap's own
// limit is guarded as well: exceeding it would crash the process instead of answering "unknown".
function outOfMemory<S, I, O>(
  heapAtStart: number,
  limit: number,
  active: PartitionSearch<S, I, O>[],
): boolean {
  const { used_heap_size: used, heap_size_limit: heapLimit } = v8.getHeapStatistics();
  const external = active.reduce((sum, s) => sum + s.externalBytes, 0);
  return used - heapAtStart + external > limit || used > 0.8 * heapLimit;
}

/** The same check for a history given as call/return events (times are list positions). */
export function checkEvents<S, I, O>(
  model: Model<S, I, O>,
  events: readonly HistoryEvent<I, O>[],
  options: CheckOptions = {},
): CheckResult<S, I, O> {
  return checkOperations(model, eventsToOperations(events), options);
}

function partitionResult<S, I, O>(
  partition: Partition<I, O>,
  search: PartitionSearch<S, I, O>,
  reason: PartitionResult<I, O>['reason'],
): PartitionResult<I, O> {
  const common = {
    label: partition.label,
    operations: partition.operations,
    partials: search.partials(),
    iterations: search.iterations,
  };
  switch (search.status) {
    case 'ok':
      return { ...common, verdict: 'ok', linearization: search.linearization()! };
    case 'illegal':
      return { ...common, verdict: 'illegal' };
    case 'cancelled':
    case 'running':
      return { ...common, verdict: 'unknown', ...(reason ? { reason } : {}) };
  }
}
