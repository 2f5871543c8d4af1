// The history a test's clerks write to: each operation's call and return in virtual time, and the
// client that made it. An operation that never returns (its client crashed or was abandoned) stays
// open: the checker lets it take effect at any time after its call, or not at all.
import type { Operation } from './model';

export interface PendingOperation<O> {
  /** Records the output, the virtual time of the return and who answered; ending twice is an error. */
  end(output: O, now: number, server?: string): void;
  readonly done: boolean;
}

export class HistoryRecorder<I, O> {
  private readonly ops: Operation<I, O>[] = [];

  /** Records a call at virtual time `now`; call `end` on the result when it returns. */
  begin(clientId: number, input: I, now: number): PendingOperation<O> {
    if (!Number.isFinite(now)) throw new Error(`call time must be a finite number, not ${now}`);
    const op: Operation<I, O> = { clientId, input, call: now, output: undefined, return: Infinity };
    this.ops.push(op);
    let done = false;
    return {
      end(output: O, returnTime: number, server?: string) {
        if (done) throw new Error(`operation ${JSON.stringify(input)} of client ${clientId} ended twice`);
        if (!(returnTime >= op.call)) throw new Error(`operation returns at ${returnTime}, before its call at ${op.call}`);
        done = true;
        op.output = output;
        op.return = returnTime;
        if (server !== undefined) op.server = server;
      },
      get done() {
        return done;
      },
    };
  }

  /** A copy of the history so far; open operations have return = Infinity and no output. */
  operations(): Operation<I, O>[] {
    return this.ops.map((op) => ({ ...op }));
  }

  get size(): number {
    return this.ops.length;
  }

  /** Operations that have not returned (yet). */
  get pending(): number {
    return this.ops.filter((op) => op.return === Infinity).length;
  }
}
