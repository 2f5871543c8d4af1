// The shapes the checker works on: a model (a sequential specification) and a history of
// operations, given either as whole operations or as a stream of call/return events.

/**
 * A sequential specification. `step` must be pure: it never mutates `state`. States must not be
 * `undefined` (that value means "illegal").
 */
export interface Model<S, I, O> {
  /** Shown in reports and CLI output, e.g. "kv". */
  readonly name: string;
  init(): S;
  /**
   * The state after `input` produced `output` in `state`, or `undefined` if that output is
   * impossible there. `output` is `undefined` for an operation that never returned: any output is
   * acceptable, and the operation's effect (if any) happens, so such a step is never illegal (the
   * search relies on it, and on two such operations with inputs of the same JSON being alike).
   */
  step(state: S, input: I, output: O | undefined): S | undefined;
  /**
   * Optional: true if this operation, with this output, never changes the state, whatever the
   * state (a get, a read, a cas that failed). The search then tries no alternative to it, which
   * cuts most of the work on read-heavy histories. Must be exact: an operation that may change
   * the state (an unknown-outcome cas, a write of the value already there) is not read-only.
   */
  readOnly?(input: I, output: O | undefined): boolean;
  /**
   * Optional: true if this operation, with this output, leaves `state` as it is and would leave
   * as it is every state reachable from `state` (a versioned put at a version the key has passed,
   * since versions only grow). The search then treats it as read-only from here: it linearizes it
   * at once and tries no alternative. Must be exact in the same way as `readOnly`.
   */
  inert?(state: S, input: I, output: O | undefined): boolean;
  /** State equality for the memo cache; default `Object.is`. */
  equal?(a: S, b: S): boolean;
  /** Optional 32-bit hash, equal for equal states; it spares most `equal` calls. */
  hash?(state: S): number;
  /** Splits a history into independent parts: the whole is linearizable iff every part is. */
  partition?(operations: readonly Operation<I, O>[]): Partition<I, O>[];
  describeOperation?(input: I, output: O | undefined): string;
  describeState?(state: S): string;
}

/** One client operation. Times are any monotone numbers (virtual ms in the suites). */
export interface Operation<I, O> {
  /** The row it is drawn in; zero-based. */
  clientId: number;
  input: I;
  call: number;
  /** `undefined`: the operation never returned (a crashed client); `return` is then Infinity. */
  output: O | undefined;
  return: number;
  /** The server that answered it, when the recorder knows (shown in the HTML report). */
  server?: string;
}

/** A history as a list of events; the position in the list is the only notion of time. */
export interface HistoryEvent<I, O> {
  clientId: number;
  kind: 'call' | 'return';
  /** Pairs a return with its call; unique per operation. */
  id: number | string;
  /** The input for a call, the output for a return. */
  value: I | O;
}

export interface Partition<I, O> {
  /** What the operations share, e.g. `key "3"`; empty for an unpartitioned history. */
  label: string;
  operations: Operation<I, O>[];
  /**
   * Optional: a model the search uses for this partition instead of the history's, because it is
   * cheaper on what the partition holds (kv: a single key). It must give the same verdicts as the
   * history's model on these operations; reports replay states with the history's model. Its
   * state type is its own, hence `any`.
   */
  model?: Model<any, I, O>;
}

/** Groups operations by `keyOf`, in byte-wise key order, keeping their order inside a group. */
export function partitionBy<I, O>(
  operations: readonly Operation<I, O>[],
  keyOf: (input: I) => string,
  label: (key: string) => string,
): Partition<I, O>[] {
  const groups = new Map<string, Operation<I, O>[]>();
  for (const op of operations) {
    const key = keyOf(op.input);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(op);
  }
  return [...groups.keys()]
    .sort(compareBytewise)
    .map((key) => ({ label: label(key), operations: groups.get(key)! }));
}

function compareBytewise(a: string, b: string): number {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return Buffer.compare(x, y);
}

/**
 * Pairs events into operations: times are list positions, and a call without a return stays
 * open (return = Infinity). Throws on a return without a call, a duplicate id or a second return.
 */
export function eventsToOperations<I, O>(events: readonly HistoryEvent<I, O>[]): Operation<I, O>[] {
  const open = new Map<number | string, Operation<I, O>>();
  const seen = new Set<number | string>();
  const operations: Operation<I, O>[] = [];
  events.forEach((event, position) => {
    if (event.kind === 'call') {
      if (seen.has(event.id))
        throw new Error(`event ${position}: id ${String(event.id)} is called twice`);
      seen.add(event.id);
      const op: Operation<I, O> = {
        clientId: event.clientId,
        input: event.value as I,
        call: position,
        output: undefined,
        return: Infinity,
      };
      open.set(event.id, op);
      operations.push(op);
    } else {
      const op = open.get(event.id);
      if (!op)
        throw new Error(
          `event ${position}: return for id ${String(event.id)} without an open call`,
        );
      open.delete(event.id);
      op.output = event.value as O;
      op.return = position;
    }
  });
  return operations;
}

export function describeOperation<S, I, O>(
  model: Model<S, I, O>,
  input: I,
  output: O | undefined,
): string {
  if (model.describeOperation) return model.describeOperation(input, output);
  return `${JSON.stringify(input)} -> ${output === undefined ? '?' : JSON.stringify(output)}`;
}

export function describeState<S, I, O>(model: Model<S, I, O>, state: S): string {
  return model.describeState ? model.describeState(state) : JSON.stringify(state);
}
