// One RPC in flight, from NetEnd.call to its outcome, as one object: its state, the steps the
// simulator runs (deliver, pollDead, arrive, fail: scheduled as methods of the call, no closure
// per step), and its entries in blocked lists. The network keeps its calls in flight in a list
// linked through the calls themselves (InFlight), in the order they were sent; blocked lists read
// it, so a call costs no Set entries, no wait objects and no removal closures.
import type { Parcel } from '../codec';
import type { EventHandle, Wait } from '../sim/simulator';
import type { EndState, NetEnd, Network, Server } from './network';

/** While a handler runs, its call checks every this many ms that its server and end are still there. */
export const DEAD_POLL_MS = 100;

export class Call implements Wait {
  /** The call's number, set when the network takes it. */
  id = 0;
  /** `#<id> <method>`, how every trace line of the call starts (built once per call). */
  label = '';
  state!: EndState;
  serverName: string | undefined;
  server: Server | undefined;
  reliable = true;
  longReordering = false;
  /** Why the call failed, or why its reply came late ('reordered'). */
  why = '';
  resolve: ((reply: unknown) => void) | undefined;
  /** The request, until the handler has it. */
  args: Parcel | undefined;
  /** The handler is running: listed as such in blocked lists (since `since`, delivered `delivered`-th). */
  handlerRunning = false;
  since = 0;
  delivered = 0;
  /** A copy of the request, kept for the holds while any is active (Network.holdBack). */
  argsCopy: unknown;
  /** Released by a hold: not offered to the holds again. */
  released = false;
  /** Neighbours in the network's list of calls in flight. */
  prev: Call | undefined;
  next: Call | undefined;
  /** The handler has replied, or the call was abandoned while it ran. */
  private finished = false;
  private poll: EventHandle | undefined;
  private reply: Parcel | undefined;

  constructor(
    readonly net: Network,
    readonly end: NetEnd,
    readonly method: string,
    args: Parcel,
  ) {
    this.args = args;
  }

  /** The caller, for blocked lists. */
  get node(): string {
    return this.end.ownerName;
  }

  get key(): string {
    return `rpc ${this.method} ${this.serverName}`;
  }

  describe(): string {
    return `RPC #${this.id} ${this.method} to ${this.serverName ?? '?'} awaiting its outcome`;
  }

  /** Event: the request reaches the server (or is lost on the way); the handler starts. */
  deliver(): void {
    const net = this.net;
    const sim = net.sim;
    const serverName = this.serverName!;
    if (net.holding && !this.released) {
      this.argsCopy = sim.codec.decode(this.args!.bytes());
      if (net.heldBack(this, 'request', this.argsCopy, undefined)) return;
    }
    if (net.lost(this.reliable)) {
      this.settle(null, 'request lost');
      return;
    }
    sim.record('deliver', serverName, this.label, undefined, this.args);
    // Listed in blocked reports until the handler replies or the call is abandoned: a handler
    // that never replies is named as such, on its server.
    this.handlerRunning = true;
    this.since = sim.now();
    this.delivered = net.inFlight.deliveries++;
    this.poll = sim.scheduleMethod(DEAD_POLL_MS, Call.prototype.pollDead, this, true);
    sim.runAs(serverName, Call.prototype.dispatch, this).then(
      (reply) => this.handlerReplied(reply),
      (error: unknown) => this.handlerFailed(error),
    );
    // This object lives as long as the handler's promise (for ever if its server crashed while it
    // ran): it keeps no message it no longer needs (in a key/value run, holding them tripled the
    // bytes that young-generation collections promote).
    this.args = undefined;
  }

  /** Event: a held request, released, reaches the server now registered under its name. */
  redeliver(): void {
    if (this.server) this.deliver();
    else this.settle(null, `no server ${this.serverName}`);
  }

  private dispatch(): Promise<Parcel> {
    const { method, args, serverName, net, end } = this;
    return this.server!.dispatch(method, args!, serverName!, net.sim.codec, end.ownerName);
  }

  /** Event, every DEAD_POLL_MS while the handler runs: abandons the call if its server is gone. */
  pollDead(): void {
    if (this.finished) return;
    if (this.net.isDead(this)) {
      this.finished = true;
      this.handlerRunning = false;
      this.settle(null, 'server dead or end disabled while handling');
    } else
      this.poll = this.net.sim.scheduleMethod(DEAD_POLL_MS, Call.prototype.pollDead, this, true);
  }

  private handlerReplied(reply: Parcel): void {
    if (this.finished) return; // abandoned by a dead-server poll
    const net = this.net;
    this.finished = true;
    this.handlerRunning = false;
    this.poll?.cancel();
    if (net.isDead(this)) {
      this.settle(null, 'server dead or end disabled');
    } else if (net.lost(this.reliable)) {
      this.settle(null, 'reply lost');
    } else {
      this.server!.afterReply?.(this.method);
      this.reply = reply;
      if (net.holding) {
        const copy = net.sim.codec.decode(reply.bytes());
        if (net.heldBack(this, 'reply', this.argsCopy, copy)) return;
      }
      const delay = net.replyDelay(this);
      if (delay === 0) this.arrive();
      else net.sim.scheduleMethod(delay, Call.prototype.arrive, this);
    }
  }

  private handlerFailed(error: unknown): void {
    this.finished = true;
    this.handlerRunning = false;
    this.poll?.cancel();
    this.net.sim.fail(error instanceof Error ? error : new Error(String(error)));
  }

  /** Event: the reply reaches the caller. */
  arrive(): void {
    this.net.countReply(this.reply!.byteLength);
    this.settle(this.reply!, this.why);
  }

  /** Event: an undeliverable call fails. */
  fail(): void {
    this.settle(null, this.why);
  }

  /** The outcome reaches the caller (unless it crashed meanwhile: a dead node sees nothing). */
  private settle(reply: Parcel | null, why: string): void {
    const end = this.end;
    const sim = this.net.sim;
    const resolve = this.resolve!;
    // Done: drop the messages and the caller (see deliver()).
    this.reply = undefined;
    this.resolve = undefined;
    this.argsCopy = undefined;
    this.net.inFlight.remove(this);
    if (end.owner?.crashed) return;
    if (reply === null) {
      sim.record('drop', end.ownerName, `${this.label}: ${why}`);
      resolve(null);
    } else {
      sim.record(
        'reply',
        end.ownerName,
        `${this.label} ${reply.byteLength}B${why ? ` (${why})` : ''}`,
        undefined,
        reply,
      );
      resolve(reply.open());
    }
  }
}

/** A network's calls in flight, oldest first, linked through the calls. */
export class InFlight {
  private head: Call | undefined;
  private tail: Call | undefined;
  /** Handlers started so far: orders the handlers' entries in blocked lists. */
  deliveries = 0;

  add(call: Call): void {
    call.prev = this.tail;
    if (this.tail) this.tail.next = call;
    else this.head = call;
    this.tail = call;
  }

  remove(call: Call): void {
    if (call.prev) call.prev.next = call.next;
    else if (this.head === call) this.head = call.next;
    else return; // not listed
    if (call.next) call.next.prev = call.prev;
    else this.tail = call.prev;
    call.prev = call.next = undefined;
  }

  /**
   * What blocked lists show, as the simulator's held waits did: every caller still alive waiting
   * for its call, in the order the calls were sent, then every handler that has not replied, in
   * the order they started (the oldest of a kind is the one a blocked list names).
   */
  waits(): Wait[] {
    const callers: Wait[] = [];
    const running: Call[] = [];
    for (let call = this.head; call; call = call.next) {
      if (!call.end.owner?.crashed) callers.push(call);
      if (call.handlerRunning) running.push(call);
    }
    running.sort((a, b) => a.delivered - b.delivered);
    return [...callers, ...running.map(handlerWait)];
  }
}

function handlerWait(call: Call): Wait {
  return {
    node: call.serverName,
    key: `handler ${call.method} ${call.node}`,
    describe: () =>
      `handler ${call.method} #${call.id} from ${call.node} has not replied since ${(call.since / 1000).toFixed(3)}s`,
  };
}
