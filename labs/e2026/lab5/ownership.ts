// Our oracle for lab 5 (issue 26: "a shard served by two groups in one configuration"): it watches
// the groups' handlers, never their state. Each shard has a holder: Gid1 at first, then the group
// whose InstallShard for a configuration number above the holder's last returned OK. A holder that
// returned OK to a FreezeShard for a number above that stops holding until an install. A Get or
// Put that reaches a group which, at that moment, does not hold the shard (or holds it frozen) must
// not be served: any answer but ErrWrongGroup or ErrWrongLeader fails the run. The request's
// arrival is what counts, as a request that arrives later is ordered after the freeze or install
// in the group's log.
import type { Handler } from '../../../harness/api';
import { TestFailure, type TestContext } from '../../../harness/scenario';
import { GID1, key2shard, NSHARDS } from './shardcfg';

interface Holding {
  gid: number;
  num: number;
  frozen: boolean;
}

const NOT_SERVED = new Set(['ErrWrongGroup', 'ErrWrongLeader']);

export class OwnershipOracle {
  private readonly holding: Holding[] = Array.from({ length: NSHARDS }, () => ({
    gid: GID1,
    num: 0,
    frozen: false,
  }));

  /** Sees every FreezeShard a group answered OK (our test cuts the controller off right there). */
  onFreeze: ((gid: number, shard: number, num: number) => void) | undefined;

  constructor(private readonly t: TestContext) {}

  private serving(gid: number, shard: number): boolean {
    const h = this.holding[shard];
    return h.gid === gid && !h.frozen;
  }

  /** The group's handlers, watched. */
  wrap(gid: number, server: string, handlers: Readonly<Record<string, Handler>>) {
    const wrapped: Record<string, Handler> = { ...handlers };
    for (const method of ['Get', 'Put'] as const) {
      const h = handlers[method];
      if (!h) continue;
      wrapped[method] = async (args: unknown) => {
        const key = (args as { key: string }).key;
        const shard = key2shard(key);
        const allowed = this.serving(gid, shard);
        const before = { ...this.holding[shard] };
        const reply = (await h(args)) as { err?: string } | null;
        if (!allowed && reply && typeof reply.err === 'string' && !NOT_SERVED.has(reply.err))
          this.violation(
            `${server} (group ${gid}) answered ${method}(${JSON.stringify(key)}) with ${reply.err} for shard ${shard}, ` +
              `which it did not serve when the request arrived (${before.frozen ? 'frozen by' : 'held by'} group ${before.gid} since configuration ${before.num})`,
          );
        return reply;
      };
    }
    const watch = (method: string, seen: (shard: number, num: number) => void) => {
      const h = handlers[method];
      if (!h) return;
      wrapped[method] = async (args: unknown) => {
        const reply = (await h(args)) as { err?: string } | null;
        const a = args as { shard: number; num: number };
        if (reply?.err === 'OK') seen(a.shard, a.num);
        return reply;
      };
    };
    watch('FreezeShard', (shard, num) => {
      this.onFreeze?.(gid, shard, num);
      const h = this.holding[shard];
      if (h && h.gid === gid && num > h.num) h.frozen = true;
    });
    watch('InstallShard', (shard, num) => {
      const h = this.holding[shard];
      if (h && num > h.num) this.holding[shard] = { gid, num, frozen: false };
    });
    return wrapped;
  }

  private violation(message: string): void {
    this.t.sim.fail(new TestFailure('shard-owner', message));
  }
}
