// Swarm test for the lock of lab 2 (ours, 2026 edition, part 2LOCK; not in the score): every seed
// draws a world and a schedule of faults on the lock's clerks (lock-swarm-plan.ts): clerks cut off
// from the server for a while, clerks crashed for good, now or part way into an acquire, a hold or a
// release (the RPCs they had sent may still arrive). Each clerk loops over rounds on a random lock:
// acquire, then the course's check while holding (its lock's guard key must read "", the clerk
// writes its number there, waits, and writes "" back), then release. The run is a chaos phase
// (the schedule), then a liveness phase: the network heals and turns reliable, and within
// LIVENESS_MS every live clerk must finish its round in flight and then one round on every lock no
// crashed clerk may hold. Checked throughout: mutual exclusion, judged as the course's lock tests
// are in our fixture (lock-tests.ts: a clerk whose acquire returns while another holds the lock),
// where a clerk that crashed holding a lock holds it for good; and the guard keys. At the end, the
// whole versioned history (the lock's own gets and puts and the guard keys') must be linearizable
// on the key/value model. A lock a crashed clerk may hold (it crashed in an acquire, holding, or in
// a release) is lost by design: the course's lock has no lease, so nobody can take it over, and
// the liveness phase does not ask for it, nor of a clerk stuck waiting for it.
import type { Clerk } from '../../../harness/contracts/kvsrv';
import type { Lock, LockModule } from '../../../harness/contracts/lock';
import type { Runtime } from '../../../harness/api';
import { fail, type Scenario, type TestContext } from '../../../harness/scenario';
import { background } from '../../lab2/raft-scenario';
import { runLevel } from '../../ours/levels';
import type { SwarmFamily } from '../../swarm-family';
import { planFromParams } from '../../ours/swarm-faults';
import { TestKV } from './kvsrv-test';
import { PART_LOCK } from './lock-tests';
import * as plans from './lock-swarm-plan';
import type { LockSwarmFault, LockSwarmKnobs, LockSwarmPlan } from './lock-swarm-plan';

/** After the heal, every live clerk must finish its rounds within this (virtual ms). */
export const LIVENESS_MS = 10_000;
/** The family's levels: it needs a lock, and its server is the reference's or the learner's 2KV. */
export const LOCK_SWARM_LEVELS = [PART_LOCK] as const;

type Phase = 'idle' | 'acquire' | 'hold' | 'release';
const lockName = (l: number) => `lock${l}`;
const guardKey = (l: number) => `guard${l}`;

/** One clerk of the swarm: its lock clients, what it is doing, and how it ended. */
interface SwarmClerk {
  readonly me: number;
  readonly ck: Clerk;
  readonly runtime: Runtime;
  readonly endName: string;
  /** Its client of each lock, through the recorded clerk (the history sees the lock's calls). */
  readonly locks: Lock[];
  phase: Phase;
  /** The lock of its round in flight. */
  lock: number;
  /** What it was doing when it crashed. */
  crashed?: { phase: Phase; lock: number };
  /** A crash fault waiting for the clerk's next acquire, hold or release. */
  armed?: { during: Phase; afterMs: number };
  cutUntil: number;
}

/** The clerks, the faults on them, and the mutual-exclusion oracle. */
class LockWorld {
  readonly clerks: SwarmClerk[];
  /** The holder of each lock, live or crashed (a crashed holder holds it for good). */
  private readonly holders = new Map<number, SwarmClerk>();
  /**
   * The crashed clerks that may hold each lock: they crashed in an acquire (its put may have
   * landed), holding it, or in a release (its put may not have). Another clerk's acquire of the
   * lock ends the claim: versions only grow, so a dead clerk's put still on its way fails then.
   */
  private readonly claims = new Map<number, SwarmClerk[]>();
  finished = false;

  constructor(
    readonly t: TestContext,
    readonly ts: TestKV,
    readonly k: LockSwarmKnobs,
  ) {
    const module = t.impl.layer<LockModule>('lock');
    this.clerks = Array.from({ length: k.clients }, (_, me) => {
      const ck = ts.makeClerk();
      const runtime = ts.runtimeOf(ck);
      const recorded: Clerk = {
        get: (key) => ts.calls.get(ck, key, me),
        put: (key, value, version) => ts.calls.put(ck, key, value, version, me),
      };
      const locks = Array.from({ length: k.locks }, (_, l) => {
        const lock = module.makeLock(recorded, lockName(l), runtime);
        if (!lock || typeof lock.acquire !== 'function' || typeof lock.release !== 'function')
          fail('contract', 'makeLock(ck, name, runtime) must return { acquire(), release() }');
        return lock;
      });
      // TestKV names a clerk's end "<its node>->server".
      const endName = `${runtime.name}->server`;
      return { me, ck, runtime, endName, locks, phase: 'idle', lock: -1, cutUntil: 0 };
    });
  }

  acquired(c: SwarmClerk, l: number): void {
    const other = this.holders.get(l);
    if (other !== undefined && other !== c)
      fail(
        'mutual-exclusion',
        `acquired ${lockName(l)}, which clerk ${other.me} holds${other.crashed ? ' (it crashed holding it: a crashed holder keeps its lock, there is no lease)' : ''}`,
      );
    this.holders.set(l, c);
    this.claims.delete(l);
  }

  /** The crashed clerks that may hold lock l (none: it is not lost). */
  claimsOn(l: number): readonly SwarmClerk[] {
    return this.claims.get(l) ?? [];
  }

  releasing(c: SwarmClerk, l: number): void {
    if (this.holders.get(l) === c) this.holders.delete(l);
  }

  /** The clerk starts a phase of its round; a crash fault armed for it goes off afterMs later. */
  enter(c: SwarmClerk, phase: Phase, lock: number): void {
    c.phase = phase;
    c.lock = lock;
    const armed = c.armed;
    if (armed?.during !== phase) return;
    c.armed = undefined;
    void background(this.t, `crash of clerk ${c.me}`, async () => {
      await this.ts.sleep(armed.afterMs, `clerk ${c.me} crashes`);
      this.crash(c);
    });
  }

  crash(c: SwarmClerk): void {
    if (c.crashed || this.finished) return;
    c.crashed = { phase: c.phase, lock: c.lock };
    if (c.phase !== 'idle') this.claims.set(c.lock, [...this.claimsOn(c.lock), c]);
    const doing =
      c.phase === 'idle' ? 'between rounds' : `in its ${c.phase} of ${lockName(c.lock)}`;
    this.t.sim.record('test', 'tester', `swarm: clerk ${c.me} crashed ${doing}`);
    this.ts.deleteClerk(c.ck);
  }

  /** Plays one fault now (a fault on a clerk the plan no longer has is skipped). */
  apply(f: LockSwarmFault): void {
    this.t.sim.record('test', 'tester', `swarm fault: ${plans.describeLockFault(f)}`);
    const c = this.clerks['cut' in f ? f.cut : f.crash];
    if (!c || c.crashed) return;
    if ('crash' in f) {
      if (f.during === 'now') this.crash(c);
      else c.armed = { during: f.during, afterMs: f.afterMs };
      return;
    }
    this.ts.net.enable(c.endName, false);
    c.cutUntil = Math.max(c.cutUntil, this.t.sim.now() + f.forMs);
    void background(this.t, `reconnect of clerk ${c.me}`, async () => {
      await this.ts.sleep(f.forMs, `clerk ${c.me} cut off`);
      if (!this.finished && !c.crashed && this.t.sim.now() >= c.cutUntil)
        this.ts.net.enable(c.endName, true);
    });
  }

  /** The chaos phase's faults, each at its time from now, then the rest of the phase. */
  async play(faults: readonly LockSwarmFault[]): Promise<void> {
    const start = this.t.sim.now();
    for (const f of [...faults].sort((a, b) => a.atMs - b.atMs)) {
      const wait = start + f.atMs - this.t.sim.now();
      if (wait > 0) await this.ts.sleep(wait, 'swarm chaos');
      this.apply(f);
    }
    const rest = start + this.k.chaosMs - this.t.sim.now();
    if (rest > 0) await this.ts.sleep(rest, 'swarm chaos');
  }

  /** The end of the chaos: no more crashes, every live clerk reconnected, a reliable network. */
  heal(): void {
    this.finished = true;
    this.t.sim.record('test', 'tester', 'swarm: liveness phase');
    this.ts.net.setReliable(true);
    this.ts.net.setLongReordering(false);
    for (const c of this.clerks) {
      c.armed = undefined;
      if (!c.crashed) this.ts.net.enable(c.endName, true);
    }
  }
}

/** A clerk that crashed never resumes; its round stops at the next step (as if it hung there). */
const never = () => new Promise<never>(() => {});

/**
 * One round on lock `l`: acquire, the course's check while holding (the guard key must read "",
 * then holds the clerk's number until it writes "" back), release.
 */
async function round(w: LockWorld, c: SwarmClerk, l: number, holdMs: number): Promise<void> {
  w.enter(c, 'acquire', l);
  await c.locks[l].acquire();
  if (c.crashed) return never();
  w.acquired(c, l);
  w.enter(c, 'hold', l);
  const { value, version, err } = await w.ts.calls.get(c.ck, guardKey(l), c.me);
  if (c.crashed) return never();
  if (err !== 'OK') fail('wrong-value', `get ${guardKey(l)} failed ${err}`);
  if (value !== '')
    fail('mutual-exclusion', `two clients acquired ${lockName(l)} (${guardKey(l)} holds ${value})`);
  for (const [v, at] of [
    [String(c.me), version],
    ['', version + 1],
  ] as const) {
    const perr = await w.ts.calls.put(c.ck, guardKey(l), v, at, c.me);
    if (c.crashed) return never();
    if (perr !== 'OK' && perr !== 'ErrMaybe')
      fail('mutual-exclusion', `put of ${guardKey(l)} at version ${at} failed ${perr}`);
    if (v !== '' && holdMs > 0) await c.runtime.sleep(holdMs, 'holding the lock');
  }
  w.enter(c, 'release', l);
  w.releasing(c, l);
  await c.locks[l].release();
  if (c.crashed) return never();
  w.enter(c, 'idle', -1);
}

/** A clerk's chaos-phase loop: its guard keys created, then rounds on random locks. */
async function clerkLoop(w: LockWorld, c: SwarmClerk, chaos: () => boolean): Promise<void> {
  const rng = w.t.sim.rng(`lock-swarm/clerk${c.me}`);
  for (let l = 0; l < w.k.locks; l++) {
    await w.ts.calls.put(c.ck, guardKey(l), '', 0, c.me);
    if (c.crashed) return never();
  }
  while (chaos()) {
    await round(w, c, rng.int(w.k.locks), rng.int(w.k.holdMs + 1));
    if (w.k.pauseMs > 0) await c.runtime.sleep(rng.int(w.k.pauseMs + 1), 'pause');
    if (c.crashed) return never();
  }
}

/**
 * Heal, then every live clerk finishes its round in flight and one round on every lock, those no
 * crashed clerk may hold first, within LIVENESS_MS. A lock a crashed clerk may hold is lost by
 * design (no lease): a clerk still waiting to acquire one at the bound is excused.
 */
async function liveness(w: LockWorld, inFlight: Promise<unknown>[]): Promise<void> {
  w.heal();
  const live = w.clerks.filter((c) => !c.crashed);
  const done = new Set<SwarmClerk>();
  const rounds = live.map((c) =>
    background(w.t, `clerk ${c.me}`, async () => {
      await inFlight[c.me];
      const locks = Array.from({ length: w.k.locks }, (_, l) => l);
      const lost = (l: number) => w.claimsOn(l).length > 0;
      for (const l of [...locks.filter((l) => !lost(l)), ...locks.filter(lost)])
        await round(w, c, l, 0);
      done.add(c);
    }),
  );
  await Promise.race([Promise.all(rounds), w.ts.sleep(LIVENESS_MS, 'liveness bound')]);
  const waiting = live.filter((c) => !done.has(c));
  const excused = waiting.filter((c) => c.phase === 'acquire' && w.claimsOn(c.lock).length > 0);
  const why = (c: SwarmClerk) =>
    `clerk ${c.me} waits for ${lockName(c.lock)}, which crashed clerk ${w
      .claimsOn(c.lock)
      .map((d) => d.me)
      .join(' or ')} may hold`;
  w.t.sim.record(
    'test',
    'tester',
    `swarm: liveness: ${done.size} of ${live.length} live clerks done${excused.length ? `; ${excused.map(why).join('; ')}` : ''}`,
  );
  const late = waiting.filter((c) => !excused.includes(c));
  if (late.length > 0)
    fail(
      'liveness',
      `liveness: ${LIVENESS_MS / 1000} s after the heal, clerk${late.length > 1 ? 's' : ''} ${late.map((c) => `${c.me} (in its ${c.phase} of ${lockName(c.lock)})`).join(', ')} had not finished a round on every lock (a lock only a crashed clerk may hold excused)`,
    );
}

/** Runs one plan: chaos (the faults, with clerks), liveness, then the history's check. */
export async function runLockPlan(t: TestContext, plan: LockSwarmPlan): Promise<void> {
  const k = plan.knobs;
  const description = plans.describeLockKnobs(k);
  t.log(`swarm knobs: ${description}`);
  t.log(
    `swarm faults (${plan.faults.length}): ${plan.faults.map(plans.describeLockFault).join('; ') || 'none'}`,
  );
  t.sim.record('test', 'tester', `swarm knobs: ${description}`);
  const ts = new TestKV(t, !k.unreliable);
  try {
    ts.begin('Test (ours): lock swarm');
    ts.net.setLongReordering(k.longReordering);
    const w = new LockWorld(t, ts, k);
    let chaos = true;
    const inFlight = w.clerks.map((c) =>
      background(t, `clerk ${c.me}`, () => clerkLoop(w, c, () => chaos)),
    );
    await w.play(plan.faults);
    chaos = false;
    await liveness(w, inFlight);
    ts.checkPorcupine();
    ts.end();
  } finally {
    ts.cleanup();
  }
}

export const TestSwarmLock: Scenario = {
  name: 'TestSwarmLock',
  part: 'SWARM',
  description: 'Test (ours): lock swarm',
  // params.plan (from `grade shrink`) if given, else the seed's own plan.
  run: (t) => {
    runLevel(LOCK_SWARM_LEVELS, t.params?.level, 'lock swarm');
    const given = planFromParams<LockSwarmPlan>(t, 'lock', (k) => 'locks' in k);
    return runLockPlan(t, given ?? plans.drawLockPlan(t.seed));
  },
};

/** The lock swarm as the registry names it (part 2LOCK of the 2026 edition); one level. */
export const lockSwarm: SwarmFamily<LockSwarmPlan> = {
  test: TestSwarmLock,
  drawPlan: (seed) => plans.drawLockPlan(seed),
  describeKnobs: plans.describeLockKnobs,
  describeFault: plans.describeLockFault,
  // The liveness phase needs a clerk.
  minClients: 1,
  gentler: (k) => [
    [k.locks > 1, { locks: 1 }, `locks (${k.locks} -> 1)`],
    [k.holdMs > 0, { holdMs: 0 }, 'holding time'],
    [k.pauseMs > 0, { pauseMs: 0 }, 'pauses'],
  ],
};
