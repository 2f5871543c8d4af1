// The fixture of lab 4A (the course's kvraft1/rsm test.go and server.go, 2025-2026): three
// replicas, each a counter state machine of the tester's on the learner's rsm layer (and the rsm's
// Raft), on the service cluster of 2023's lab 3 and 4 (partitions, crash and restart from a copy
// of the persister, size probes, the Raft safety oracles). The tester submits commands straight
// to a replica's rsm, as the course's tester calls Submit in the same process. Commands: Inc adds
// one and returns the new count, Null does nothing, Dec must never be executed (the course's
// server dies on it); results are plain objects, `{ n }` for Inc.
import type { ClientEnd, Handler, PersisterApi, Runtime } from '../../../harness/api';
import type { RaftPeer } from '../../../harness/contracts/raft';
import type { RSM, RSMModule, StateMachine, SubmitResult } from '../../../harness/contracts/rsm';
import { fail, type TestContext } from '../../../harness/scenario';
import { ServiceCluster, type ServiceHost } from '../../lab4/service-cluster';

/** The course's NSRV and NSEC: three replicas; a submission is retried for up to 10 s. */
export const NSRV = 3;
export const NSEC = 10;

export type Command = { op: 'Inc' } | { op: 'Null' } | { op: 'Dec' };
export const Inc: Command = Object.freeze({ op: 'Inc' });
export const Null: Command = Object.freeze({ op: 'Null' });
export const Dec: Command = Object.freeze({ op: 'Dec' });
export interface IncRep {
  n: number;
}

/** One replica: the tester's counter, and the learner's rsm that runs commands on it. */
export class CounterServer implements StateMachine {
  counter = 0;
  readonly rsm: RSM;
  readonly handlers: Readonly<Record<string, Handler>> = {};

  constructor(
    rsmModule: RSMModule,
    ends: ClientEnd[],
    readonly me: number,
    persister: PersisterApi,
    maxraftstate: number,
    private readonly runtime: Runtime,
  ) {
    this.rsm = rsmModule.makeRSM(ends, me, persister, maxraftstate, this, runtime);
    if (!this.rsm || typeof this.rsm.submit !== 'function' || !this.rsm.raft)
      fail('contract', `makeRSM(${me}) must return { submit(), raft, kill() }`);
  }

  get raft(): RaftPeer {
    return this.rsm.raft;
  }

  kill(): void {
    this.rsm.kill();
  }

  doOp(req: unknown): unknown {
    const op = (req as Partial<Command> | null)?.op;
    if (op === 'Inc') return { n: ++this.counter } satisfies IncRep;
    if (op === 'Null') return {};
    // The course's server stops the test here (log.Fatalf): only Inc and Null may be executed.
    fail(
      'rsm-executed',
      `server ${this.me}: doOp should execute only Inc and Null, not ${describe(req)}`,
    );
  }

  snapshot(): Uint8Array {
    return this.runtime.codec.encode(this.counter);
  }

  restore(data: Uint8Array): void {
    const n = this.runtime.codec.decode<unknown>(data);
    if (typeof n !== 'number')
      fail(
        'rsm-executed',
        `server ${this.me}: restore() was given bytes that are not a snapshot() of this counter`,
      );
    this.counter = n;
  }
}

function describe(req: unknown): string {
  const s = JSON.stringify(req);
  return s === undefined ? String(req) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function rsmHost(
  rsm: RSMModule,
  maxraftstate: number,
  made: (s: CounterServer) => void,
): ServiceHost<CounterServer, never> {
  return {
    service: 'RSM',
    rngStream: 'rsm/fixture',
    startName: 'makeRSM',
    start: (ends, me, persister, runtime) => {
      const s = new CounterServer(rsm, ends, me, persister, maxraftstate, runtime);
      made(s);
      return s;
    },
    makeClerk: () => {
      throw new Error('the rsm tests have no clerks: the tester submits to the replicas');
    },
    passedLine: (s) =>
      `  ... Passed --  ${s.seconds.toFixed(1).padStart(4)}  ${s.peers} ${String(s.rpcs).padStart(5)} ${String(s.ops).padStart(4)}`,
  };
}

export class RsmCluster extends ServiceCluster<CounterServer, never> {
  /** Each server's latest incarnation, also once it is shut down (the course counts it). */
  private readonly latest: CounterServer[] = [];
  /** The course's ServerGrp.connected: cleared by any disconnect, set by any connect. */
  private connected: boolean[] | undefined;
  /** The replica that last completed a submission: where onePartition starts. */
  leaderHint = 0;

  constructor(
    t: TestContext,
    readonly maxraftstate: number,
  ) {
    const latest: CounterServer[] = [];
    super(
      t,
      NSRV,
      false,
      rsmHost(t.impl.layer<RSMModule>('rsm'), maxraftstate, (s) => (latest[s.me] = s)),
    );
    this.latest = latest;
    this.connected = new Array<boolean>(NSRV).fill(true);
  }

  override connect(i: number, to: readonly number[]): void {
    if (this.connected) this.connected[i] = true;
    super.connect(i, to);
  }

  override disconnect(i: number, from: readonly number[]): void {
    if (this.connected) this.connected[i] = false;
    super.disconnect(i, from);
  }

  isConnected(i: number): boolean {
    return this.connected?.[i] ?? false;
  }

  /** The replica `i` as the tester sees it now (undefined while it is down). */
  replica(i: number): CounterServer | undefined {
    return this.servers[i];
  }

  /** The course's kill(srvs): every server shut down (cut off, persister kept, killed). */
  killAll(): void {
    for (const i of this.all) this.shutdownServer(i);
  }

  /** The course's restart(srvs): every server started on its saved state, then all connected. */
  restartAll(): void {
    for (const i of this.all) this.startServer(i);
    this.connectAll();
  }

  /**
   * The course's onePartition: submit `req` to the replica last seen leading, then the next ones,
   * among the connected replicas in partition `p` (all if undefined), every 50 ms for up to NSEC
   * seconds; the result of the first submission that is applied, or undefined.
   */
  async onePartition(p: readonly number[] | undefined, req: Command): Promise<unknown> {
    const t0 = this.t.sim.now();
    while (this.t.sim.now() - t0 < NSEC * 1000) {
      let index = this.leaderHint;
      for (let k = 0; k < NSRV; k++) {
        const s = this.servers[index];
        if (this.isConnected(index) && s && (!p || p.includes(index))) {
          const r = await submitChecked(s, req);
          if (r.err === 'OK') {
            this.ops++;
            this.leaderHint = index;
            return r.value;
          }
        }
        index = (index + 1) % NSRV;
      }
      await this.sleep(50, 'onePartition: no leader, try again');
    }
    return undefined;
  }

  /** oneInc: the count an Inc returned ({ n: 0 } if none was applied within NSEC seconds). */
  async oneInc(): Promise<IncRep> {
    const rep = await this.onePartition(undefined, Inc);
    if (rep === undefined) return { n: 0 };
    return incRep(rep);
  }

  async oneNull(): Promise<void> {
    await this.onePartition(undefined, Null);
  }

  /** The course's checkCounter: within about 16 s, at least `nsrv` replicas count `v`. */
  async checkCounter(v: number, nsrv: number): Promise<void> {
    let to = 10;
    let n = 0;
    for (let iters = 0; iters < 30; iters++) {
      n = this.latest.filter((s) => s.counter === v).length;
      if (n >= nsrv) return;
      await this.sleep(to, 'checkCounter');
      if (to < 1000) to *= 2;
    }
    fail('rsm-counter', `checkCounter: only ${n} srvs have ${v} instead of ${nsrv}`);
  }

  /** The course's MakePartition(l): the others in the majority, `l` alone. */
  partitionOff(l: number): [number[], number[]] {
    const p1 = this.all.filter((i) => i !== l);
    const p2 = [l];
    this.partition(p1, p2);
    return [p1, p2];
  }
}

/** A submission's outcome, checked against the contract's shape. */
export async function submitChecked(s: CounterServer, req: Command): Promise<SubmitResult> {
  const r = await s.rsm.submit(req);
  if (!r || (r.err !== 'OK' && r.err !== 'ErrWrongLeader'))
    fail(
      'contract',
      `submit() on server ${s.me} resolved to ${describe(r)}: expected { err: 'OK' | 'ErrWrongLeader', value }`,
    );
  return r;
}

/** An Inc's result; anything else is another command's result handed to this Inc. */
export function incRep(rep: unknown): IncRep {
  const n = (rep as Partial<IncRep> | null)?.n;
  if (typeof n !== 'number')
    fail('rsm-result', `an Inc was answered with ${describe(rep)}, not an Inc's result { n }`);
  return { n };
}
