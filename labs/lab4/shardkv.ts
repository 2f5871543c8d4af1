// The sharded key/value fixture (the course's shardkv config.go): a shard
// controller service of three servers and three replica groups (gids 100, 101, 102) of the service
// under test on one simulated network; no group has joined at the start. Servers of group gid are
// network servers "server-<gid>-<i>", each hosting "ShardKV" and "Raft" and running on a node of
// the same name (a fresh incarnation per restart). Servers and clerks reach any server by name
// through makeEnd, which makes a fresh enabled end; controllers are never shut down.
import type { ClientEnd } from '../../harness/api';
import type {
  Clerk as CtrlerClerk,
  Config,
  ShardCtrler,
  ShardCtrlerModule,
} from '../../harness/contracts/shardctrler';
import type { ShardKVClerk, ShardKVModule, ShardKVServer } from '../../harness/contracts/shardkv';
import { Persister } from '../../engine/persister';
import { FaultLog } from '../lab3/faults';
import { Network, Server, Service } from '../../engine/rpc';
import { fail, type TestContext } from '../../harness/scenario';
import type { NodeRuntime } from '../../engine/sim/simulator';
import { CLERK_RPC_LATENCY_MS, testerSleep, withLatency } from './service-cluster';
import { TEST_TIME_LIMIT_MS } from '../lab2/raft';
import { watchRaftSafety, type RaftSafetyOracle } from '../lab2/raft-oracle';

export const NGROUPS = 3;
export const FIRST_GID = 100;
export const NCTRLERS = 3;

/**
 * A shard controller service: its servers, named `<prefix><i>`, all connected and never shut
 * down. The fixture starts one ("ctrler0" …); TestRejection starts a second one beside it.
 */
export class CtrlerService {
  readonly names: string[];
  private readonly servers: ShardCtrler[] = [];
  private readonly runtimes: NodeRuntime[] = [];
  private clerks = 0;
  /** The always-on Raft safety checks over the controllers' Raft peers (raft-oracle.ts). */
  private readonly oracle: RaftSafetyOracle;

  constructor(
    private readonly cluster: ShardKVCluster,
    readonly prefix: string,
    n = NCTRLERS,
  ) {
    const { net, t } = cluster;
    const module = t.impl.layer<ShardCtrlerModule>('shardctrler');
    this.names = Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    for (const [i, name] of this.names.entries()) {
      const runtime = t.sim.node(name);
      const ends = this.names.map((to) => cluster.newEnd(runtime, `${name}->${to}`, to));
      const server = module.makeShardCtrler(ends, i, new Persister(), runtime);
      if (!server || !server.raft || !server.handlers)
        fail('contract', `makeShardCtrler(${i}) must return { kill(), raft, handlers }`);
      this.servers.push(server);
      this.runtimes.push(runtime);
      net.addServer(
        name,
        new Server()
          .addService(new Service('ShardCtrler', server.handlers))
          .addService(new Service('Raft', server.raft.handlers)),
      );
    }
    this.oracle = watchRaftSafety(t.sim, {
      n,
      name: `controller ${prefix}`,
      peer: (i) => this.servers[i]?.raft,
      node: (i) => this.names[i],
    });
  }

  /** Fresh enabled ends from `runtime` to every controller server. */
  ends(runtime: NodeRuntime, latencyMs = 0): ClientEnd[] {
    const k = this.clerks++;
    return this.names.map((to) => {
      const end = this.cluster.newEnd(
        runtime,
        `${runtime.name}.${runtime.incarnation}#${k}->${to}`,
        to,
      );
      return latencyMs > 0 ? withLatency(end, runtime, latencyMs) : end;
    });
  }

  /** A controller clerk on its own node. */
  makeClerk(node: string): CtrlerClerk {
    const runtime = this.cluster.clientNode(node);
    return this.cluster.t.impl
      .layer<ShardCtrlerModule>('shardctrler')
      .makeClerk(this.ends(runtime, CLERK_RPC_LATENCY_MS), runtime);
  }

  kill(): void {
    this.oracle.detach();
    for (const s of this.servers) s.kill();
    for (const r of this.runtimes) r.crash();
  }
}

interface Replica {
  server: ShardKVServer | undefined;
  runtime: NodeRuntime | undefined;
  persister: Persister | undefined;
  /** Ends this incarnation owns toward its group and the controllers (disabled at shutdown). */
  ends: string[];
}

interface Section {
  t0: number;
  rpcs0: number;
  bytes0: number;
}

export class ShardKVCluster {
  readonly net: Network;
  readonly kv: ShardKVModule;
  readonly ctrlers: CtrlerService;
  /** The harness's own controller clerk: join, leave, and the challenge tests' queries. */
  readonly mck: CtrlerClerk;
  readonly gids: number[];
  private readonly replicas: Replica[][];
  private readonly created: number;
  /** Nodes of clerks (and of the harness's controller clerks), stopped at cleanup. */
  private readonly clerkRuntimes: NodeRuntime[] = [];
  private readonly ctrlerServices: CtrlerService[] = [];
  private readonly clerks = new Map<ShardKVClerk, { lastReplyFrom?: string }>();
  private endCount = 0;
  private clerkCount = 0;
  private section: Section | undefined;
  private cleanedUp = false;
  /** The always-on Raft safety checks, one per group (raft-oracle.ts). */
  private readonly oracles: RaftSafetyOracle[];
  /** Crashes, restarts and the network's reliability, drawn on the history report's timeline. */
  readonly faults: FaultLog;
  /** Client operations since begin() (recorded or checked), the closing line's ops figure. */
  ops = 0;

  constructor(
    readonly t: TestContext,
    readonly n: number,
    readonly unreliable: boolean,
    readonly maxraftstate: number,
  ) {
    this.kv = t.impl.layer<ShardKVModule>('shardkv');
    this.net = new Network(t.sim);
    this.created = t.sim.now();
    this.faults = new FaultLog(() => t.sim.now());
    this.ctrlers = this.startCtrlers('ctrler');
    this.mck = this.ctrlers.makeClerk('mck');
    this.gids = Array.from({ length: NGROUPS }, (_, gi) => FIRST_GID + gi);
    this.replicas = this.gids.map(() =>
      Array.from({ length: n }, () => ({
        server: undefined,
        runtime: undefined,
        persister: undefined,
        ends: [],
      })),
    );
    for (let gi = 0; gi < NGROUPS; gi++) for (let i = 0; i < n; i++) this.startServer(gi, i);
    this.setReliable(!unreliable);
    this.oracles = this.replicas.map((group, gi) =>
      watchRaftSafety(t.sim, {
        n,
        name: `group ${this.gids[gi]}`,
        peer: (i) => group[i].server?.raft,
        node: (i) => this.serverName(gi, i),
      }),
    );
  }

  /** "server-<gid>-<i>". */
  serverName(gi: number, i: number): string {
    return `server-${this.gids[gi]}-${i}`;
  }

  /** A new end owned by `runtime`, connected to `server` and enabled. */
  newEnd(runtime: NodeRuntime, name: string, server: string): ClientEnd {
    const end = this.net.makeEnd(name, runtime);
    this.net.connect(name, server);
    this.net.enable(name, true);
    return end;
  }

  /** The makeEnd handed to a server or clerk: a fresh enabled end per call. `onReply` sees each reply's server. */
  private makeEndFor(
    runtime: NodeRuntime,
    latencyMs: number,
    onReply?: (server: string) => void,
  ): (server: string) => ClientEnd {
    return (server: string) => {
      if (typeof server !== 'string')
        throw new TypeError(
          `makeEnd(name): name must be a server name string, got ${JSON.stringify(server)}`,
        );
      const end = this.newEnd(
        runtime,
        `${runtime.name}.${runtime.incarnation}~${++this.endCount}->${server}`,
        server,
      );
      return withLatency(end, runtime, latencyMs, onReply && ((reply) => reply && onReply(server)));
    };
  }

  /** Virtual milliseconds since the run began. */
  now(): number {
    return this.t.sim.now();
  }

  sleep(ms: number, label = 'test sleep'): Promise<void> {
    return testerSleep(this.t.sim, ms, label);
  }

  note(what: string): void {
    this.t.sim.record('test', 'tester', what);
  }

  // ---- servers and groups -------------------------------------------------------------------

  /** Cuts the server's own ends, removes it from the network, keeps a copy of its persister, kills it. */
  shutdownServer(gi: number, i: number): void {
    const r = this.replicas[gi][i];
    this.note(`shut down ${this.serverName(gi, i)}`);
    if (r.server && !this.cleanedUp) this.faults.crash(this.serverName(gi, i));
    for (const e of r.ends) this.net.enable(e, false);
    this.net.deleteServer(this.serverName(gi, i));
    // The old instance may still write to its persister; the survivor is a copy taken now.
    if (r.persister) r.persister = r.persister.copy();
    r.server?.kill();
    r.runtime?.crash();
    r.server = undefined;
    r.runtime = undefined;
  }

  /** Starts (or restarts) a server on a copy of its saved state, its ends enabled. */
  startServer(gi: number, i: number): void {
    const r = this.replicas[gi][i];
    if (r.server) this.shutdownServer(gi, i);
    const name = this.serverName(gi, i);
    const runtime = this.t.sim.node(name);
    this.note(`start ${name} (incarnation ${runtime.incarnation})`);
    if (runtime.incarnation > 1) this.faults.restart(name);
    const prefix = `${name}.${runtime.incarnation}`;
    const groupEnds = this.replicas[gi].map((_, j) =>
      this.newEnd(runtime, `${prefix}->${this.serverName(gi, j)}`, this.serverName(gi, j)),
    );
    const ctrlerEnds = this.ctrlers.ends(runtime);
    r.ends = [...groupEnds, ...ctrlerEnds].map((e) => e.name);
    r.persister = r.persister?.copy() ?? new Persister();
    const server = this.kv.makeShardKV(
      groupEnds,
      i,
      r.persister,
      this.maxraftstate,
      this.gids[gi],
      ctrlerEnds,
      this.makeEndFor(runtime, 0),
      runtime,
    );
    if (!server || !server.raft || !server.handlers)
      fail(
        'contract',
        `makeShardKV(${i}, gid ${this.gids[gi]}) must return { kill(), raft, handlers }`,
      );
    r.server = server;
    r.runtime = runtime;
    this.net.addServer(
      name,
      new Server()
        .addService(new Service('ShardKV', server.handlers))
        .addService(new Service('Raft', server.raft.handlers)),
    );
  }

  /** Switches the network between reliable and unreliable (two tests end on a reliable one). */
  setReliable(reliable: boolean): void {
    if (reliable !== this.net.isReliable()) this.faults.reliable(reliable);
    this.net.setReliable(reliable);
  }

  shutdownGroup(gi: number): void {
    for (let i = 0; i < this.n; i++) this.shutdownServer(gi, i);
  }

  startGroup(gi: number): void {
    for (let i = 0; i < this.n; i++) this.startServer(gi, i);
  }

  // ---- configuration changes through the controller -----------------------------------------

  private groupServers(gi: number): string[] {
    return Array.from({ length: this.n }, (_, i) => this.serverName(gi, i));
  }

  join(gi: number): Promise<void> {
    return this.joinm([gi]);
  }

  /** One Join with every listed group. */
  async joinm(gis: readonly number[]): Promise<void> {
    this.note(`join ${gis.map((gi) => this.gids[gi]).join(' ')}`);
    await this.mck.join(
      Object.fromEntries(gis.map((gi) => [this.gids[gi], this.groupServers(gi)])),
    );
  }

  leave(gi: number): Promise<void> {
    return this.leavem([gi]);
  }

  /** One Leave with every listed group. */
  async leavem(gis: readonly number[]): Promise<void> {
    this.note(`leave ${gis.map((gi) => this.gids[gi]).join(' ')}`);
    await this.mck.leave(gis.map((gi) => this.gids[gi]));
  }

  query(num = -1): Promise<Config> {
    return this.mck.query(num);
  }

  // ---- clerks -------------------------------------------------------------------------------

  /** A controller service of NCTRLERS servers named `<prefix><i>` (TestRejection starts a second). */
  startCtrlers(prefix: string): CtrlerService {
    const service = new CtrlerService(this, prefix);
    this.ctrlerServices.push(service);
    return service;
  }

  /** A fresh node for a client of the cluster, stopped at cleanup. */
  clientNode(name: string): NodeRuntime {
    const runtime = this.t.sim.node(name);
    this.clerkRuntimes.push(runtime);
    return runtime;
  }

  /** A clerk on its own node, with fresh ends to the controllers and a makeEnd of its own. */
  makeClient(ctrlers: CtrlerService = this.ctrlers): ShardKVClerk {
    const runtime = this.clientNode(`clerk${this.clerkCount++}`);
    const info: { lastReplyFrom?: string } = {};
    const ck = this.kv.makeClerk(
      ctrlers.ends(runtime, CLERK_RPC_LATENCY_MS),
      this.makeEndFor(runtime, CLERK_RPC_LATENCY_MS, (s) => (info.lastReplyFrom = s)),
      runtime,
    );
    this.clerks.set(ck, info);
    return ck;
  }

  /** The server of the last reply the clerk received: the one that answered its last operation. */
  answeredBy(ck: ShardKVClerk): string | undefined {
    return this.clerks.get(ck)?.lastReplyFrom;
  }

  // ---- size probes ----------------------------------------------------------------------------

  /** Saved Raft state and snapshot of every server of every group, shut-down ones included. */
  persisters(): { name: string; raft: number; snapshot: number }[] {
    return this.replicas.flatMap((group, gi) =>
      group.map((r, i) => ({
        name: this.serverName(gi, i),
        raft: r.persister?.raftStateSize() ?? 0,
        snapshot: r.persister?.snapshotSize() ?? 0,
      })),
    );
  }

  /** The course's checklogs(): logs trimmed to 8 × maxraftstate, or no snapshot at all with -1. */
  checklogs(): void {
    for (const p of this.persisters()) {
      if (this.maxraftstate >= 0 && p.raft > 8 * this.maxraftstate)
        fail(
          'log-trimmed',
          `${p.name}: persister.raftStateSize() ${p.raft}, but maxraftstate ${this.maxraftstate}`,
        );
      if (this.maxraftstate < 0 && p.snapshot > 0)
        fail(
          'snapshot-size',
          `${p.name}: maxraftstate is -1, but snapshot is non-empty (${p.snapshot} bytes)!`,
        );
    }
  }

  // ---- bracketing ---------------------------------------------------------------------------

  begin(description: string): void {
    this.t.log(`${description} ...`);
    this.note(`begin ${description}`);
    this.section = {
      t0: this.t.sim.now(),
      rpcs0: this.net.getTotalCount(),
      bytes0: this.net.getTotalBytes(),
    };
    this.ops = 0;
  }

  /** The course prints "  ... Passed"; we add the figures the other parts print. */
  end(): void {
    this.checkTimeout();
    const s = this.section;
    if (!s) throw new Error('ShardKVCluster.end() without begin()');
    const stats = {
      virtualSeconds: (this.t.sim.now() - s.t0) / 1000,
      peers: NGROUPS * this.n,
      rpcs: this.net.getTotalCount() - s.rpcs0,
      bytes: this.net.getTotalBytes() - s.bytes0,
      commands: this.ops,
    };
    this.t.stats = stats;
    this.t.log(
      `  ... Passed --  ${stats.virtualSeconds.toFixed(1).padStart(4)}  ${stats.peers} ${String(stats.rpcs).padStart(6)} ${String(this.ops).padStart(5)}`,
    );
    this.section = undefined;
  }

  checkTimeout(): void {
    if (this.t.sim.now() - this.created > TEST_TIME_LIMIT_MS)
      fail('test-time-limit', `test took longer than ${TEST_TIME_LIMIT_MS / 1000} seconds`);
  }

  /** Shuts every group down, kills the controllers, closes the network; idempotent. */
  cleanup(): void {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    for (const o of this.oracles) o.detach();
    for (let gi = 0; gi < NGROUPS; gi++) this.shutdownGroup(gi);
    for (const c of this.ctrlerServices) c.kill();
    for (const r of this.clerkRuntimes) r.crash();
    this.net.cleanup();
  }
}
