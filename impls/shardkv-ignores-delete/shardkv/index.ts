// Buggy variant: a group answers a Delete OK without applying it, so a deleted key keeps its value
// (delete is ours; the course has only Put and Append, and no course test deletes). Caught only by
// our TestDeleteMoves4B (labs/ours/shardkv-delete.ts).
import type { Op } from '../../../src/kvraft';
import { GroupState, makeShardKVWith, ShardKVImpl, type MakeShardKV } from '../../../src/shardkv';
import { ErrWrongGroup, OK } from '../../../src/shardkv/common';
import type { OpResult } from '../../../src/shardkv/state';

export { makeClerk } from '../../../src/shardkv';

class IgnoresDelete extends GroupState {
  override applyOp(op: Op): OpResult {
    if (op.kind !== 'Delete') return super.applyOp(op);
    // Refuse it as the reference would if the shard is not served here; otherwise change nothing.
    const served = super.applyOp({ ...op, kind: 'Get' });
    return served.err === ErrWrongGroup ? served : { err: OK, value: '' };
  }
}

class Server extends ShardKVImpl {
  protected override makeState(gid: number): GroupState {
    return new IgnoresDelete(gid);
  }
}

// A function, not makeShardKVWith(Server) called when the module loads: no module-level state (grader/module-state.ts).
export const makeShardKV: MakeShardKV = (...args) => makeShardKVWith(Server)(...args);
