// What the controller's clients observed: every clerk call with its arguments, call and return
// stamps and, for queries, the configuration returned. The fixture wraps every clerk it makes, so
// the checks in shardctrler-check.ts see only observable results and work for any implementation.
import type { Clerk, Config, Groups } from '../../harness/contracts/shardctrler';
import { checkQueryResult } from './shardctrler-contract';

export type CtrlerInput =
  | { op: 'join'; servers: Groups }
  | { op: 'leave'; gids: number[] }
  | { op: 'move'; shard: number; gid: number }
  | { op: 'query'; num: number };

export type WriteInput = Exclude<CtrlerInput, { op: 'query' }>;

export interface CtrlerOperation {
  /** The clerk's number, in the order the fixture made them. */
  readonly client: number;
  readonly input: CtrlerInput;
  /** Virtual-time stamps, strictly increasing in the order the harness observed them. */
  readonly call: number;
  return: number | undefined;
  /** A query's answer (a copy), once it returned. */
  output: Config | undefined;
}

/** Quantum added to a stamp that would tie with the previous one: 1/1024 ms, exact in binary. */
const TICK = 1 / 1024;

export class CtrlerHistory {
  readonly operations: CtrlerOperation[] = [];
  /** Called whenever a call returns (the fixture counts operations). */
  onReturn: (() => void) | undefined;
  private last = -Infinity;

  constructor(private readonly now: () => number) {}

  private stamp(): number {
    this.last = Math.max(this.now(), this.last + TICK);
    return this.last;
  }

  /** `ck`, with every call recorded as made by client `client`. */
  recorded(ck: Clerk, client: number): Clerk {
    const run = async <T>(input: CtrlerInput, call: () => Promise<T>): Promise<T> => {
      const operation: CtrlerOperation = {
        client,
        input,
        call: this.stamp(),
        return: undefined,
        output: undefined,
      };
      this.operations.push(operation);
      const result = await call();
      if (input.op === 'query') {
        checkQueryResult(result, input.num);
        operation.output = structuredClone(result);
      }
      operation.return = this.stamp();
      this.onReturn?.();
      return result;
    };
    return {
      query: (num) => run({ op: 'query', num }, () => ck.query(num)),
      join: (servers) =>
        run({ op: 'join', servers: structuredClone(servers) }, () => ck.join(servers)),
      leave: (gids) => run({ op: 'leave', gids: [...gids] }, () => ck.leave(gids)),
      move: (shard, gid) => run({ op: 'move', shard, gid }, () => ck.move(shard, gid)),
    };
  }
}
