// The key/value service's wire types and the operations it replicates through Raft.
import type { RequestId } from './pending';

export const OK = 'OK';
export const ErrNoKey = 'ErrNoKey';
export const ErrWrongLeader = 'ErrWrongLeader';
export type Err = typeof OK | typeof ErrNoKey | typeof ErrWrongLeader;

/** Every request carries the clerk's id and a per-clerk sequence number, for duplicate detection. */
export type { RequestId };

export interface GetArgs extends RequestId {
  key: string;
}

export interface GetReply {
  err: Err;
  value: string;
}

/** All writes go through PutAppend; "Delete" is ours (the course has only Put and Append). */
export type WriteKind = 'Put' | 'Append' | 'Delete';

export interface PutAppendArgs extends RequestId {
  key: string;
  value: string;
  op: WriteKind;
}

export interface PutAppendReply {
  err: Err;
}

/** A command in the Raft log. Reads go through the log too, which is what makes them linearizable. */
export interface Op extends RequestId {
  kind: 'Get' | WriteKind;
  key: string;
  value: string;
}

/** What applying an op produced, handed back to the handler that submitted it. */
export interface OpResult {
  err: Err;
  value: string;
}

/** An op as it travels in the log: a tuple, about half the bytes of the object (smaller logs,
 * fewer snapshots). */
export type OpCommand = [kind: number, key: string, value: string, clientId: number, seq: number];

const KINDS: readonly Op['kind'][] = Object.freeze(['Get', 'Put', 'Append', 'Delete'] as const);

export function toCommand(op: Op): OpCommand {
  return [KINDS.indexOf(op.kind), op.key, op.value, op.clientId, op.seq];
}

export function fromCommand(command: unknown): Op {
  const c = command as OpCommand;
  const kind = Array.isArray(c) && c.length === 5 ? KINDS[c[0]] : undefined;
  if (kind === undefined)
    throw new Error(
      `the log holds a command that is not a key/value op: ${JSON.stringify(command)}`,
    );
  return { kind, key: c[1], value: c[2], clientId: c[3], seq: c[4] };
}
