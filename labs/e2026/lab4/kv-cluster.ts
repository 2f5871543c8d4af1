// The fixture of lab 4B/4C (the course's kvraft1 test.go with the parts of kvtest1 and tester1 it
// uses): the service cluster of 2023's labs 3 and 4 (partitions, crash and restart from a copy of
// the persister, size probes, the Raft safety oracles) with the learner's kvraft1 replicas
// plugged in, and the recorded clerk calls of lab 2 (get, put and their JSON forms) feeding the
// linearizability check against the versioned key/value model.
import type { Clerk, KVRaft1Module, KVServer, Version } from '../../../harness/contracts/kvraft1';
import { fail, type TestContext } from '../../../harness/scenario';
import { keyValueHost, ServiceCluster } from '../../lab4/service-cluster';
import { RecordedCalls, VersionedHistory } from '../lab2/history';

export { ELECTION_TIMEOUT_MS } from '../../lab4/service-cluster';

/** The course's linearizabilityCheckTimeout (real ms; ours is the search budget it stands for: checker/budget.ts). */
export const LINEARIZABILITY_TIMEOUT_MS = 1000;

/** What MakeTest is given: the course's knobs of one test. */
export interface KvOptions {
  part: '4B' | '4C';
  nclients: number;
  nservers: number;
  reliable: boolean;
  /** Shut down and restart every server after each iteration. */
  crash: boolean;
  /** Random server-to-server partitions while the clients run. */
  partitions: boolean;
  /** -1: never snapshot. */
  maxraftstate: number;
  /** Clients put to 100 keys at random instead of all to "k". */
  randomkeys: boolean;
}

/** The course's makeTitle; `label` is what the test gave MakeTest as its part ("4B basic"). */
export function kvTitle(o: KvOptions, label: string): string {
  let title = 'Test: ';
  if (o.crash) title += 'restarts, ';
  if (o.partitions) title += 'partitions, ';
  if (o.maxraftstate !== -1) title += 'snapshots, ';
  if (o.randomkeys) title += 'random keys, ';
  title += o.nclients > 1 ? 'many clients' : 'one client';
  return `${title} (${label})`;
}

export class KvRaftCluster extends ServiceCluster<KVServer, Clerk> {
  readonly history: VersionedHistory;
  /** The course's recorded Get, Put, GetJson and PutJson (into `history`, counted in ops). */
  readonly calls: RecordedCalls;

  constructor(
    t: TestContext,
    readonly options: KvOptions,
  ) {
    super(
      t,
      options.nservers,
      !options.reliable,
      keyValueHost(t.impl.layer<KVRaft1Module>('kvraft1'), options.maxraftstate, 'kvraft1/fixture'),
    );
    this.history = new VersionedHistory(() => t.sim.now());
    this.calls = new RecordedCalls(this.history, () => this.ops++);
  }

  get maxraftstate(): number {
    return this.options.maxraftstate;
  }

  /** The course's killall: every server shut down (cut off, persister kept, killed). */
  killAll(): void {
    for (const i of this.all) this.shutdownServer(i);
  }

  /** The course's restartall: every server started on its saved state, then all connected. */
  restartAll(): void {
    for (const i of this.all) this.startServer(i);
    this.connectAll();
  }

  /** The course's MakePartition(l): a majority without `l`, and the rest with `l`. */
  partitionAround(l: number): [number[], number[]] {
    const majority = Math.floor(this.n / 2) + 1;
    const others = this.all.filter((i) => i !== l);
    return [others.slice(0, majority), [...others.slice(majority), l]];
  }

  /** The course's PutAtLeastOnce: puts until OK, moving past versions an ErrMaybe or ErrVersion used. */
  async putAtLeastOnce(
    ck: Clerk,
    key: string,
    value: string,
    ver: Version,
    cli: number,
  ): Promise<Version> {
    for (;;) {
      const err = await this.calls.put(ck, key, value, ver, cli);
      if (err === 'OK') return ver + 1;
      if (err === 'ErrMaybe' || err === 'ErrVersion') ver++;
      else if (ver !== 0) fail('put-version', `Put ${key} ver ${ver} err ${err}`);
    }
  }

  /** The course's CheckGet: the key reads exactly (value, version). */
  async checkGet(ck: Clerk, key: string, value: string, version: Version): Promise<void> {
    const r = await this.calls.get(ck, key, 0);
    if (r.err !== 'OK') fail('wrong-value', `Get(${key}) returns error = ${r.err}`);
    if (r.value !== value || r.version !== version)
      fail(
        'wrong-value',
        `Get(${key}) returns (${r.value}, ${r.version}) != (${value}, ${version})`,
      );
  }

  checkPorcupine(courseMs = LINEARIZABILITY_TIMEOUT_MS): void {
    this.history.check(this.t, courseMs, this.faults.faults);
  }

  /** The course's RaftSize bound after snapshots: at most 8 * maxraftstate. */
  checkLogTrimmed(): void {
    const sz = this.logSize();
    if (sz > 8 * this.maxraftstate)
      fail('log-trimmed', `logs were not trimmed (${sz} > 8*${this.maxraftstate})`);
  }
}
