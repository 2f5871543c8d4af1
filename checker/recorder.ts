// The history a test's clerks write to: each operation's call and return in virtual time, and the
// client that made it. An operation that never returns (its client crashed or was abandoned) stays
// open: the checker lets it take effect at any time after its call, or not at all.
import type { Operation } from './model';

export interface PendingOperation<O> {
  /** Records the output, the virtual time of the return and who answered; ending twice is an error. */
  end(output: O, now: number, server?: string): void;
  readonly done: boolean;
}

/**
 * One recorded operation and its pending handle in one object (no closures): a key/value test
 * records tens of thousands, and each lives until the end of the run.
 */
class RecordedOperation<I, O> implements PendingOperation<O> {
  output: O | undefined = undefined;
  return = Infinity;
  server: string | undefined = undefined;
  done = false;

  constructor(
    readonly clientId: number,
    readonly input: I,
    readonly call: number,
  ) {}

  end(output: O, returnTime: number, server?: string): void {
    if (this.done)
      throw new Error(
        `operation ${JSON.stringify(this.input)} of client ${this.clientId} ended twice`,
      );
    if (!(returnTime >= this.call))
      throw new Error(`operation returns at ${returnTime}, before its call at ${this.call}`);
    this.done = true;
    this.output = output;
    this.return = returnTime;
    this.server = server;
  }

  /** As an Operation: a plain object, with `server` only when it is known. */
  copy(): Operation<I, O> {
    const op: Operation<I, O> = {
      clientId: this.clientId,
      input: this.input,
      call: this.call,
      output: this.output,
      return: this.return,
    };
    if (this.server !== undefined) op.server = this.server;
    return op;
  }
}

export class HistoryRecorder<I, O> {
  private readonly ops: RecordedOperation<I, O>[] = [];

  /** Records a call at virtual time `now`; call `end` on the result when it returns. */
  begin(clientId: number, input: I, now: number): PendingOperation<O> {
    if (!Number.isFinite(now)) throw new Error(`call time must be a finite number, not ${now}`);
    const op = new RecordedOperation<I, O>(clientId, input, now);
    this.ops.push(op);
    return op;
  }

  /** A copy of the history so far; open operations have return = Infinity and no output. */
  operations(): Operation<I, O>[] {
    return this.ops.map((op) => op.copy());
  }

  get size(): number {
    return this.ops.length;
  }

  /** Operations that have not returned (yet). */
  get pending(): number {
    return this.ops.filter((op) => op.return === Infinity).length;
  }
}
