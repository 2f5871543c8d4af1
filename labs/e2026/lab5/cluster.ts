// The fixture of lab 5 (the course's shardkv1 test.go with the parts of tester1 and kvtest1 it
// uses): the controller's lab-2 key/value server ("kvsrv", the learner's kvsrv layer), shard groups
// of NSRV replicas on the learner's shardkv1 layer started and stopped by gid, controllers and clerks
// on nodes of their own that can be cut off whole (the course's clnt.DisconnectAll), the Raft
// safety oracle of every group, the ownership oracle (ownership.ts), and the recorded clerk calls of
// lab 2 feeding the linearizability check against the versioned key/value model.
import type { ClientEnd } from '../../../harness/api';
import type {
  Clerk,
  Err,
  GetResult,
  ShardCtrler,
  ShardKV1Module,
  Version,
} from '../../../harness/contracts/shardkv1';
import type { KVServer, KVSrvModule } from '../../../harness/contracts/kvsrv';
import { Persister } from '../../../engine/persister';
import { Network, Server, Service } from '../../../engine/rpc';
import type { NodeRuntime } from '../../../engine/sim/simulator';
import { fail, type TestContext } from '../../../harness/scenario';
import { FaultLog } from '../../lab3/faults';
import { TEST_TIME_LIMIT_MS } from '../../lab2/raft';
import { watchRaftSafety, type RaftSafetyOracle } from '../../lab2/raft-oracle';
import { testerSleep } from '../../lab4/service-cluster';
import { VersionedHistory } from '../lab2/history';
import { OwnershipOracle } from './ownership';

/** Servers per group (the course's NSRV). */
export const NSRV = 3;
/** The course's linearizabilityCheckTimeout (real time). */
export const LINEARIZABILITY_TIMEOUT_MS = 1000;
const KVSRV = 'kvsrv';

/** A node of a controller or clerk, whose ends can all be cut and restored at once. */
export class ClientNode {
  readonly ends: string[] = [];
  connected = true;
  constructor(readonly runtime: NodeRuntime) {}
}

interface Replica {
  server?: { kill(): void; raft: { getState(): { isLeader: boolean } } };
  runtime?: NodeRuntime;
  persister?: Persister;
  ends: string[];
}

interface Group {
  replicas: Replica[];
  oracle: RaftSafetyOracle;
}

export class Lab5Cluster {
  readonly net: Network;
  readonly history: VersionedHistory;
  readonly faults: FaultLog;
  readonly module: ShardKV1Module;
  private readonly kvsrv: KVServer;
  private readonly kvsrvRuntime: NodeRuntime;
  private readonly groups = new Map<number, Group>();
  private readonly nodes: ClientNode[] = [];
  private readonly endsTo = new Map<string, string[]>();
  /** Puts that reached the controller's key/value server, by the caller's node name. */
  private readonly kvsrvPuts = new Map<string, number>();
  readonly ownership: OwnershipOracle;
  private readonly created: number;
  private nodeCount = 0;
  private endCount = 0;
  private section: { t0: number; rpcs0: number; bytes0: number } | undefined;
  private cleanedUp = false;
  ops = 0;

  constructor(
    readonly t: TestContext,
    readonly reliable: boolean,
    readonly maxraftstate: number,
  ) {
    this.module = t.impl.layer<ShardKV1Module>('shardkv1');
    this.net = new Network(t.sim);
    this.history = new VersionedHistory(() => t.sim.now());
    this.faults = new FaultLog(() => t.sim.now());
    this.ownership = new OwnershipOracle(t);
    this.created = t.sim.now();
    this.kvsrvRuntime = t.sim.node(KVSRV);
    this.kvsrv = t.impl.layer<KVSrvModule>('kvsrv').makeKVServer(this.kvsrvRuntime);
    if (!this.kvsrv || typeof this.kvsrv.handlers !== 'object')
      fail('contract', 'makeKVServer(runtime) must return { kill(), handlers }');
    const kvsrvServer = new Server().addService(new Service('KVServer', this.kvsrv.handlers));
    kvsrvServer.onRequest = (method, caller) => {
      if (method === 'KVServer.Put') this.kvsrvPuts.set(caller, this.putsReceivedFrom(caller) + 1);
    };
    this.net.addServer(KVSRV, kvsrvServer);
    this.net.setReliable(reliable);
    if (!reliable) this.faults.reliable(false);
  }

  sleep(ms: number, label = 'test sleep'): Promise<void> {
    return testerSleep(this.t.sim, ms, label);
  }

  note(what: string): void {
    this.t.sim.record('test', 'tester', what);
  }

  // ---- ends ---------------------------------------------------------------------------------

  private newEnd(runtime: NodeRuntime, server: string, enabled: boolean): ClientEnd {
    const name = `${runtime.name}.${runtime.incarnation}~${++this.endCount}->${server}`;
    const end = this.net.makeEnd(name, runtime);
    this.net.connect(name, server);
    this.net.enable(name, enabled);
    const list = this.endsTo.get(server) ?? [];
    list.push(name);
    this.endsTo.set(server, list);
    return end;
  }

  /** A node for a controller or clerk; its makeEnd's ends follow the node's connection. */
  clientNode(prefix: string): ClientNode {
    const node = new ClientNode(this.t.sim.node(`${prefix}${this.nodeCount++}`));
    this.nodes.push(node);
    return node;
  }

  makeEndFor(node: ClientNode): (server: string) => ClientEnd {
    return (server: string) => {
      if (typeof server !== 'string')
        throw new TypeError(
          `makeEnd(name): name must be a server name string, got ${JSON.stringify(server)}`,
        );
      const end = this.newEnd(node.runtime, server, node.connected);
      node.ends.push(end.name);
      return end;
    };
  }

  /** The course's clnt.DisconnectAll / ConnectAll: every end of the node, made or to be made. */
  setConnected(node: ClientNode, connected: boolean): void {
    this.note(`${connected ? 'reconnect' : 'cut off'} ${node.runtime.name}`);
    node.connected = connected;
    for (const e of node.ends) this.net.enable(e, connected);
  }

  /** The course's DeleteClient: the node stops (its calls in progress never return). */
  deleteNode(node: ClientNode): void {
    this.setConnected(node, false);
    node.runtime.crash();
  }

  /**
   * How many Put requests from `node` have reached the key/value server's handler. The server has
   * only Get and Put, so a controller's change leaves its mark there through Puts alone, whatever
   * the implementation keeps in it.
   */
  putsReceivedFrom(node: ClientNode | string): number {
    return this.kvsrvPuts.get(typeof node === 'string' ? node : node.runtime.name) ?? 0;
  }

  // ---- controllers and clerks ---------------------------------------------------------------

  /** A controller on its own node (the course's makeShardCtrlerClnt). */
  makeShardCtrler(): { sck: ShardCtrler; node: ClientNode } {
    const node = this.clientNode('ctrler');
    const makeEnd = this.makeEndFor(node);
    const sck = this.module.makeShardCtrler(makeEnd(KVSRV), makeEnd, node.runtime);
    if (!sck || typeof sck.changeConfigTo !== 'function')
      fail('contract', 'makeShardCtrler(kvsrv, makeEnd, runtime) must return a ShardCtrler');
    return { sck, node };
  }

  /** A clerk of the service on its own node, with a controller of its own for its queries. */
  makeClerk(): Clerk {
    const node = this.clientNode('clerk');
    const makeEnd = this.makeEndFor(node);
    const sck = this.module.makeShardCtrler(makeEnd(KVSRV), makeEnd, node.runtime);
    return this.module.makeClerk(sck, makeEnd, node.runtime);
  }

  // ---- groups -------------------------------------------------------------------------------

  serverName(gid: number, i: number): string {
    return `grp${gid}-${i}`;
  }

  srvNames(gid: number): string[] {
    return Array.from({ length: NSRV }, (_, i) => this.serverName(gid, i));
  }

  /** The course's MakeGroupStart: a fresh group (fresh persisters), every server started. */
  makeGroupStart(gid: number): void {
    const old = this.groups.get(gid);
    if (old) this.exitGroup(gid);
    const replicas: Replica[] = Array.from({ length: NSRV }, () => ({ ends: [] }));
    const oracle = watchRaftSafety(this.t.sim, {
      n: NSRV,
      name: `group ${gid}`,
      peer: (i) => replicas[i].server?.raft as never,
      node: (i) => this.serverName(gid, i),
    });
    this.groups.set(gid, { replicas, oracle });
    this.note(`make group ${gid}`);
    this.startServers(gid);
  }

  private group(gid: number): Group {
    const g = this.groups.get(gid);
    if (!g) throw new Error(`lab 5 fixture: group ${gid} was never started`);
    return g;
  }

  startServers(gid: number): void {
    for (let i = 0; i < NSRV; i++) this.startServer(gid, i);
  }

  /** The course's Shutdown: every server of the group down, persisters kept. */
  shutdownGroup(gid: number): void {
    for (let i = 0; i < NSRV; i++) this.shutdownServer(gid, i);
  }

  /** The course's ExitGroup: the group down for good. */
  exitGroup(gid: number): void {
    const g = this.groups.get(gid);
    if (!g) return;
    this.shutdownGroup(gid);
    g.oracle.detach();
    this.groups.delete(gid);
  }

  shutdownServer(gid: number, i: number): void {
    const r = this.group(gid).replicas[i];
    const name = this.serverName(gid, i);
    if (r.server && !this.cleanedUp) {
      this.note(`shut down ${name}`);
      this.faults.crash(name);
    }
    for (const e of r.ends) this.net.enable(e, false);
    this.net.deleteServer(name);
    if (r.persister) r.persister = r.persister.copy();
    r.server?.kill();
    r.runtime?.crash();
    r.server = undefined;
    r.runtime = undefined;
  }

  startServer(gid: number, i: number): void {
    const r = this.group(gid).replicas[i];
    if (r.server) this.shutdownServer(gid, i);
    const name = this.serverName(gid, i);
    const runtime = this.t.sim.node(name);
    this.note(`start ${name} (incarnation ${runtime.incarnation})`);
    if (runtime.incarnation > 1) this.faults.restart(name);
    const ends = this.srvNames(gid).map((to) => this.newEnd(runtime, to, true));
    r.ends = ends.map((e) => e.name);
    r.persister = r.persister?.copy() ?? new Persister();
    const server = this.module.makeShardGrp(ends, gid, i, r.persister, this.maxraftstate, runtime);
    if (!server || !server.raft || !server.handlers)
      fail('contract', `makeShardGrp(gid ${gid}, ${i}) must return { kill(), raft, handlers }`);
    r.server = server;
    r.runtime = runtime;
    this.net.addServer(
      name,
      new Server()
        .addService(new Service('ShardGrp', this.ownership.wrap(gid, name, server.handlers)))
        .addService(new Service('Raft', server.raft.handlers)),
    );
  }

  /** The group's server whose Raft leads (the first, in index order), if any. */
  leader(gid: number): number | undefined {
    const g = this.group(gid);
    const i = g.replicas.findIndex((r) => r.server?.raft.getState().isLeader);
    return i < 0 ? undefined : i;
  }

  /** Cuts server i of the group off from everyone (its own ends and every end to it). */
  disconnectServer(gid: number, i: number): void {
    const name = this.serverName(gid, i);
    this.note(`disconnect ${name}`);
    this.faults.crash(name);
    for (const e of this.group(gid).replicas[i].ends) this.net.enable(e, false);
    for (const e of this.endsTo.get(name) ?? []) this.net.enable(e, false);
  }

  // ---- size probes --------------------------------------------------------------------------

  snapshotSize(gid: number): number {
    return Math.max(0, ...this.group(gid).replicas.map((r) => r.persister?.snapshotSize() ?? 0));
  }

  // ---- recorded calls -----------------------------------------------------------------------

  async get(ck: Clerk, key: string, cli: number): Promise<GetResult> {
    const op = this.history.begin(cli, { op: 'get', key });
    const r = await ck.get(key);
    this.ops++;
    op.end({ err: r.err, value: r.value, version: r.version }, this.history.stamp());
    return r;
  }

  async put(ck: Clerk, key: string, value: string, version: Version, cli: number): Promise<Err> {
    const op = this.history.begin(cli, { op: 'put', key, value, version });
    const err = await ck.put(key, value, version);
    this.ops++;
    op.end({ err }, this.history.stamp());
    return err;
  }

  /** The course's CheckGet: the key reads exactly (value, version). */
  async checkGet(ck: Clerk, key: string, value: string, version: Version): Promise<void> {
    const r = await this.get(ck, key, 0);
    if (r.err !== 'OK') fail('wrong-value', `Get(${key}) returns error = ${r.err}`);
    if (r.value !== value || r.version !== version)
      fail(
        'wrong-value',
        `Get(${key}) returns (${JSON.stringify(r.value)}, ${r.version}) != (${JSON.stringify(value)}, ${version})`,
      );
  }

  checkPorcupine(): void {
    this.history.check(this.t, LINEARIZABILITY_TIMEOUT_MS, this.faults.faults);
  }

  // ---- bracketing ---------------------------------------------------------------------------

  begin(description: string): void {
    this.t.log(`${description}`);
    this.note(`begin ${description}`);
    this.section = {
      t0: this.t.sim.now(),
      rpcs0: this.net.getTotalCount(),
      bytes0: this.net.getTotalBytes(),
    };
    this.ops = 0;
  }

  end(): void {
    if (this.t.sim.now() - this.created > TEST_TIME_LIMIT_MS)
      fail('test-time-limit', `test took longer than ${TEST_TIME_LIMIT_MS / 1000} seconds`);
    const s = this.section;
    if (!s) throw new Error('Lab5Cluster.end() without begin()');
    const peers = 1 + NSRV * this.groups.size;
    const stats = {
      virtualSeconds: (this.t.sim.now() - s.t0) / 1000,
      peers,
      rpcs: this.net.getTotalCount() - s.rpcs0,
      bytes: this.net.getTotalBytes() - s.bytes0,
      commands: this.ops,
    };
    this.t.stats = stats;
    this.t.log(
      `  ... Passed --  ${stats.virtualSeconds.toFixed(1).padStart(4)}  ${peers} ${String(stats.rpcs).padStart(6)} ${String(this.ops).padStart(5)}`,
    );
    this.section = undefined;
  }

  cleanup(): void {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    for (const gid of [...this.groups.keys()]) this.exitGroup(gid);
    this.kvsrv.kill();
    this.kvsrvRuntime.crash();
    for (const n of this.nodes) n.runtime.crash();
    this.net.cleanup();
  }
}
