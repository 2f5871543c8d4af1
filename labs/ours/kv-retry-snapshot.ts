// A key/value test of ours on duplicate detection across a restart from a snapshot, graded with
// part 3B (labs/parts.ts):
//   npm run grade -- 3b --run RetryAfterRestart -n 20
import type { Scenario, TestContext } from '../../harness/scenario';
import { KVCluster } from '../lab3/kv';
import { checkLinearizable } from '../lab3/kv-check';
import { appendElement, KVOps } from '../lab3/kv-history';
import { checkOwnAppends, someLeader } from './kv-past';
import { until } from './raft-past';

const ROUNDS = 3;
/** The course's snapshot threshold in its 3B tests. */
const MAXRAFTSTATE = 1000;
/** Writes after the held append, enough that every server's snapshot covers the append. */
const FILL_WRITES = 20;
const FILL_VALUE = 'v'.repeat(100);
/** How long the test waits for the leader's answer to the append. */
const ANSWER_WAIT_MS = 5000;

/**
 * A clerk's append is applied and answered, but the answer is lost on its way; more writes follow,
 * so every server's snapshot covers the append; then every server restarts from what it saved.
 * The clerk, its call failed, sends the append again. A server that rebuilt its state from the
 * snapshot must know the append was applied, so the snapshot must carry the duplicate table with
 * the data: the element is in the value once. The course's tests reach this only when their
 * random losses happen to line up (the variant kvraft-dedup-not-in-snapshot passes most seeds).
 */
async function retryAfterRestart(t: TestContext): Promise<void> {
  const cfg = new KVCluster(t, 3, false, MAXRAFTSTATE);
  try {
    const ops = new KVOps(cfg);
    const log = ops.history;
    const writer = cfg.makeClient(cfg.all);
    cfg.begin('Test: a retried write after a restart from snapshots is applied once (3B, ours)');
    await ops.put(writer, 'k', '', log, 0);
    for (let round = 0; round < ROUNDS; round++) {
      const cli = round + 1;
      const l = await someLeader(cfg);
      const ck = cfg.makeClient([l]);
      const node = cfg.clerkNode(ck);
      const answers = cfg.net.holdBack((m) => m.kind === 'reply' && m.from === node);
      const appended = ops.append(ck, 'k', appendElement(cli, 0), log, cli);
      await until(
        cfg,
        ANSWER_WAIT_MS,
        `leader ${l} answers an append`,
        () => answers.held().length > 0,
        'liveness',
      );
      answers.stop();
      for (let j = 0; j < FILL_WRITES; j++) await ops.put(writer, 'fill', FILL_VALUE, log, 0);
      for (const i of cfg.all) cfg.shutdownServer(i);
      for (const i of cfg.all) cfg.startServer(i);
      cfg.connectAll();
      answers.drop();
      cfg.connectClient(ck, cfg.all);
      await appended;
      const value = await ops.get(writer, 'k', log, 0);
      checkOwnAppends(
        value,
        [cli],
        1,
        'a server restarted from its snapshot must still know which writes it applied (the snapshot carries the duplicate table with the data), or a clerk retrying a write whose answer was lost has it applied twice',
      );
      cfg.deleteClient(ck);
    }
    checkLinearizable(t, log);
    cfg.end();
  } finally {
    cfg.cleanup();
  }
}

const TestRetryAfterRestart3B: Scenario = {
  name: 'TestRetryAfterRestart3B',
  part: '3B',
  description: 'Test: a retried write after a restart from snapshots is applied once (3B, ours)',
  run: retryAfterRestart,
};

export const scenarios3B: Scenario[] = [TestRetryAfterRestart3B];
