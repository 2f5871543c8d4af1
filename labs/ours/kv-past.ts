// Key/value tests of ours on a cut-off leader's waiting requests, graded with part 3A
// (labs/parts.ts): each waiting client gets its own command's result, never that of another command
// committed at its index (another client's, or its own earlier one).
//   npm run grade -- 3a --run 'OwnResult|OwnEarlierRequest' -n 50
import type { Scenario, TestContext } from '../../harness/scenario';
import { fail } from '../../harness/scenario';
import { KVCluster } from '../lab3/kv';
import { checkLinearizable } from '../lab3/kv-check';
import { appendElement, KVOps, type History } from '../lab3/kv-history';
import type { Clerk } from '../../harness/contracts/kvraft';
import { until } from './raft-past';

const ROUNDS = 3;
/** Clients that reach only the leader about to be cut off, and clients that reach the others. */
const STALE_CLIENTS = 2;
const FRESH_CLIENTS = 2;
const STALE_OPS = 2;
/** Enough appends that the new leader's entries cover every index the old leader handed out. */
const FRESH_OPS = 8;
/** Time for the cut-off leader to take its clients' first requests into its log. */
const ACCEPT_MS = 20;
/** How long two followers' AppendEntries replies are stashed before the leader is cut off. */
const STASH_MS = 1000;
/** One stashed reply from each of them reaches the cut-off leader this often. */
const DRIP_MS = 100;

/** Polls (50 ms) for a server that believes it leads; 5 s at most. */
export async function someLeader(cfg: KVCluster): Promise<number> {
  for (let waited = 0; waited <= 5000; waited += 50) {
    const l = cfg.leader();
    if (l !== undefined) return l;
    await cfg.sleep(50);
  }
  fail('liveness', 'no server leads 5 s into a round with every server connected');
}

/**
 * Holds back the replies of two followers to the leader's AppendEntries for a while; once the
 * leader is cut off, drips them to it, one per follower every DRIP_MS, until `healed()`. A leader
 * that steps down when no majority has answered lately (check-quorum, as the reference's) takes
 * these replies from the past for a live majority and goes on leading, as a leader without
 * check-quorum does anyway. Returns the drip, to start once the leader is cut off; it releases the
 * rest when the heal comes.
 */
async function stashReplies(
  cfg: KVCluster,
  l: number,
  followers: readonly number[],
  healed: () => boolean,
): Promise<() => Promise<void>> {
  const names = new Set(followers.map(String));
  const stash = cfg.net.holdBack(
    (m) =>
      m.kind === 'reply' &&
      m.method === 'Raft.AppendEntries' &&
      m.from === String(l) &&
      names.has(m.to),
  );
  await cfg.sleep(STASH_MS);
  stash.stop();
  return async () => {
    while (!healed() && stash.held().length > 0) {
      for (const f of names) {
        const oldest = stash.held().find((m) => m.to === f);
        if (oldest) stash.release((m) => m === oldest);
      }
      await cfg.sleep(DRIP_MS);
    }
    stash.release();
  };
}

/** A leader cut off from the others, kept leading by replies from the past until `heal()`. */
interface CutOffLeader {
  l: number;
  others: number[];
  /** Reconnects every server and lets go of the stashed replies. */
  heal(): Promise<void>;
}

/**
 * Finds a leader, stashes two random followers' replies to it (stashReplies), cuts it off from the
 * others and starts dripping the stash to it.
 */
async function cutOffLeader(cfg: KVCluster, t: TestContext): Promise<CutOffLeader> {
  const l = await someLeader(cfg);
  const others = cfg.all.filter((i) => i !== l);
  let healed = false;
  const drip = await stashReplies(
    cfg,
    l,
    t.rng
      .perm(others.length)
      .slice(0, 2)
      .map((k) => others[k]),
    () => healed,
  );
  cfg.partition([l], others);
  const dripping = drip();
  return {
    l,
    others,
    heal: async () => {
      cfg.connectAll();
      healed = true;
      await dripping;
    },
  };
}

/** Each of `n` clients (numbered from `first`) appends its own `count` elements to `key`. */
function appenders(
  ops: KVOps,
  log: History,
  clerks: readonly Clerk[],
  first: number,
  key: string,
  count: number,
): Promise<void>[] {
  return clerks.map(async (ck, k) => {
    for (let j = 0; j < count; j++)
      await ops.append(ck, key, appendElement(first + k, j), log, first + k);
  });
}

/** Every append a client saw complete took effect once: none lost, none twice; `rule` says what was broken. */
export function checkOwnAppends(
  value: string,
  clients: readonly number[],
  count: number,
  rule: string,
): void {
  for (const c of clients) {
    for (let j = 0; j < count; j++) {
      const element = appendElement(c, j);
      const times = value.split(element).length - 1;
      if (times !== 1)
        fail(
          'exactly-once',
          `client ${c}'s append of "${element}" completed, but the value holds it ${times} times: ${rule}`,
        );
    }
  }
}

const OWN_RESULT_RULE =
  "a server answers a client with the outcome of that client's own command, never with that of another command committed at the index it was given";

/**
 * A leader is cut off right after it took requests of its clients into its log; the other servers
 * elect a leader that commits other clients' appends at the same indexes; then the old leader is
 * healed while its clients still wait. Its entries are overwritten: each waiting client must get a
 * retry (ErrWrongLeader, a timeout) and its own command's result in the end, never the result of
 * the command committed at its index. Exactly-once and linearizability judge it. Replies from the
 * past keep the cut-off leader leading even if it checks for a live majority (stashReplies).
 */
async function ownResult(t: TestContext): Promise<void> {
  const cfg = new KVCluster(t, 5, false, -1);
  try {
    const ops = new KVOps(cfg);
    const log = ops.history;
    const reader = cfg.makeClient(cfg.all);
    cfg.begin("Test: a cut-off leader's waiting clients get their own results (3A, ours)");
    await ops.put(reader, 'k', '', log, 0);
    let cli = 1;
    for (let round = 0; round < ROUNDS; round++) {
      const key = `r${round}`;
      const { l, others, heal } = await cutOffLeader(cfg, t);
      const stale = Array.from({ length: STALE_CLIENTS }, () => cfg.makeClient([l]));
      const fresh = Array.from({ length: FRESH_CLIENTS }, () => cfg.makeClient(others));
      const staleIds = stale.map((_, k) => cli + k);
      const staleDone = appenders(ops, log, stale, cli, key, STALE_OPS);
      cli += STALE_CLIENTS;
      await cfg.sleep(ACCEPT_MS);
      const freshIds = fresh.map((_, k) => cli + k);
      await Promise.all(appenders(ops, log, fresh, cli, key, FRESH_OPS));
      cli += FRESH_CLIENTS;
      await heal();
      for (const ck of stale) cfg.connectClient(ck, cfg.all);
      await Promise.all(staleDone);
      const value = await ops.get(reader, key, log, 0);
      checkOwnAppends(value, staleIds, STALE_OPS, OWN_RESULT_RULE);
      checkOwnAppends(value, freshIds, FRESH_OPS, OWN_RESULT_RULE);
      for (const ck of [...stale, ...fresh]) cfg.deleteClient(ck);
    }
    checkLinearizable(t, log);
    cfg.end();
  } finally {
    cfg.cleanup();
  }
}

/**
 * The same clerk's earlier request at the waiting index: a leader is cut off (replies from the past
 * keep it leading); the others elect a leader that commits a clerk's put at the next index; then
 * the clerk, able to reach only the cut-off leader, reads the key, and its Get waits at that same
 * index. When the old leader is healed, the put is applied there: same clerk, but not the waiting
 * request, so the Get must be retried, never answered with the put's outcome ("" for a put). A
 * server that matches a waiter by clerk alone, without the request's sequence number, answers it.
 */
async function ownEarlierRequest(t: TestContext): Promise<void> {
  const cfg = new KVCluster(t, 5, false, -1);
  try {
    const ops = new KVOps(cfg);
    const log = ops.history;
    cfg.begin("Test: a waiting read is not answered with its clerk's earlier put (3A, ours)");
    for (let round = 0; round < ROUNDS; round++) {
      const key = `r${round}`;
      const { l, others, heal } = await cutOffLeader(cfg, t);
      const ck = cfg.makeClient(others);
      await ops.put(ck, key, `v${round}`, log, 1);
      cfg.disconnectClient(ck, others);
      cfg.connectClient(ck, [l]);
      // Watches (holds nothing) for the read's arrival at the cut-off leader, after the clerk's
      // calls to the servers it can no longer reach have failed.
      const node = cfg.clerkNode(ck);
      let arrived = false;
      const watch = cfg.net.holdBack((m) => {
        arrived ||= m.kind === 'request' && m.from === node && m.to === String(l);
        return false;
      });
      const read = ops.get(ck, key, log, 1);
      await until(
        cfg,
        5000,
        `the clerk's read reaches server ${l}, the only one it can reach`,
        () => arrived,
        'liveness',
      );
      watch.stop();
      await cfg.sleep(ACCEPT_MS);
      await heal();
      cfg.connectClient(ck, cfg.all);
      const value = await read;
      if (value !== `v${round}`)
        fail(
          'wrong-value',
          `get(${JSON.stringify(key)}) returned ${JSON.stringify(value)} after the same clerk's put of ` +
            `${JSON.stringify(`v${round}`)} completed: a waiting request gets the outcome of the command ` +
            `applied at its index only if that command is this request (same clerk and same sequence number)`,
        );
      cfg.deleteClient(ck);
    }
    checkLinearizable(t, log);
    cfg.end();
  } finally {
    cfg.cleanup();
  }
}

const TestOwnResult3A: Scenario = {
  name: 'TestOwnResult3A',
  part: '3A',
  description: "Test: a cut-off leader's waiting clients get their own results (3A, ours)",
  run: ownResult,
};

const TestOwnEarlierRequest3A: Scenario = {
  name: 'TestOwnEarlierRequest3A',
  part: '3A',
  description: "Test: a waiting read is not answered with its clerk's earlier put (3A, ours)",
  run: ownEarlierRequest,
};

export const scenarios3A: Scenario[] = [TestOwnResult3A, TestOwnEarlierRequest3A];
