// A clerk of one shard group (the course's shardgrp.Clerk): tries the group's servers in turn,
// from the one that last answered, until one answers for its majority (anything but a lost call or
// ErrWrongLeader). `retried` says whether an earlier attempt went unanswered or was refused: for a
// put, a later ErrVersion then cannot tell whether that attempt took effect.
import type { ClientEnd, Runtime } from '../../harness/api';
import { ROUND_WAIT_MS, type GrpErr, type MakeEnd } from './common';

export class GrpClerk {
  private readonly ends: ClientEnd[];
  private leader = 0;

  constructor(
    servers: readonly string[],
    makeEnd: MakeEnd,
    private readonly runtime: Runtime,
  ) {
    this.ends = servers.map((s) => makeEnd(s));
  }

  /**
   * Calls "ShardGrp.<method>" until a server answers. With `giveUpAfterRounds`, resolves null once
   * every server was tried that many times without an answer (the shardkv clerk then re-reads the
   * configuration); without it, keeps trying (the controller waits for a group that is down).
   */
  async call<Reply extends { err: GrpErr }>(
    method: string,
    args: unknown,
    giveUpAfterRounds = Infinity,
  ): Promise<{ reply: Reply; retried: boolean } | null> {
    let retried = false;
    for (let tried = 0; ; tried++) {
      if (tried > 0 && tried % this.ends.length === 0) {
        if (tried / this.ends.length >= giveUpAfterRounds) return null;
        await this.runtime.sleep(
          ROUND_WAIT_MS,
          `ShardGrp.${method}: no server answered, try again`,
        );
      }
      const reply = await this.ends[this.leader].call<Reply>(`ShardGrp.${method}`, args);
      if (reply && reply.err !== 'ErrWrongLeader') return { reply, retried };
      retried = true;
      this.leader = (this.leader + 1) % this.ends.length;
    }
  }
}

/**
 * One GrpClerk per group and server list, kept from call to call so that each remembers which
 * server answered last (the shardkv clerk and the controller both talk to many groups).
 */
export class GrpClerks {
  private readonly clerks = new Map<string, GrpClerk>();

  constructor(
    private readonly makeEnd: MakeEnd,
    private readonly runtime: Runtime,
  ) {}

  of(gid: number, servers: readonly string[]): GrpClerk {
    const id = `${gid}:${servers.join(',')}`;
    let ck = this.clerks.get(id);
    if (!ck) {
      ck = new GrpClerk(servers, this.makeEnd, this.runtime);
      this.clerks.set(id, ck);
    }
    return ck;
  }
}
