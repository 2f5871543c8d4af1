// The event queue: a binary min-heap ordered by (virtual time, sequence number). The sequence
// number makes ties deterministic: events due at the same moment run in the order scheduled.

export interface QueuedEvent {
  readonly time: number;
  readonly seq: number;
  cancelled: boolean;
}

export class EventQueue<E extends QueuedEvent> {
  private readonly heap: E[] = [];

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
    const n = heap.length;
    if (n > 0) {
      // Sift `last` down from the root, moving the smaller child up into the hole.
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && before(heap[right], heap[left]) ? right : left;
        if (!before(heap[child], last)) break;
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }

  /** Drops cancelled events from the top so that peek() shows a live one. */
  skipCancelled(): void {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.pop();
  }

  clear(): void {
    this.heap.length = 0;
  }
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
