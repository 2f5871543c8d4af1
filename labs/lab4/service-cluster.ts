// A cluster of one replicated service on Raft (the shape of the course's kvraft and shardctrler
// config.go): replicas of the service under test on a simulated network, each hosting the
// service's handlers and its Raft's on one server; clerks with their own nodes and ends;
// partitions; crash and restart with persister copies; size probes. The key/value fixture
// (kv.ts) and the controller fixture (shardctrler.ts) are this with their own service plugged in.
//
// Server i is network server "i", running on node "i" (a fresh incarnation per restart). Each
// clerk runs on its own node "clerkK" and owns its ends. Its ends reach the servers in a shuffled
// order, as in the original, so a clerk cannot assume end j reaches server j.
import { FaultLog } from '../lab3/faults';
import type { ClientEnd, Handler, PersisterApi, Runtime } from '../../harness/api';
import type { RaftPeer } from '../../harness/contracts/raft';
import { Persister } from '../../engine/persister';
import { Network, Server, Service } from '../../engine/rpc';
import { fail, type TestContext } from '../../harness/scenario';
import type { Rng } from '../../engine/sim/rng';
import type { NodeRuntime, Simulator } from '../../engine/sim/simulator';
import { TEST_TIME_LIMIT_MS } from '../lab2/raft';
import { watchRaftSafety, type RaftSafetyOracle } from '../lab2/raft-oracle';
import { background } from '../lab2/raft-scenario';
import { CrashPoints, type CrashPoint } from '../lab2/crash-points';

/** The course's electionTimeout: sleeps after healing, after crashes, inside the partitioner. */
export const ELECTION_TIMEOUT_MS = 1000;
/**
 * Extra virtual time a clerk's RPC outcome takes to reach it, on top of the network's own. None:
 * this was 1 ms while the reliable network delivered instantly (a leader pipelining AppendEntries on
 * replies could then commit without end at one virtual instant); every message now takes 1-5 ms.
 */
export const CLERK_RPC_LATENCY_MS = 0;

/** What every replica of a service on Raft exposes to the harness. */
export interface Replica {
  kill(): void;
  readonly raft: RaftPeer;
  readonly handlers: Readonly<Record<string, Handler>>;
}

/** How a cluster starts its service's replicas and clerks. */
export interface ServiceHost<S extends Replica, C extends object> {
  /** The service name the replicas' handlers are registered under ("KVServer", "ShardCtrler"). */
  readonly service: string;
  /** Rng stream of the fixture's own choices (clerks' end order). */
  readonly rngStream: string;
  /** The implementation's constructor call, named in the error if it returns something unusable. */
  readonly startName: string;
  start(ends: ClientEnd[], me: number, persister: PersisterApi, runtime: Runtime): S;
  makeClerk(ends: ClientEnd[], runtime: Runtime): C;
  /** The line end() prints for a passed section. */
  passedLine(s: { seconds: number; peers: number; rpcs: number; ops: number }): string;
}

/** What a key/value module gives the fixture: 2023's kvraft and 2026's kvraft1 alike. */
export interface KeyValueModule<S extends Replica, C extends object> {
  makeKVServer(
    servers: ClientEnd[],
    me: number,
    persister: PersisterApi,
    maxraftstate: number,
    runtime: Runtime,
  ): S;
  makeClerk(servers: ClientEnd[], runtime: Runtime): C;
}

/**
 * The host of a key/value service (each replica "KVServer" beside "Raft"), with the course's
 * closing line (time, peers, RPCs, ops); `rngStream` names the fixture's own draws.
 */
export function keyValueHost<S extends Replica, C extends object>(
  kv: KeyValueModule<S, C>,
  maxraftstate: number,
  rngStream: string,
): ServiceHost<S, C> {
  return {
    service: 'KVServer',
    rngStream,
    startName: 'makeKVServer',
    start: (ends, me, persister, runtime) =>
      kv.makeKVServer(ends, me, persister, maxraftstate, runtime),
    makeClerk: (ends, runtime) => kv.makeClerk(ends, runtime),
    passedLine: (s) =>
      `  ... Passed --  ${s.seconds.toFixed(1).padStart(4)}  ${s.peers} ${String(s.rpcs).padStart(5)} ${String(s.ops).padStart(4)}`,
  };
}

interface Section {
  description: string;
  t0: number;
  rpcs0: number;
  bytes0: number;
}

interface ClerkInfo {
  /** The clerk's node name (clerk3): the `from` of its calls' messages (Network.holdBack). */
  readonly node: string;
  readonly runtime: NodeRuntime;
  /** End names by server index (not in the clerk's shuffled order). */
  readonly endNames: string[];
  /** The server of the last reply this clerk received (as S2): the one that answered its last operation. */
  lastReplyFrom?: string;
}

/**
 * An end whose every outcome `onReply` sees and that reaches its caller `ms` later (never, if the
 * caller crashes meanwhile).
 */
export function withLatency(
  end: ClientEnd,
  runtime: NodeRuntime,
  ms: number,
  onReply?: (reply: unknown) => void,
): ClientEnd {
  if (ms <= 0 && !onReply) return end;
  if (ms <= 0) {
    // Every clerk call passes here: a reaction on the call's promise, not an async function around it
    // (the same number of promise jobs before the caller resumes, one frame and promise fewer).
    const seen = onReply!;
    return {
      name: end.name,
      call<Reply>(serviceMethod: string, args: unknown): Promise<Reply | null> {
        return end.call<Reply>(serviceMethod, args).then((reply) => {
          seen(reply);
          return reply;
        });
      },
    };
  }
  return {
    name: end.name,
    async call<Reply>(serviceMethod: string, args: unknown): Promise<Reply | null> {
      const reply = await end.call<Reply>(serviceMethod, args);
      onReply?.(reply);
      if (ms > 0) await runtime.sleep(ms, `${serviceMethod} reply in transit`);
      return reply;
    },
  };
}

/** The test task sleeps `ms` virtual milliseconds; a deadlock report lists it as the tester's wait. */
export function testerSleep(sim: Simulator, ms: number, label: string): Promise<void> {
  return new Promise((resolve) => {
    const due = sim.now() + ms;
    const removeWait = sim.addWait({
      describe: () => `tester: ${label} until ${(due / 1000).toFixed(3)}s`,
    });
    sim.schedule(ms, () => {
      removeWait();
      resolve();
    });
  });
}

export class ServiceCluster<S extends Replica, C extends object> {
  readonly net: Network;
  protected readonly servers: (S | undefined)[];
  private readonly runtimes: (NodeRuntime | undefined)[];
  private readonly persisters: (Persister | undefined)[];
  /** endNames[i][j]: server i's end to server j, for i's current incarnation. */
  private readonly endNames: string[][];
  private readonly clerks = new Map<C, ClerkInfo>();
  private readonly rng: Rng;
  private readonly created: number;
  private clerkCount = 0;
  private section: Section | undefined;
  /** Recorded operations since begin(), the course's "ops" figure. */
  ops = 0;
  /** Partitions, crashes, restarts, leaders seen, reliability: drawn in the linearizability report. */
  readonly faults: FaultLog;
  private totals = { virtualSeconds: 0, rpcs: 0, bytes: 0, commands: 0 };
  private cleanedUp = false;
  /** The always-on Raft safety checks over the replicas' Raft peers (raft-oracle.ts). */
  readonly oracle: RaftSafetyOracle;
  /** Crash points armed on incarnations (keyed by their runtime); the swarm tests use them. */
  private readonly crashPoints = new CrashPoints(
    (i, why) => {
      this.note(`crash point: server ${i} ${why}`);
      this.shutdownServer(i);
    },
    () => this.t.sim.now(),
  );

  constructor(
    readonly t: TestContext,
    readonly n: number,
    readonly unreliable: boolean,
    protected readonly host: ServiceHost<S, C>,
  ) {
    this.net = new Network(t.sim);
    this.rng = t.sim.rng(host.rngStream);
    this.created = t.sim.now();
    this.faults = new FaultLog(() => t.sim.now());
    this.servers = new Array(n).fill(undefined);
    this.runtimes = new Array(n).fill(undefined);
    this.persisters = new Array(n).fill(undefined);
    this.endNames = Array.from({ length: n }, () => []);
    for (let i = 0; i < n; i++) this.startServer(i);
    this.connectAll();
    this.net.setReliable(!unreliable);
    if (unreliable) this.faults.reliable(false);
    this.oracle = watchRaftSafety(t.sim, { n, peer: (i) => this.servers[i]?.raft });
  }

  get all(): number[] {
    return Array.from({ length: this.n }, (_, i) => i);
  }

  /** The test task sleeps `ms` virtual milliseconds. */
  /** Virtual milliseconds since the run began. */
  now(): number {
    return this.t.sim.now();
  }

  sleep(ms: number, label = 'test sleep'): Promise<void> {
    return testerSleep(this.t.sim, ms, label);
  }

  protected note(what: string): void {
    this.t.sim.record('test', 'tester', what);
  }

  // ---- connectivity -------------------------------------------------------------------------

  /** Enables i's ends to every server in `to`, and theirs to i. */
  connect(i: number, to: readonly number[]): void {
    for (const j of to) {
      this.net.enable(this.endNames[i][j], true);
      this.net.enable(this.endNames[j][i], true);
    }
  }

  disconnect(i: number, from: readonly number[]): void {
    for (const j of from) {
      if (this.endNames[i][j]) this.net.enable(this.endNames[i][j], false);
      if (this.endNames[j][i]) this.net.enable(this.endNames[j][i], false);
    }
  }

  connectAll(): void {
    this.faults.heal();
    for (let i = 0; i < this.n; i++) this.connect(i, this.all);
  }

  /** Servers in p1 reach only each other, as do servers in p2. Clerks' ends are not touched. */
  partition(p1: readonly number[], p2: readonly number[]): void {
    this.note(`partition [${p1.join(' ')}] [${p2.join(' ')}]`);
    this.faults.partition(p1, p2);
    for (const i of p1) {
      this.disconnect(i, p2);
      this.connect(i, p1);
    }
    for (const i of p2) {
      this.disconnect(i, p1);
      this.connect(i, p2);
    }
  }

  /** The first server, in index order, whose Raft believes it leads; undefined if none. */
  leader(): number | undefined {
    for (let i = 0; i < this.n; i++) {
      if (this.servers[i]?.raft.getState().isLeader) {
        this.faults.leader(i);
        return i;
      }
    }
    return undefined;
  }

  /** A majority without the leader, and a minority holding it (the course's make_partition). */
  makePartition(): [number[], number[]] {
    const l = this.leader() ?? 0;
    const p1: number[] = [];
    const p2: number[] = [];
    const others = this.all.filter((i) => i !== l);
    const majority = Math.floor(this.n / 2) + 1;
    for (const i of others) (p1.length < majority ? p1 : p2).push(i);
    p2.push(l);
    return [p1, p2];
  }

  // ---- clerks -------------------------------------------------------------------------------

  /** A clerk on its own node, with ends to every server (shuffled), enabled only to `to`. */
  makeClient(to: readonly number[] = this.all): C {
    const name = `clerk${this.clerkCount++}`;
    const runtime = this.t.sim.node(name);
    const endNames = this.all.map((j) => `${name}->${j}`);
    const info: ClerkInfo = { node: name, runtime, endNames };
    const ends: ClientEnd[] = endNames.map((endName, j) => {
      const end = this.net.makeEnd(endName, runtime);
      this.net.connect(endName, j);
      const server = `S${j}`; // named once here, not per recorded operation
      return withLatency(end, runtime, CLERK_RPC_LATENCY_MS, (reply) => {
        if (reply !== null) info.lastReplyFrom = server;
      });
    });
    const shuffled = this.rng.perm(this.n).map((k) => ends[k]);
    const ck = this.host.makeClerk(shuffled, runtime);
    this.clerks.set(ck, info);
    this.connectClient(ck, to);
    return ck;
  }

  connectClient(ck: C, to: readonly number[]): void {
    const info = this.clerkInfo(ck);
    for (const j of to) this.net.enable(info.endNames[j], true);
  }

  disconnectClient(ck: C, from: readonly number[]): void {
    const info = this.clerkInfo(ck);
    for (const j of from) this.net.enable(info.endNames[j], false);
  }

  /** Forgets the clerk and stops its node (it has no call in progress when this is used). */
  deleteClient(ck: C): void {
    const info = this.clerks.get(ck);
    if (!info) return;
    this.clerks.delete(ck);
    info.runtime.crash();
  }

  /** The node name of `ck`'s calls (the `from` of their messages, for a hold on them). */
  clerkNode(ck: C): string {
    return this.clerkInfo(ck).node;
  }

  /** The server that sent the last reply `ck` received, as S2; undefined before any reply. */
  answeredBy(ck: C): string | undefined {
    return this.clerks.get(ck)?.lastReplyFrom;
  }

  private clerkInfo(ck: C): ClerkInfo {
    const info = this.clerks.get(ck);
    if (!info)
      throw new Error(`${this.host.service} cluster: this clerk was not made by this cluster`);
    return info;
  }

  // ---- crash and restart --------------------------------------------------------------------

  /** Cuts server i off, removes it from the network, keeps a copy of its persister, kills it. */
  shutdownServer(i: number): void {
    this.note(`shut down server ${i}`);
    this.faults.crash(i);
    this.disconnect(i, this.all);
    // Delete from the network first: a call in flight must not reach the new persister.
    this.net.deleteServer(i);
    // The old instance may still write to its persister; the survivor is a copy taken now.
    const p = this.persisters[i];
    if (p) this.persisters[i] = p.copy();
    this.servers[i]?.kill();
    this.servers[i] = undefined;
    this.runtimes[i]?.crash();
    this.runtimes[i] = undefined;
  }

  /** Starts (or restarts) server i on a copy of its saved state. Its ends start disabled. */
  startServer(i: number): void {
    if (this.servers[i]) this.shutdownServer(i);
    const runtime = this.t.sim.node(String(i));
    this.note(`start server ${i} (incarnation ${runtime.incarnation})`);
    if (runtime.incarnation > 1) this.faults.restart(i);
    this.endNames[i] = this.all.map((j) => `${i}.${runtime.incarnation}->${j}`);
    const ends = this.endNames[i].map((endName, j) => {
      const end = this.net.makeEnd(endName, runtime);
      this.net.connect(endName, j);
      return end;
    });
    const persister = this.persisters[i]?.copy() ?? new Persister();
    this.persisters[i] = persister;
    persister.afterSave = () => this.crashPoints.saved(i, runtime);
    const server = this.host.start(ends, i, persister, runtime);
    if (!server || !server.raft || !server.handlers)
      fail('contract', `${this.host.startName}(${i}) must return { kill(), raft, handlers }`);
    this.servers[i] = server;
    this.runtimes[i] = runtime;
    const netServer = new Server()
      .addService(new Service(this.host.service, server.handlers))
      .addService(new Service('Raft', server.raft.handlers));
    netServer.afterReply = (method) => this.crashPoints.replied(i, runtime, method);
    this.net.addServer(i, netServer);
  }

  /** Whether server i is up. */
  isUp(i: number): boolean {
    return this.servers[i] !== undefined;
  }

  /**
   * Crashes server i's current incarnation at an exact point of its own execution (crash-points.ts:
   * after a save, after a reply; not before an apply, which happens inside the replica); resolves
   * with the crash's virtual time. The test restarts it (startServer).
   */
  crashAt(i: number, point: CrashPoint): Promise<number> {
    const runtime = this.runtimes[i];
    if (!runtime) throw new Error(`crashAt(${i}, ...): server ${i} is down; start it first`);
    if ('before' in point)
      throw new Error(
        `crashAt(${i}, ...): a service cluster cannot crash a server before an apply (the replica applies inside itself); use a save or reply point`,
      );
    return this.crashPoints.arm(i, runtime, point);
  }

  /** Forgets the crash point armed on server i, if any (its promise never settles). */
  disarm(i: number): void {
    this.crashPoints.disarm(i);
  }

  /** Enables or disables server `from`'s calls to server `to`, one direction only (partial and one-way cuts). */
  setLink(from: number, to: number, up: boolean): void {
    const end = this.endNames[from][to];
    if (end) this.net.enable(end, up);
  }

  // ---- size probes --------------------------------------------------------------------------

  /** The largest saved Raft state, over every server's current persister. */
  logSize(): number {
    return Math.max(0, ...this.persisters.map((p) => p?.raftStateSize() ?? 0));
  }

  snapshotSize(): number {
    return Math.max(0, ...this.persisters.map((p) => p?.snapshotSize() ?? 0));
  }

  // ---- bracketing ---------------------------------------------------------------------------

  begin(description: string): void {
    this.t.log(`${description} ...`);
    this.note(`begin ${description}`);
    this.section = {
      description,
      t0: this.t.sim.now(),
      rpcs0: this.net.getTotalCount(),
      bytes0: this.net.getTotalBytes(),
    };
    this.ops = 0;
  }

  /** The course's closing line; t.stats accumulates over the test's sections. */
  end(): void {
    this.checkTimeout();
    const s = this.section;
    if (!s) throw new Error(`${this.host.service} cluster: end() without begin()`);
    const seconds = (this.t.sim.now() - s.t0) / 1000;
    const rpcs = this.net.getTotalCount() - s.rpcs0;
    const bytes = this.net.getTotalBytes() - s.bytes0;
    this.t.log(this.host.passedLine({ seconds, peers: this.n, rpcs, ops: this.ops }));
    this.totals = {
      virtualSeconds: this.totals.virtualSeconds + seconds,
      rpcs: this.totals.rpcs + rpcs,
      bytes: this.totals.bytes + bytes,
      commands: this.totals.commands + this.ops,
    };
    this.t.stats = { ...this.totals, peers: this.n };
    this.section = undefined;
  }

  checkTimeout(): void {
    if (this.t.sim.now() - this.created > TEST_TIME_LIMIT_MS)
      fail('test-time-limit', 'test took longer than 120 seconds');
  }

  /** Kills every server and closes the network; idempotent. */
  cleanup(): void {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    this.oracle.detach();
    for (let i = 0; i < this.n; i++) {
      this.servers[i]?.kill();
      this.runtimes[i]?.crash();
    }
    for (const info of this.clerks.values()) info.runtime.crash();
    this.net.cleanup();
  }
}

/**
 * The course's spawn_clients_and_wait: `ncli` tasks, each with its own fresh clerk connected to
 * every server; resolves to their results in client order.
 */
export function spawnClientsAndWait<C extends object, T>(
  cfg: ServiceCluster<Replica, C>,
  ncli: number,
  fn: (cli: number, ck: C) => Promise<T>,
): Promise<T[]> {
  // A failing client fails the whole run at once (background() reports it); its result is then
  // never looked at, since the run stops.
  const tasks = Array.from({ length: ncli }, (_, cli) =>
    background(cfg.t, `client ${cli}`, async () => {
      const ck = cfg.makeClient(cfg.all);
      const result = await fn(cli, ck);
      cfg.deleteClient(ck);
      return result;
    }),
  );
  return Promise.all(tasks) as Promise<T[]>;
}
