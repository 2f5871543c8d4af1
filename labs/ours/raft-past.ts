// Messages from the past: tests of ours in which the network's adversary (engine/rpc/hold.ts)
// holds back chosen Raft messages and delivers them once the cluster has moved on. labrpc reorders
// at random and rarely at the moment that matters; these wait for that moment. Graded with the
// part whose code they need (labs/parts.ts), e.g.
//   npm run grade -- 2a --run VotesFromThePast -n 50
import type { Scenario, TestContext } from '../../harness/scenario';
import type { CheckId } from '../../harness/checks';
import { fail } from '../../harness/scenario';
import type { HeldMessage, Hold } from '../../engine/rpc';
import type { RaftCluster } from '../lab2/raft';
import { raftTest } from '../lab2/raft-scenario';
import { SNAPSHOT_INTERVAL } from '../lab2/raft-appliers';

const VOTE_ROUNDS = 4;
/** How long a candidate campaigns with its votes held back: several election timeouts. */
const CAMPAIGN_MS = 2500;
/** How often the test looks whether a held message's moment has come. */
const POLL_MS = 10;

/** The term a held request carried (undefined if it was sent before the hold, or has none). */
export function requestTerm(m: HeldMessage): number | undefined {
  const term = (m.args as { term?: unknown } | undefined)?.term;
  return typeof term === 'number' ? term : undefined;
}

/**
 * Cuts the cluster so that only server c can win an election: the others cannot call c nor each
 * other (c can call everyone, and hears their replies).
 */
function onlyCandidate(cfg: RaftCluster, c: number): number[] {
  const others = [...Array(cfg.n).keys()].filter((i) => i !== c);
  for (const o of others) cfg.cutOneWay(o, c);
  for (const a of others) for (const b of others) if (a < b) cfg.cut(a, b);
  return others;
}

/**
 * Every reply to server c's RequestVote is held until c's term has passed the term the request
 * carried — until c has started its next election — and then delivered. Since only c can campaign
 * and none of its replies arrive in time, nobody may be elected meanwhile: a candidate that counts
 * a grant of its previous election in its current one leads without a majority (the vote-count
 * oracle), and with several servers doing so two could lead one term (election safety). Each
 * round heals and requires one leader. 2A alone: no start(), nothing persisted.
 */
const TestVotesFromThePast2A = raftTest(
  {
    name: 'TestVotesFromThePast2A',
    part: '2A',
    description: 'Test (2A, ours): vote replies delivered after their election has passed',
    servers: 3,
    unreliable: false,
    snapshot: false,
  },
  async (cfg, t) => {
    for (let round = 0; round < VOTE_ROUNDS; round++) {
      const leader = await cfg.checkOneLeader();
      const c = (leader + 1 + t.rng.int(cfg.n - 1)) % cfg.n;
      onlyCandidate(cfg, c);
      const hold = cfg.net.holdBack(
        (m) => m.kind === 'reply' && m.method === 'Raft.RequestVote' && m.from === String(c),
      );
      const until = cfg.now() + CAMPAIGN_MS;
      while (cfg.now() < until) {
        await cfg.sleep(POLL_MS);
        const term = cfg.getState(c).term;
        hold.release((m) => (requestTerm(m) ?? term) < term);
      }
      hold.stop();
      hold.release();
      cfg.heal();
    }
    await cfg.checkOneLeader();
  },
);

/** Entries the cut-off leader appends in its first term, and again (other ones) in its last. */
const STALE_ENTRIES = 3;

/** Whether an AppendEntries carries entries: any array field holding anything. */
export function carriesEntries(args: unknown): boolean {
  if (typeof args !== 'object' || args === null) return false;
  return Object.values(args).some((v) => Array.isArray(v) && v.length > 0);
}

/** Holds back the first `count` InstallSnapshot requests that reach server f. */
export function holdSnapshotsTo(cfg: RaftCluster, f: number, count: number): Hold {
  let offered = 0;
  return cfg.net.holdBack(
    (m) =>
      m.kind === 'request' &&
      m.method === 'Raft.InstallSnapshot' &&
      m.to === String(f) &&
      offered++ < count,
  );
}

/**
 * The first index at or after `from` that is `residue` modulo SNAPSHOT_INTERVAL (the testers'
 * services snapshot at every index that is SNAPSHOT_INTERVAL - 1 modulo it).
 */
export function indexAtOrAfter(from: number, residue: number): number {
  return from + ((((residue - from) % SNAPSHOT_INTERVAL) + SNAPSHOT_INTERVAL) % SNAPSHOT_INTERVAL);
}

/**
 * Follower f misses a snapshot: cut off while the others commit past SNAPSHOT_INTERVAL entries, it
 * rejoins with the first InstallSnapshot sent to it held back, and one more entry commits on every
 * server (it catches up by a later one). Returns the hold, stopped, with that request in it.
 */
export async function rejoinMissingSnapshot(
  cfg: RaftCluster,
  t: TestContext,
  f: number,
): Promise<Hold> {
  cfg.disconnect(f);
  for (let k = 0; k <= SNAPSHOT_INTERVAL; k++) await cfg.one(t.rng.safeInt(), cfg.n - 1, true);
  const hold = holdSnapshotsTo(cfg, f, 1);
  cfg.connect(f);
  await cfg.one(t.rng.safeInt(), cfg.n, true);
  hold.stop();
  return hold;
}

/** What until() needs of a cluster fixture: the virtual clock and the tester's sleep. */
export interface TestClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Polls (10 ms) until `ok()`; fails the test with `what` after `ms` (as `check`). */
export async function until(
  cfg: TestClock,
  ms: number,
  what: string,
  ok: () => boolean,
  check: CheckId = 'one-leader',
): Promise<void> {
  const t0 = cfg.now();
  while (!ok()) {
    if (cfg.now() - t0 > ms) fail(check, `${what} within ${ms / 1000} s`);
    await cfg.sleep(10);
  }
}

/** Whether every one of `servers` has applied `index`. */
export function appliedBy(cfg: RaftCluster, servers: readonly number[], index: number): boolean {
  return servers.every((i) => cfg.record.logs[i].has(index));
}

/** The one of `servers` that leads the highest term, once one does (5 s at most). */
export async function leaderAmong(cfg: RaftCluster, servers: readonly number[]): Promise<number> {
  const leading = () =>
    servers
      .filter((i) => cfg.getState(i).isLeader)
      .sort((x, y) => cfg.getState(y).term - cfg.getState(x).term)[0];
  await until(
    cfg,
    5000,
    `one of servers ${servers.join(', ')} is elected`,
    () => leading() !== undefined,
  );
  return leading();
}

/**
 * L, cut off with F, appends STALE_ENTRIES entries that reach F only; F's success replies to them
 * are held back. Returns the hold.
 */
async function staleReplies(
  cfg: RaftCluster,
  t: TestContext,
  l: number,
  f: number,
  rest: number[],
) {
  const hold = cfg.net.holdBack(
    (msg) =>
      msg.kind === 'reply' &&
      msg.method === 'Raft.AppendEntries' &&
      msg.from === String(l) &&
      msg.to === String(f) &&
      carriesEntries(msg.args),
  );
  for (const x of [l, f]) for (const y of rest) cfg.cut(x, y);
  for (let j = 0; j < STALE_ENTRIES; j++) cfg.start(l, t.rng.int(10_000));
  await until(
    cfg,
    2000,
    `server ${l} sends its entries to server ${f}`,
    () => hold.held().length > 0,
  );
  hold.stop();
  return hold;
}

/**
 * The other three elect a leader that commits its own entry where L's first one was; L rejoins
 * (F stays out) and takes that log, then one more entry from the leader W, which the other two do
 * not get: L's log is now ahead of theirs. Returns W.
 */
async function overwrite(cfg: RaftCluster, t: TestContext, l: number, f: number, rest: number[]) {
  const y = cfg.start(await leaderAmong(cfg, rest), t.rng.int(10_000));
  await until(cfg, 5000, `index ${y.index} applied on the majority side`, () =>
    appliedBy(cfg, rest, y.index),
  );
  cfg.disconnect(f);
  cfg.heal();
  await until(cfg, 5000, `server ${l} applies the majority's index ${y.index}`, () =>
    appliedBy(cfg, [l], y.index),
  );
  const w = await leaderAmong(cfg, rest);
  for (const x of rest) if (x !== w) cfg.cut(w, x);
  cfg.start(w, t.rng.int(10_000));
  await cfg.sleep(200);
  return w;
}

/**
 * Five servers. L, cut off with F, appends entries that reach F only; F's success replies are held
 * back. The other three elect a leader W that commits its own entry at the first of those indexes;
 * L rejoins, takes W's log and one entry more, so that once W is gone only L can be elected, with
 * the votes of P and Q. Q leaves; L, with P alone, appends entries up to the index F's old replies
 * name. Now those replies arrive: they answer requests of L's earlier term about entries L no
 * longer has. A leader that counts them commits its new entries with L and P alone; then W, Q and
 * F elect W, without those entries, and leader completeness (the oracles) or the committed values
 * catch it. A leader that drops replies of an older term commits nothing until a majority has it.
 */
const TestAppendRepliesFromThePast2B = raftTest(
  {
    name: 'TestAppendRepliesFromThePast2B',
    part: '2B',
    description: 'Test (2B, ours): AppendEntries replies delivered after their term has passed',
    servers: 5,
    unreliable: false,
    snapshot: false,
  },
  async (cfg, t) => {
    const k = await cfg.one(t.rng.int(10_000), 5, true);
    const l = await cfg.checkOneLeader();
    const [f, ...rest] = t.rng.perm(5).filter((i) => i !== l);
    const hold = await staleReplies(cfg, t, l, f, rest);
    const w = await overwrite(cfg, t, l, f, rest);
    const [p, q] = rest.filter((i) => i !== w);
    cfg.disconnect(w);
    cfg.heal();
    await until(
      cfg,
      10_000,
      `server ${l}, the most up to date, is elected`,
      () => cfg.getState(l).isLeader,
    );
    cfg.disconnect(q);
    for (let z = cfg.start(l, t.rng.int(10_000)); z.isLeader && z.index < k + STALE_ENTRIES;)
      z = cfg.start(l, t.rng.int(10_000));
    await cfg.sleep(100);
    hold.release();
    await cfg.sleep(500);
    cfg.disconnect(l);
    cfg.disconnect(p);
    for (const x of [w, q, f]) cfg.connect(x);
    cfg.heal();
    await cfg.one(t.rng.int(10_000), 3, true);
    for (const x of [l, p]) cfg.connect(x);
    await cfg.one(t.rng.int(10_000), 5, true);
  },
);

/** Entries committed after the held AppendEntries, with all three servers and then without B. */
const LATER_ENTRIES = 3;
const WITHOUT_B = 2;

/**
 * Three servers. The first AppendEntries carrying entries from leader L to follower A (it brings
 * index k + 1) is held back; L sends it again and A takes the entries from the copies. Everyone
 * commits LATER_ENTRIES more, then B is cut off and L and A commit WITHOUT_B more. Now the held
 * request arrives: of L's current term, with entries A already has. A follower that cuts its log
 * after them (instead of only at a real conflict, Figure 2's AppendEntries step 3) loses committed
 * entries; then L is cut off and B, whose log is now longer than A's, is elected and commits other
 * entries at those indexes (leader completeness, the appliers). A correct A keeps its log and,
 * more up to date than B, is the only one that can win.
 */
const TestAppendsFromThePast2B = raftTest(
  {
    name: 'TestAppendsFromThePast2B',
    part: '2B',
    description: 'Test (2B, ours): an AppendEntries request delivered after later ones',
    servers: 3,
    unreliable: false,
    snapshot: false,
  },
  async (cfg, t) => {
    await cfg.one(t.rng.int(10_000), cfg.n, true);
    const l = await cfg.checkOneLeader();
    const [a, b] = t.rng.perm(cfg.n).filter((i) => i !== l);
    const hold = cfg.net.holdBack(
      (msg) =>
        msg.kind === 'request' &&
        msg.method === 'Raft.AppendEntries' &&
        msg.from === String(l) &&
        msg.to === String(a) &&
        carriesEntries(msg.args),
    );
    cfg.start(l, t.rng.int(10_000));
    await until(
      cfg,
      2000,
      `server ${l} sends its entry to server ${a}`,
      () => hold.held().length > 0,
    );
    hold.stop();
    for (let j = 0; j < LATER_ENTRIES; j++) await cfg.one(t.rng.int(10_000), cfg.n, true);
    cfg.disconnect(b);
    for (let j = 0; j < WITHOUT_B; j++) await cfg.one(t.rng.int(10_000), 2, true);
    hold.release();
    await cfg.sleep(200);
    cfg.disconnect(l);
    cfg.connect(b);
    await cfg.one(t.rng.int(10_000), 2, true);
    cfg.connect(l);
    await cfg.one(t.rng.int(10_000), cfg.n, true);
  },
);

/** Entries the new leader commits while the old leader's requests are held (k + 1 ..). */
const NEWER_ENTRIES = 5;

/**
 * Five servers. Leader L (term t) appends one entry at k + 1; its first AppendEntries carrying it
 * to each follower is held, and L is cut off at once, so only L has the entry. The four others
 * elect W (term t + 1), which commits NEWER_ENTRIES entries at k + 1 .. with followers F and X
 * while the fifth, Y, is away. Now L's request reaches F: it is of term t, older than F's. A
 * follower that does not refuse it (Figure 2, AppendEntries step 1) cuts its committed k + 1 ..
 * for L's entry; then W and X leave, Y and L come back, and F or L, whose last entry (term t) is
 * newer than Y's, is elected without the committed entries (leader completeness). A correct F
 * keeps them, and only F can then be elected, with them.
 */
const TestAppendsFromAnOldTerm2B = raftTest(
  {
    name: 'TestAppendsFromAnOldTerm2B',
    part: '2B',
    description: 'Test (2B, ours): an AppendEntries of an older term delivered after an election',
    servers: 5,
    unreliable: false,
    snapshot: false,
  },
  async (cfg, t) => {
    await cfg.one(t.rng.int(10_000), cfg.n, true);
    const l = await cfg.checkOneLeader();
    const followers = [...Array(cfg.n).keys()].filter((i) => i !== l);
    const heldFor = new Set<string>();
    const hold = cfg.net.holdBack((msg) => {
      const first =
        msg.kind === 'request' &&
        msg.method === 'Raft.AppendEntries' &&
        msg.from === String(l) &&
        carriesEntries(msg.args) &&
        !heldFor.has(msg.to);
      if (first) heldFor.add(msg.to);
      return first;
    });
    cfg.start(l, t.rng.int(10_000));
    await until(
      cfg,
      2000,
      `server ${l} sends its entry to every follower`,
      () => hold.held().length === followers.length,
    );
    hold.stop();
    cfg.disconnect(l);

    const w = await leaderAmong(cfg, followers);
    const others = followers.filter((i) => i !== w);
    const [f, x, y] = t.rng.perm(others.length).map((i) => others[i]);
    cfg.disconnect(y);
    for (let j = 0; j < NEWER_ENTRIES; j++) await cfg.one(t.rng.int(10_000), 3, true);
    hold.release((m) => m.to === String(f));
    await cfg.sleep(200);

    cfg.disconnect(w);
    cfg.disconnect(x);
    cfg.connect(y);
    cfg.connect(l);
    await cfg.one(t.rng.int(10_000), 3, true);
    hold.release();
    cfg.connect(w);
    cfg.connect(x);
    await cfg.one(t.rng.int(10_000), cfg.n, true);
  },
);

export const scenarios2A: Scenario[] = [TestVotesFromThePast2A];
export const scenarios2B: Scenario[] = [
  TestAppendRepliesFromThePast2B,
  TestAppendsFromThePast2B,
  TestAppendsFromAnOldTerm2B,
];
