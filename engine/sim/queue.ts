// The event queue: a binary min-heap ordered by (virtual time, sequence number). The sequence
// number makes ties deterministic: events due at the same moment run in the order scheduled.
// Cancelled events stay in the heap until they reach the top, unless they pile up: most events of
// a key/value run are cancelled (reset election timers, the network's dead-server polls: ~95% of
// a heap of ~600), so when cancellations since the last sweep outnumber half the heap, the heap is
// rebuilt from its live events. (time, seq) is a total order: the pops are the same either way.

export interface QueuedEvent {
  readonly time: number;
  readonly seq: number;
  cancelled: boolean;
}

/** Cancellations below this never trigger a sweep (a small heap is cheap to pop through). */
const SWEEP_MIN = 64;

export class EventQueue<E extends QueuedEvent> {
  private heap: E[] = [];
  /** Events cancelled through cancel() since the last sweep (some may have been popped since). */
  private cancellations = 0;

  get size(): number {
    return this.heap.length;
  }

  push(event: E): void {
    // Sift up by moving parents down into the hole, then place the event once (no swaps: a
    // destructuring swap allocated an array per step in the hottest loop of a run).
    const heap = this.heap;
    let i = heap.length;
    heap.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(event, heap[parent])) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = event;
  }

  /** The queued events, in no particular order. */
  items(): readonly E[] {
    return this.heap;
  }

  peek(): E | undefined {
    return this.heap[0];
  }

  pop(): E | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0];
    const last = heap.pop() as E;
    if (heap.length > 0) this.siftDown(0, last);
    return top;
  }

  /** Marks a queued event cancelled; it is dropped when it reaches the top or at the next sweep. */
  cancel(event: E): void {
    event.cancelled = true;
    if (++this.cancellations >= SWEEP_MIN && 2 * this.cancellations > this.heap.length)
      this.sweep();
  }

  /** Rebuilds the heap from its live events (bottom-up, linear time). */
  private sweep(): void {
    this.heap = this.heap.filter((e) => !e.cancelled);
    this.cancellations = 0;
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.siftDown(i, this.heap[i]);
  }

  /** Places `event` at `i` or below, moving the smaller child up into the hole at each level. */
  private siftDown(i: number, event: E): void {
    const heap = this.heap;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right], heap[left]) ? right : left;
      if (!before(heap[child], event)) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = event;
  }

  /** Drops cancelled events from the top so that peek() shows a live one. */
  skipCancelled(): void {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.pop();
  }

  clear(): void {
    this.heap.length = 0;
    this.cancellations = 0;
  }
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
