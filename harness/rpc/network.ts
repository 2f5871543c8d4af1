// The simulated RPC network (our labrpc), in virtual time.
//
// Semantics, all from the course's labrpc:
// - A client end is a one-way port with a unique name, owned by one node; it starts disabled and
//   unconnected, and is connected to a server *name* that is looked up per call.
// - call(method, args) encodes args at once (a value that cannot be encoded is the caller's bug and
//   rejects), counts 1 RPC and the args' bytes, and always settles, to the decoded reply or to null.
//   ("Encodes": packs, see the codec: the receiver gets exactly what decoding the bytes would give,
//   and the bytes are counted exactly, but they are only produced when a trace shows messages.)
// - Whether the end is enabled and connected, the server present, and the network reliable or
//   long-reordering are read once, when the call is made.
// - Deliverable call, unreliable: wait U[0..26] ms; lose the request with p = 0.1 (the handler never
//   runs); run the handler; lose the reply with p = 0.1 (the handler did run).
// - While a handler runs, every 100 ms: if the end was disabled or the server deleted/replaced, the
//   call fails and the handler's result is dropped. Checked once more when the handler returns.
// - Long reordering: a successful reply is held back, with p = 2/3, for 200 + U[0..U[0..1999]] ms,
//   and is not re-checked afterwards.
// - Undeliverable call: fails after U[0..6999] ms with long delays on, U[0..99] ms otherwise.
// - Reply bytes are counted only when a reply is delivered. A server's count is the number of
//   requests that reached it (counted even if the reply is then lost).
// - A node that crashes never sees the outcome of its own calls.
//
// Beyond labrpc (ours): every message that is delivered takes a small random latency, the request
// on its way to the handler and the reply on its way back, each drawn uniformly from
// [LATENCY_MIN_MS, LATENCY_MAX_MS] (integers), on top of the delays above. In the original a
// reliable call costs the real time of a few goroutine hand-offs; in virtual time it would cost
// nothing, and a whole round trip at one instant hides slow log backup and every race between
// messages. Independent draws per message also let two messages on one link overtake each other.
// setLatency(0, 0) gives labrpc's exact timing (used by the network's own tests).
import type { ClientEnd, Handler } from '../api';
import { pack, type Parcel } from '../codec';
import type { NodeRuntime, Simulator, Wait } from '../sim/simulator';
import type { Rng } from '../sim/rng';

export type ServerName = string | number;

interface EndState {
  readonly end: NetEnd;
  enabled: boolean;
  server: string | undefined;
}

export const DEAD_POLL_MS = 100;
export const SHORT_DELAY_MAX_MS = 26;
export const LONG_FAILURE_DELAY_MS = 7000;
export const SHORT_FAILURE_DELAY_MS = 100;
/** One-way latency of a delivered message, uniform in [min, max] virtual ms (see the header). */
export const LATENCY_MIN_MS = 1;
export const LATENCY_MAX_MS = 5;
/**
 * The latency a new Network starts with. Only the benchmarks change it (to measure every test
 * with and without latency in one process); tests and grading always run with the constants.
 */
export const networkDefaults = { latencyMinMs: LATENCY_MIN_MS, latencyMaxMs: LATENCY_MAX_MS };

export class Network {
  private readonly ends = new Map<string, EndState>();
  private readonly servers = new Map<string, Server>();
  private readonly rng: Rng;
  private reliable = true;
  private longDelays = false;
  private longReordering = false;
  private done = false;
  private rpcTotal = 0;
  private bytesTotal = 0;
  private callSeq = 0;
  private latencyMin = networkDefaults.latencyMinMs;
  private latencyMax = networkDefaults.latencyMaxMs;

  constructor(readonly sim: Simulator, streamName = 'network') {
    this.rng = sim.rng(streamName);
  }

  /** A new end, disabled and unconnected. `owner` is the node that will call through it. */
  makeEnd(name: string, owner?: NodeRuntime): ClientEnd {
    if (this.ends.has(name)) throw new Error(`Network.makeEnd: an end named "${name}" already exists; end names must be unique`);
    const end = new NetEnd(this, name, owner);
    this.ends.set(name, { end, enabled: false, server: undefined });
    return end;
  }

  addServer(name: ServerName, server: Server): void {
    this.servers.set(String(name), server);
  }

  deleteServer(name: ServerName): void {
    this.servers.delete(String(name));
  }

  connect(endName: string, serverName: ServerName): void {
    this.endState(endName).server = String(serverName);
  }

  enable(endName: string, enabled: boolean): void {
    const state = this.endState(endName);
    if (state.enabled !== enabled) {
      state.enabled = enabled;
      this.sim.record('net', state.end.ownerName, `${enabled ? 'enable' : 'disable'} ${linkName(state.end.ownerName, state.server)}`);
    }
  }

  setReliable(reliable: boolean): void {
    if (this.reliable !== reliable) this.sim.record('net', 'network', reliable ? 'reliable' : 'unreliable');
    this.reliable = reliable;
  }

  setLongDelays(on: boolean): void {
    this.longDelays = on;
  }

  /** One-way latency of every delivered message, uniform in [minMs, maxMs]; (0, 0): none, as in labrpc. */
  setLatency(minMs: number, maxMs: number): void {
    if (!Number.isInteger(minMs) || !Number.isInteger(maxMs) || minMs < 0 || maxMs < minMs) {
      throw new Error(`Network.setLatency(${minMs}, ${maxMs}): latencies are whole milliseconds with 0 <= min <= max`);
    }
    this.latencyMin = minMs;
    this.latencyMax = maxMs;
  }

  private latency(): number {
    return this.latencyMax === 0 ? 0 : this.rng.range(this.latencyMin, this.latencyMax);
  }

  setLongReordering(on: boolean): void {
    if (this.longReordering !== on) this.sim.record('net', 'network', `long reordering ${on ? 'on' : 'off'}`);
    this.longReordering = on;
  }

  get isCleanedUp(): boolean {
    return this.done;
  }

  isReliable(): boolean {
    return this.reliable;
  }

  /** Requests that reached the server currently registered under `name` (0 if none is). */
  getCount(name: ServerName): number {
    return this.servers.get(String(name))?.count ?? 0;
  }

  getTotalCount(): number {
    return this.rpcTotal;
  }

  getTotalBytes(): number {
    return this.bytesTotal;
  }

  /** After cleanup, new calls fail at once; calls in flight finish normally. */
  cleanup(): void {
    this.done = true;
  }

  /** The server an end is connected to (for blocked reports). */
  serverOf(endName: string): string | undefined {
    return this.ends.get(endName)?.server;
  }

  private endState(name: string): EndState {
    const state = this.ends.get(name);
    if (!state) throw new Error(`Network: no end named "${name}"`);
    return state;
  }

  /** Carries one call through the network; `settle` is called exactly once (or never, if the caller crashed). */
  process(end: NetEnd, method: string, args: Parcel, settle: (reply: Parcel | null, why: string) => void): number {
    const id = ++this.callSeq;
    this.rpcTotal++;
    this.bytesTotal += args.byteLength;
    const state = this.endState(end.name);
    const serverName = state.server;
    const server = serverName === undefined ? undefined : this.servers.get(serverName);
    const reliable = this.reliable;
    const longReordering = this.longReordering;
    this.sim.record('send', end.ownerName, `#${id} ${method} -> ${serverName ?? '?'} ${args.byteLength}B`, undefined, args);

    if (!state.enabled || serverName === undefined || !server) {
      const delay = this.longDelays ? this.rng.int(LONG_FAILURE_DELAY_MS) : this.rng.int(SHORT_FAILURE_DELAY_MS);
      const why = !state.enabled ? 'end disabled' : server ? 'unconnected' : `no server ${serverName}`;
      this.sim.schedule(delay, () => settle(null, why));
      return id;
    }

    const isDead = () => !state.enabled || this.servers.get(serverName) !== server;
    const deliver = () => {
      if (!reliable && this.rng.int(1000) < 100) {
        settle(null, 'request lost');
        return;
      }
      this.sim.record('deliver', serverName, `#${id} ${method}`, undefined, args);
      let finished = false;
      let poll: { cancel(): void } | undefined;
      // Listed in blocked reports until the handler replies or the call is abandoned: a handler
      // that never replies is named as such, on its server.
      const handlerWait = new HandlerWait(serverName, method, id, end.ownerName, this.sim.now());
      this.sim.holdWait(handlerWait);
      // One closure for every poll of this call (a poll per 100 ms while the handler runs).
      const pollDead = () => {
        if (finished) return;
        if (isDead()) {
          finished = true;
          this.sim.releaseWait(handlerWait);
          settle(null, 'server dead or end disabled while handling');
        } else poll = this.sim.schedule(DEAD_POLL_MS, pollDead, PASSIVE);
      };
      poll = this.sim.schedule(DEAD_POLL_MS, pollDead, PASSIVE);
      this.sim.runAs(serverName, () => server.dispatch(method, args, serverName)).then((reply) => {
        if (finished) return; // abandoned by a dead-server poll
        finished = true;
        this.sim.releaseWait(handlerWait);
        poll?.cancel();
        if (isDead()) {
          settle(null, 'server dead or end disabled');
        } else if (!reliable && this.rng.int(1000) < 100) {
          settle(null, 'reply lost');
        } else {
          server.afterReply?.(method);
          let delay = this.latency();
          let why = '';
          if (longReordering && this.rng.int(900) < 600) {
            const k = this.rng.int(2000);
            delay += 200 + this.rng.int(k + 1);
            why = 'reordered';
          }
          const arrive = () => {
            this.bytesTotal += reply.byteLength;
            settle(reply, why);
          };
          if (delay === 0) arrive();
          else this.sim.schedule(delay, arrive);
        }
      }, (error: unknown) => {
        finished = true;
        this.sim.releaseWait(handlerWait);
        poll?.cancel();
        this.sim.fail(error instanceof Error ? error : new Error(String(error)));
      });
    };
    // Even a delivery with no latency is a separate event: a handler never runs inside its caller's stack.
    this.sim.schedule(this.latency() + (reliable ? 0 : this.rng.range(0, SHORT_DELAY_MAX_MS)), deliver);
    return id;
  }
}

const PASSIVE = { passive: true } as const;

/**
 * What blocked lists show for a call in flight and for a handler that has not replied. A class
 * rather than an object of closures: one per RPC, and its key and text are only built when a
 * blocked list is (rarely).
 */
class RpcWait implements Wait {
  /** The call's number, known once the network has taken the call. */
  id = 0;

  constructor(readonly node: string, private readonly method: string, private readonly to: string | undefined) {}

  get key(): string {
    return `rpc ${this.method} ${this.to}`;
  }

  describe(): string {
    return `RPC #${this.id} ${this.method} to ${this.to ?? '?'} awaiting its outcome`;
  }
}

class HandlerWait implements Wait {
  constructor(readonly node: string, private readonly method: string, private readonly id: number, private readonly from: string, private readonly since: number) {}

  get key(): string {
    return `handler ${this.method} ${this.from}`;
  }

  describe(): string {
    return `handler ${this.method} #${this.id} from ${this.from} has not replied since ${(this.since / 1000).toFixed(3)}s`;
  }
}

/** A server's name as trace lines show it: S2 for server 2; a clerk or the tester by its name. */
export function peerLabel(name: string | undefined): string {
  return name === undefined ? '?' : /^\d+$/.test(name) ? `S${name}` : name;
}

/**
 * An end by its two sides, S0->S2 (the fixtures give ends random names, as the course does, so
 * that servers cannot tell who calls; those names mean nothing in a trace).
 */
export function linkName(owner: string, server: string | undefined): string {
  return `${peerLabel(owner)}->${peerLabel(server)}`;
}

class NetEnd implements ClientEnd {
  readonly ownerName: string;

  constructor(private readonly net: Network, readonly name: string, private readonly owner: NodeRuntime | undefined) {
    this.ownerName = owner?.name ?? 'tester';
  }

  call<Reply = unknown>(serviceMethod: string, args: unknown): Promise<Reply | null> {
    const net = this.net;
    const sim = net.sim;
    // Encoding errors are the caller's bug: they reject the call rather than count as a lost message.
    let parcel: Parcel;
    try {
      parcel = pack(args, 'args');
    } catch (error) {
      return Promise.reject(error);
    }
    if (net.isCleanedUp) return Promise.resolve(null);
    const owner = this.owner;
    if (owner?.crashed) return new Promise(() => {});
    return new Promise<Reply | null>((resolve) => {
      const wait = new RpcWait(this.ownerName, serviceMethod, net.serverOf(this.name));
      const id = net.process(this, serviceMethod, parcel, (reply, why) => {
        if (owner) owner.releaseWait(wait);
        else sim.releaseWait(wait);
        if (owner?.crashed) return;
        if (reply === null) {
          sim.record('drop', this.ownerName, `#${id} ${serviceMethod}: ${why}`);
          resolve(null);
        } else {
          sim.record('reply', this.ownerName, `#${id} ${serviceMethod} ${reply.byteLength}B${why ? ` (${why})` : ''}`, undefined, reply);
          resolve(reply.open() as Reply);
        }
      });
      wait.id = id;
      if (owner) owner.holdWait(wait);
      else sim.holdWait(wait);
    });
  }
}

/** A named set of handlers, e.g. new Service('Raft', { RequestVote: (a) => ..., AppendEntries: ... }). */
export class Service {
  constructor(readonly name: string, readonly handlers: Readonly<Record<string, Handler>>) {
    if (name.includes('.')) throw new Error(`Service name "${name}" must not contain a dot`);
  }

  /** A service exposing the named methods of `target`, bound to it. */
  static of(name: string, target: object, methods: readonly string[]): Service {
    const handlers: Record<string, Handler> = {};
    for (const m of methods) {
      const fn = (target as Record<string, unknown>)[m];
      if (typeof fn !== 'function') throw new Error(`Service ${name}: the implementation has no method ${m}()`);
      handlers[m] = (fn as Handler).bind(target);
    }
    return new Service(name, handlers);
  }
}

/** An RPC listener holding one or more services; counts the requests that reach it. */
export class Server {
  private readonly services = new Map<string, Service>();
  count = 0;
  /** Called when a reply leaves this server for its caller (the fixtures' crash points). */
  afterReply: ((serviceMethod: string) => void) | undefined;

  addService(service: Service): this {
    this.services.set(service.name, service);
    return this;
  }

  async dispatch(serviceMethod: string, args: Parcel, serverName: string): Promise<Parcel> {
    this.count++;
    const dot = serviceMethod.lastIndexOf('.');
    const serviceName = serviceMethod.slice(0, dot);
    const methodName = serviceMethod.slice(dot + 1);
    const service = this.services.get(serviceName);
    if (!service) {
      throw new Error(`server ${serverName}: unknown service "${serviceName}" in call to ${serviceMethod}; known services: ${[...this.services.keys()].join(', ') || 'none'}`);
    }
    const handler = Object.prototype.hasOwnProperty.call(service.handlers, methodName) ? service.handlers[methodName] : undefined;
    if (!handler) {
      throw new Error(`server ${serverName}: unknown method "${methodName}" of service ${serviceName}; known methods: ${Object.keys(service.handlers).join(', ')}`);
    }
    let reply: unknown;
    try {
      reply = await handler(args.open());
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      e.message = `handler ${serviceMethod} on server ${serverName} threw: ${e.message}`;
      throw e;
    }
    if (reply === null) throw new Error(`handler ${serviceMethod} on server ${serverName} returned null: a handler returns a reply object (null is how a call reports failure)`);
    return pack(reply === undefined ? {} : reply, 'reply');
  }
}
