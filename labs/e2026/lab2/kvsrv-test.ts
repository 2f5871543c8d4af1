// The fixture of lab 2 (the course's kvsrv1 test.go with the parts of kvtest1 and tester1 it
// uses): one key/value server on a simulated network, reliable or with the course's unreliable
// setting (engine/rpc/network.ts: U[0..26] ms before delivery, a request and a reply each lost
// with p = 0.1, as labrpc does), and clerks each on their own node with one end to the server.
// The recorded wrappers (get, put and their JSON forms) feed the linearizability check.
import type { ClientEnd, Runtime } from '../../../harness/api';
import type { Clerk, KVServer, KVSrvModule } from '../../../harness/contracts/kvsrv';
import { Network, Server, Service } from '../../../engine/rpc';
import type { NodeRuntime } from '../../../engine/sim/simulator';
import { fail, type TestContext } from '../../../harness/scenario';
import { background } from '../../lab2/raft-scenario';
import { TEST_TIME_LIMIT_MS } from '../../lab2/raft';
import { testerSleep } from '../../lab4/service-cluster';
import { RecordedCalls, VersionedHistory } from './history';
import { Lent, reachableBytes } from './memory';

/** The course's linearizabilityCheckTimeout (real ms; ours is the search budget it stands for: checker/budget.ts). */
export const LINEARIZABILITY_TIMEOUT_MS = 1000;
const SERVER = 'server';

/** What a client of spawnClientsAndWait returns: puts that surely and maybe took effect. */
export interface ClntRes {
  nok: number;
  nmaybe: number;
}

/** A client's view of the spawn: whether the test has asked it to stop. */
export interface Done {
  readonly done: boolean;
}

export class TestKV {
  readonly net: Network;
  readonly history: VersionedHistory;
  /** The course's recorded Get, Put, GetJson and PutJson (into `history`, counted in ops). */
  readonly calls: RecordedCalls;
  private readonly kv: KVSrvModule;
  private readonly server: KVServer;
  private readonly serverRuntime: NodeRuntime;
  private readonly lent = new Lent();
  private readonly clerks = new Map<Clerk, NodeRuntime>();
  private clerkCount = 0;
  private section: { t0: number; rpcs0: number } | undefined;
  /** Clerk calls through the recorded wrappers since begin(), the course's ops figure. */
  ops = 0;

  constructor(
    readonly t: TestContext,
    readonly reliable: boolean,
  ) {
    this.kv = t.impl.layer<KVSrvModule>('kvsrv');
    this.net = new Network(t.sim);
    this.history = new VersionedHistory(() => t.sim.now());
    this.calls = new RecordedCalls(this.history, () => this.ops++);
    this.serverRuntime = t.sim.node(SERVER);
    this.server = this.kv.makeKVServer(this.lend(this.serverRuntime));
    if (!this.server || typeof this.server.handlers !== 'object' || !this.server.handlers)
      fail('contract', 'makeKVServer(runtime) must return { kill(), handlers }');
    this.net.addServer(
      SERVER,
      new Server().addService(new Service('KVServer', this.server.handlers)),
    );
    this.net.setReliable(reliable);
  }

  /** The runtime as the server sees it; it and what it hands out are left out of memoryBytes(). */
  private lend(rt: NodeRuntime): Runtime {
    const lent = this.lent;
    const view: Runtime = {
      name: rt.name,
      now: () => rt.now(),
      sleep: (ms, label) => rt.sleep(ms, label),
      setTimer: (ms, fn, label) => lent.add(rt.setTimer(ms, fn, label)),
      random: () => rt.random(),
      randomInt: (n) => rt.randomInt(n),
      signal: (description) => lent.add(rt.signal(description)),
      log: (topic, message) => rt.log(topic, message),
      invariant: (holds, message) => rt.invariant(holds, message),
      codec: lent.add(rt.codec),
      get crashed() {
        return rt.crashed;
      },
    };
    return lent.add(view);
  }

  /** What the server keeps, in counted bytes (memory.ts). */
  memoryBytes(): number {
    return reachableBytes(this.server, this.lent);
  }

  makeClerk(): Clerk {
    const name = `clerk${this.clerkCount++}`;
    const runtime = this.t.sim.node(name);
    const endName = `${name}->${SERVER}`;
    const end: ClientEnd = this.net.makeEnd(endName, runtime);
    this.net.connect(endName, SERVER);
    this.net.enable(endName, true);
    const ck = this.kv.makeClerk(end, runtime);
    this.clerks.set(ck, runtime);
    return ck;
  }

  /** The runtime of a clerk's node (the lock of the same client runs there). */
  runtimeOf(ck: Clerk): Runtime {
    const rt = this.clerks.get(ck);
    if (!rt) throw new Error('TestKV: this clerk was not made by this test');
    return rt;
  }

  deleteClerk(ck: Clerk): void {
    this.clerks.get(ck)?.crash();
    this.clerks.delete(ck);
  }

  // ---- clients, bracketing, checks -----------------------------------------------------------

  /**
   * The course's SpawnClientsAndWait: `n` clients, each with a fresh clerk, run `fn` until told
   * to stop after `ms` virtual milliseconds; resolves to their results in client order.
   */
  async spawnClientsAndWait<T>(
    n: number,
    ms: number,
    fn: (me: number, ck: Clerk, stop: Done) => Promise<T>,
  ): Promise<T[]> {
    const stop = { done: false };
    const tasks = Array.from({ length: n }, (_, me) =>
      background(this.t, `client ${me}`, async () => {
        const ck = this.makeClerk();
        const result = await fn(me, ck, stop);
        this.deleteClerk(ck);
        return result;
      }),
    );
    await this.sleep(ms, 'clients run');
    stop.done = true;
    return (await Promise.all(tasks)) as T[];
  }

  sleep(ms: number, label = 'test sleep'): Promise<void> {
    return testerSleep(this.t.sim, ms, label);
  }

  begin(description: string): void {
    const line = `${description} (${this.reliable ? 'reliable' : 'unreliable'} network)...`;
    this.t.log(line);
    this.t.sim.record('test', 'tester', `begin ${description}`);
    this.section = { t0: this.t.sim.now(), rpcs0: this.net.getTotalCount() };
    this.ops = 0;
  }

  /** The course's closing line: time, servers, RPCs, ops. */
  end(): void {
    if (this.t.sim.now() > TEST_TIME_LIMIT_MS)
      fail('test-time-limit', 'test took longer than 120 seconds');
    const s = this.section ?? { t0: 0, rpcs0: 0 };
    const seconds = (this.t.sim.now() - s.t0) / 1000;
    const rpcs = this.net.getTotalCount() - s.rpcs0;
    this.t.log(
      `  ... Passed --  ${seconds.toFixed(1).padStart(4)}  1 ${String(rpcs).padStart(5)} ${String(this.ops).padStart(4)}`,
    );
    this.t.stats = {
      virtualSeconds: seconds,
      peers: 1,
      rpcs,
      bytes: this.net.getTotalBytes(),
      commands: this.ops,
    };
  }

  checkPorcupine(courseMs = LINEARIZABILITY_TIMEOUT_MS): void {
    this.history.check(this.t, courseMs);
  }

  cleanup(): void {
    this.server.kill();
    this.serverRuntime.crash();
    for (const rt of this.clerks.values()) rt.crash();
    this.net.cleanup();
  }
}

/** Runs `body` on a fresh TestKV, then end() and cleanup() as the course's deferred calls. */
export async function withTestKV(
  t: TestContext,
  reliable: boolean,
  body: (ts: TestKV) => Promise<void>,
): Promise<void> {
  const ts = new TestKV(t, reliable);
  try {
    await body(ts);
    ts.end();
  } finally {
    ts.cleanup();
  }
}
