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
import type { ClientEnd, Handler } from '../../harness/api';
import type { Parcel, WireCodec } from '../codec';
import type { NodeRuntime, Simulator } from '../sim/simulator';
import { Call, DEAD_POLL_MS, InFlight } from './call';
import { Hold, type HoldFilter, type Message } from './hold';
import type { Rng } from '../sim/rng';

export type ServerName = string | number;

export interface EndState {
  end: NetEnd;
  enabled: boolean;
  server: string | undefined;
}

export { DEAD_POLL_MS };
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

  /** Calls sent and not yet settled: the callers' and handlers' entries in blocked lists. */
  readonly inFlight = new InFlight();
  /** The call whose promise is being made (its executor, startCall, runs inside the constructor). */
  private starting: Call | undefined;
  /** The adversaries holding messages back (holdBack); undefined while there are none. */
  private holds: Hold[] | undefined;

  constructor(
    readonly sim: Simulator,
    streamName = 'network',
  ) {
    this.rng = sim.rng(streamName);
    sim.addWaitSource(() => this.inFlight.waits());
  }

  /** A new end, disabled and unconnected. `owner` is the node that will call through it. */
  makeEnd(name: string, owner?: NodeRuntime): ClientEnd {
    if (this.ends.has(name))
      throw new Error(
        `Network.makeEnd: an end named "${name}" already exists; end names must be unique`,
      );
    const state: EndState = { end: undefined!, enabled: false, server: undefined };
    state.end = new NetEnd(this, name, owner, state);
    this.ends.set(name, state);
    return state.end;
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
      this.sim.record(
        'net',
        state.end.ownerName,
        `${enabled ? 'enable' : 'disable'} ${linkName(state.end.ownerName, state.server)}`,
      );
    }
  }

  setReliable(reliable: boolean): void {
    if (this.reliable !== reliable)
      this.sim.record('net', 'network', reliable ? 'reliable' : 'unreliable');
    this.reliable = reliable;
  }

  setLongDelays(on: boolean): void {
    this.longDelays = on;
  }

  /** One-way latency of every delivered message, uniform in [minMs, maxMs]; (0, 0): none, as in labrpc. */
  setLatency(minMs: number, maxMs: number): void {
    if (!Number.isInteger(minMs) || !Number.isInteger(maxMs) || minMs < 0 || maxMs < minMs) {
      throw new Error(
        `Network.setLatency(${minMs}, ${maxMs}): latencies are whole milliseconds with 0 <= min <= max`,
      );
    }
    this.latencyMin = minMs;
    this.latencyMax = maxMs;
  }

  private latency(): number {
    return this.latencyMax === 0 ? 0 : this.rng.range(this.latencyMin, this.latencyMax);
  }

  setLongReordering(on: boolean): void {
    if (this.longReordering !== on)
      this.sim.record('net', 'network', `long reordering ${on ? 'on' : 'off'}`);
    this.longReordering = on;
  }

  /**
   * An adversary that holds back every message `filter` accepts until the test releases it (see
   * hold.ts). Until the first holdBack, and after the last hold stops, nothing is copied or offered.
   */
  holdBack(filter: HoldFilter): Hold {
    const hold = new Hold(
      filter,
      (call, kind) => this.releaseCall(call, kind),
      (call, kind) => this.dropCall(call, kind),
      (stopped) => {
        this.holds = this.holds?.filter((h) => h !== stopped);
        if (this.holds?.length === 0) this.holds = undefined;
      },
    );
    (this.holds ??= []).push(hold);
    return hold;
  }

  /** Whether any hold is active: only then do calls copy their messages to offer them. */
  get holding(): boolean {
    return this.holds !== undefined;
  }

  /** Offers a message of `call` to the active holds; true if one keeps it. */
  heldBack(call: Call, kind: Message['kind'], args: unknown, reply: unknown): boolean {
    const message: Message = {
      kind,
      method: call.method,
      from: call.node,
      to: call.serverName!,
      args,
      reply,
    };
    for (const hold of this.holds ?? []) {
      if (hold.take(message, call, this.sim.now())) {
        this.sim.record('net', call.node, `${call.label}: ${kind} held back`);
        return true;
      }
    }
    return false;
  }

  /** A held request goes to whichever server has its name now; a held reply to its caller. */
  private releaseCall(call: Call, kind: Message['kind']): void {
    this.sim.record('net', call.node, `${call.label}: ${kind} released`);
    if (kind === 'request') {
      call.server = this.servers.get(call.serverName!);
      call.released = true;
      this.sim.scheduleMethod(this.latency(), Call.prototype.redeliver, call);
    } else {
      this.sim.scheduleMethod(this.latency(), Call.prototype.arrive, call);
    }
  }

  /** A dropped message is lost: its call fails in an event of its own, as a lost reply's does. */
  private dropCall(call: Call, kind: Message['kind']): void {
    this.sim.record('net', call.node, `${call.label}: ${kind} dropped`);
    call.why = `${kind} dropped by the adversary`;
    this.sim.scheduleMethod(0, Call.prototype.fail, call);
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

  private endState(name: string): EndState {
    const state = this.ends.get(name);
    if (!state) throw new Error(`Network: no end named "${name}"`);
    return state;
  }

  /** The promise of `call`, which enters the network as the promise is made. */
  start(call: Call): Promise<unknown> {
    this.starting = call;
    return new Promise(this.startCall);
  }

  /** The executor of every call's promise: one function per network, not a closure per call. */
  private readonly startCall = (resolve: (reply: unknown) => void): void => {
    const call = this.starting!;
    this.starting = undefined;
    call.resolve = resolve;
    this.send(call);
  };

  /** Takes a call into the network: counts it, records it, and schedules its delivery or its failure. */
  private send(call: Call): void {
    const id = ++this.callSeq;
    call.id = id;
    this.rpcTotal++;
    const args = call.args!;
    this.bytesTotal += args.byteLength;
    const state = call.end.state;
    const serverName = state.server;
    const server = serverName === undefined ? undefined : this.servers.get(serverName);
    call.state = state;
    call.serverName = serverName;
    call.server = server;
    call.reliable = this.reliable;
    call.longReordering = this.longReordering;
    call.label = `#${id} ${call.method}`;
    this.sim.record(
      'send',
      call.node,
      `${call.label} -> ${serverName ?? '?'} ${args.byteLength}B`,
      undefined,
      args,
    );
    this.inFlight.add(call);

    if (!state.enabled || serverName === undefined || !server) {
      const delay = this.longDelays
        ? this.rng.int(LONG_FAILURE_DELAY_MS)
        : this.rng.int(SHORT_FAILURE_DELAY_MS);
      call.why = !state.enabled
        ? 'end disabled'
        : server
          ? 'unconnected'
          : `no server ${serverName}`;
      this.sim.scheduleMethod(delay, Call.prototype.fail, call);
      return;
    }
    // Even a delivery with no latency is a separate event: a handler never runs inside its caller's stack.
    this.sim.scheduleMethod(
      this.latency() + (call.reliable ? 0 : this.rng.range(0, SHORT_DELAY_MAX_MS)),
      Call.prototype.deliver,
      call,
    );
  }

  /** Whether the server of a call in its handler is gone or its end disabled (see Call.pollDead). */
  isDead(call: Call): boolean {
    return !call.state.enabled || this.servers.get(call.serverName!) !== call.server;
  }

  /** A message is lost with p = 0.1 on an unreliable network (a draw only when unreliable). */
  lost(reliable: boolean): boolean {
    return !reliable && this.rng.int(1000) < 100;
  }

  /** The delay of a reply that leaves its server: latency, and long reordering if it is on. */
  replyDelay(call: Call): number {
    let delay = this.latency();
    if (call.longReordering && this.rng.int(900) < 600) {
      const k = this.rng.int(2000);
      delay += 200 + this.rng.int(k + 1);
      call.why = 'reordered';
    }
    return delay;
  }

  /** A delivered reply's bytes. */
  countReply(byteLength: number): void {
    this.bytesTotal += byteLength;
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

export class NetEnd implements ClientEnd {
  readonly ownerName: string;

  constructor(
    private readonly net: Network,
    readonly name: string,
    readonly owner: NodeRuntime | undefined,
    readonly state: EndState,
  ) {
    this.ownerName = owner?.name ?? 'tester';
  }

  call<Reply = unknown>(serviceMethod: string, args: unknown): Promise<Reply | null> {
    const net = this.net;
    // Encoding errors are the caller's bug: they reject the call rather than count as a lost message.
    let parcel: Parcel;
    try {
      parcel = net.sim.codec.pack(args, 'args');
    } catch (error) {
      return Promise.reject(error);
    }
    if (net.isCleanedUp) return Promise.resolve(null);
    if (this.owner?.crashed) return new Promise(() => {});
    return net.start(new Call(net, this, serviceMethod, parcel)) as Promise<Reply | null>;
  }
}

/** A named set of handlers, e.g. new Service('Raft', { RequestVote: (a) => ..., AppendEntries: ... }). */
export class Service {
  constructor(
    readonly name: string,
    readonly handlers: Readonly<Record<string, Handler>>,
  ) {
    if (name.includes('.')) throw new Error(`Service name "${name}" must not contain a dot`);
  }

  /** A service exposing the named methods of `target`, bound to it. */
  static of(name: string, target: object, methods: readonly string[]): Service {
    const handlers: Record<string, Handler> = {};
    for (const m of methods) {
      const fn = (target as Record<string, unknown>)[m];
      if (typeof fn !== 'function')
        throw new Error(`Service ${name}: the implementation has no method ${m}()`);
      handlers[m] = (fn as Handler).bind(target);
    }
    return new Service(name, handlers);
  }
}

/** An RPC listener holding one or more services; counts the requests that reach it. */
export class Server {
  private readonly services = new Map<string, Service>();
  /** Handlers found by their "Service.Method" name: a call looks its handler up once per name. */
  private readonly found = new Map<string, Handler>();
  count = 0;
  /** Called when a reply leaves this server for its caller (the fixtures' crash points). */
  afterReply: ((serviceMethod: string) => void) | undefined;
  /** Called as a request reaches its handler, with the caller's node name (what a tester observes). */
  onRequest: ((serviceMethod: string, caller: string) => void) | undefined;

  addService(service: Service): this {
    this.services.set(service.name, service);
    this.found.clear();
    return this;
  }

  /**
   * Runs the handler of `serviceMethod` on `args`; settles to the packed reply. Written out as the
   * async function it replaces (`reply = await handler(args.open()); return pack(reply)`) with
   * the same promise hops, so that every continuation keeps its place in the microtask queue, and
   * without the async function's own objects: lookup and handler errors reject at once (one hop to
   * the caller's then), a reply is packed one hop after it is ready and reaches the caller's then
   * one hop later.
   */
  dispatch(
    serviceMethod: string,
    args: Parcel,
    serverName: string,
    codec: WireCodec,
    caller: string,
  ): Promise<Parcel> {
    this.count++;
    this.onRequest?.(serviceMethod, caller);
    let result: unknown;
    try {
      const handler = this.handler(serviceMethod, serverName);
      try {
        result = handler(args.open());
      } catch (error) {
        throw handlerError(error, serviceMethod, serverName);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve(result).then(
      (reply) => packReply(codec, reply, serviceMethod, serverName),
      (error: unknown) => {
        throw handlerError(error, serviceMethod, serverName);
      },
    );
  }

  private handler(serviceMethod: string, serverName: string): Handler {
    const known = this.found.get(serviceMethod);
    if (known) return known;
    const dot = serviceMethod.lastIndexOf('.');
    const serviceName = serviceMethod.slice(0, dot);
    const methodName = serviceMethod.slice(dot + 1);
    const service = this.services.get(serviceName);
    if (!service) {
      throw new Error(
        `server ${serverName}: unknown service "${serviceName}" in call to ${serviceMethod}; known services: ${[...this.services.keys()].join(', ') || 'none'}`,
      );
    }
    const handler = Object.prototype.hasOwnProperty.call(service.handlers, methodName)
      ? service.handlers[methodName]
      : undefined;
    if (!handler) {
      throw new Error(
        `server ${serverName}: unknown method "${methodName}" of service ${serviceName}; known methods: ${Object.keys(service.handlers).join(', ')}`,
      );
    }
    this.found.set(serviceMethod, handler);
    return handler;
  }
}

function handlerError(error: unknown, serviceMethod: string, serverName: string): Error {
  const e = error instanceof Error ? error : new Error(String(error));
  e.message = `handler ${serviceMethod} on server ${serverName} threw: ${e.message}`;
  return e;
}

function packReply(
  codec: WireCodec,
  reply: unknown,
  serviceMethod: string,
  serverName: string,
): Parcel {
  if (reply === null)
    throw new Error(
      `handler ${serviceMethod} on server ${serverName} returned null: a handler returns a reply object (null is how a call reports failure)`,
    );
  return codec.pack(reply === undefined ? {} : reply, 'reply');
}
