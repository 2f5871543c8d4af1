// Messages from the past: an adversary on the network that holds back chosen requests and replies
// and lets them go when a test decides (Network.holdBack). labrpc reorders only at random; a test
// of ours holds, say, a vote until its candidate has started its next election, or an
// InstallSnapshot until the follower has moved past it, and then delivers it.
//
// A held request has not reached its handler; released, it goes to the server registered under its
// name at that moment (a new incarnation if the old one crashed). A held reply has left its server
// (the handler ran); released, it reaches its caller unless the caller has crashed (a dead
// incarnation's code never runs again in the simulator, so it can see nothing). Either way the
// release takes one latency draw, as any delivered message does, and nothing else: a run that never
// holds anything draws, schedules and records exactly what it did before holds existed. A held
// message can also be dropped instead: its caller's call fails, as for a message labrpc loses (a
// test of ours loses the one reply that tells a clerk its write was applied).
import type { Call } from './call';

/** A request on its way to its handler, or a reply on its way back to its caller. */
export interface Message {
  readonly kind: 'request' | 'reply';
  /** "Service.Method", e.g. "Raft.RequestVote". */
  readonly method: string;
  /** The caller's node name ("0" for Raft server 0, a clerk's name, "tester"). */
  readonly from: string;
  /** The server's name, as the end was connected to it. */
  readonly to: string;
  /** A copy of the request (the receiver gets its own). */
  readonly args: unknown;
  /** A copy of the reply; undefined for a request. */
  readonly reply: unknown;
}

export interface HeldMessage extends Message {
  /** When it was held, in virtual ms. */
  readonly heldAtMs: number;
}

/** What to hold: called on every request as it would reach its handler, every reply as it leaves. */
export type HoldFilter = (message: Message) => boolean;

interface Entry {
  readonly message: HeldMessage;
  readonly call: Call;
}

/** One adversary: what its filter held and has not released yet. */
export class Hold {
  private readonly entries: Entry[] = [];
  private stopped = false;

  constructor(
    readonly filter: HoldFilter,
    private readonly releaseCall: (call: Call, kind: Message['kind']) => void,
    private readonly dropCall: (call: Call, kind: Message['kind']) => void,
    private readonly unlist: (hold: Hold) => void,
  ) {}

  /** Messages held and not released, oldest first. */
  held(): readonly HeldMessage[] {
    return this.entries.map((e) => e.message);
  }

  /** Lets go of the held messages `which` accepts (all by default), oldest first; returns how many. */
  release(which: (message: HeldMessage) => boolean = () => true): number {
    return this.takeOut(which, this.releaseCall);
  }

  /** Loses the held messages `which` accepts (all by default): their calls fail; returns how many. */
  drop(which: (message: HeldMessage) => boolean = () => true): number {
    return this.takeOut(which, this.dropCall);
  }

  private takeOut(
    which: (message: HeldMessage) => boolean,
    then: (call: Call, kind: Message['kind']) => void,
  ): number {
    let taken = 0;
    for (let i = 0; i < this.entries.length;) {
      const entry = this.entries[i];
      if (!which(entry.message)) {
        i++;
        continue;
      }
      this.entries.splice(i, 1);
      then(entry.call, entry.message.kind);
      taken++;
    }
    return taken;
  }

  /** Holds nothing more; what it holds stays until released. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.unlist(this);
  }

  /** The network's offer of a message: true if this hold keeps it. */
  take(message: Message, call: Call, nowMs: number): boolean {
    if (this.stopped || !this.filter(message)) return false;
    this.entries.push({ message: { ...message, heldAtMs: nowMs }, call });
    return true;
  }
}
