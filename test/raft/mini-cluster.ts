// A deliberately small Raft cluster for unit-level checks of the reference (src/raft) without the
// lab fixture: n peers on one simulated network, an applier that checks strict order and agreement,
// connect/disconnect, crash/restart with the persister kept. The graded tests use the labs' fixtures (labs/lab2/raft.ts).
import { Network, Server, Service } from '../../engine/rpc';
import { Persister } from '../../engine/persister';
import { decode, encode } from '../../engine/codec';
import type { NodeRuntime, Simulator } from '../../engine/sim/simulator';
import type { ApplyMsg, RaftModule, RaftPeer } from '../../harness/contracts/raft';
import { makeRaft as referenceMakeRaft } from '../../src/raft';

export class MiniCluster {
  readonly net: Network;
  readonly rafts: (RaftPeer | undefined)[];
  readonly runtimes: (NodeRuntime | undefined)[];
  readonly persisters: Persister[];
  readonly connected: boolean[];
  /** What each server applied, by index (kept across restarts, as the course's tester does). */
  readonly logs: Map<number, unknown>[];
  readonly lastApplied: number[];
  private readonly endNames: string[][];
  private generation = 0;
  readonly errors: string[] = [];

  constructor(
    readonly sim: Simulator,
    readonly n: number,
    private readonly makeRaft: RaftModule['makeRaft'] = referenceMakeRaft,
  ) {
    this.net = new Network(sim);
    this.rafts = new Array(n).fill(undefined);
    this.runtimes = new Array(n).fill(undefined);
    this.persisters = Array.from({ length: n }, () => new Persister());
    this.connected = new Array(n).fill(false);
    this.logs = Array.from({ length: n }, () => new Map());
    this.lastApplied = new Array(n).fill(0);
    this.endNames = Array.from({ length: n }, () => new Array(n).fill(''));
    for (let i = 0; i < n; i++) this.start(i);
    for (let i = 0; i < n; i++) this.connect(i);
  }

  start(i: number): void {
    this.crash(i);
    this.generation++;
    const rt = this.sim.node(`S${i}`);
    const ends = [];
    for (let j = 0; j < this.n; j++) {
      const name = `g${this.generation}-${i}-${j}`;
      this.endNames[i][j] = name;
      ends.push(this.net.makeEnd(name, rt));
      this.net.connect(name, j);
    }
    const persister = this.persisters[i];
    const snapshot = persister.readSnapshot();
    this.lastApplied[i] = snapshot.length > 0 ? this.ingest(i, snapshot) : 0;
    const raft = this.makeRaft(ends, i, persister, async (msg) => this.apply(i, raft, msg), rt);
    this.rafts[i] = raft;
    this.runtimes[i] = rt;
    this.net.addServer(i, new Server().addService(new Service('Raft', raft.handlers)));
  }

  crash(i: number): void {
    this.disconnect(i);
    this.net.deleteServer(i);
    this.persisters[i] = this.persisters[i].copy();
    this.rafts[i]?.kill();
    this.runtimes[i]?.crash();
    this.rafts[i] = undefined;
    this.runtimes[i] = undefined;
  }

  connect(i: number): void {
    this.connected[i] = true;
    for (let j = 0; j < this.n; j++) {
      if (!this.connected[j]) continue;
      if (this.endNames[i][j]) this.net.enable(this.endNames[i][j], true);
      if (this.endNames[j][i]) this.net.enable(this.endNames[j][i], true);
    }
  }

  disconnect(i: number): void {
    this.connected[i] = false;
    for (let j = 0; j < this.n; j++) {
      if (this.endNames[i][j]) this.net.enable(this.endNames[i][j], false);
      if (this.endNames[j][i]) this.net.enable(this.endNames[j][i], false);
    }
  }

  leaders(): number[] {
    return this.rafts.flatMap((r, i) =>
      r && this.connected[i] && r.getState().isLeader ? [i] : [],
    );
  }

  nCommitted(index: number): number {
    return this.logs.filter((l) => l.has(index)).length;
  }

  /** Snapshots are [lastIncludedIndex, commands...]: what the course's snapshot applier builds. */
  snapshotEvery = 0;

  private ingest(i: number, bytes: Uint8Array): number {
    const [index, xlog] = decode<[number, unknown[]]>(bytes);
    this.logs[i] = new Map(xlog.map((c, j) => [j, c] as [number, unknown]));
    return index;
  }

  private async apply(i: number, raft: RaftPeer, msg: ApplyMsg): Promise<void> {
    if (msg.snapshotValid) {
      const index = this.ingest(i, msg.snapshot);
      if (index !== msg.snapshotIndex)
        this.errors.push(`S${i}: snapshot index ${msg.snapshotIndex} but bytes say ${index}`);
      this.lastApplied[i] = index;
      return;
    }
    const index = msg.commandIndex;
    if (index !== this.lastApplied[i] + 1)
      this.errors.push(`S${i}: applied ${index} after ${this.lastApplied[i]}`);
    for (let j = 0; j < this.n; j++) {
      const other = this.logs[j].get(index);
      if (other !== undefined && other !== msg.command)
        this.errors.push(
          `index ${index}: S${i} has ${String(msg.command)} but S${j} has ${String(other)}`,
        );
    }
    this.logs[i].set(index, msg.command);
    this.lastApplied[i] = index;
    if (this.snapshotEvery > 0 && (index + 1) % this.snapshotEvery === 0) {
      const xlog = Array.from({ length: index + 1 }, (_, j) => this.logs[i].get(j) ?? null);
      raft.snapshot(index, encode([index, xlog]));
    }
  }
}
