// How a Raft test is declared: a Scenario whose body runs between make_config + begin() and
// end(), with cleanup() always run, plus background tasks (the Go tests' goroutines) whose
// failure fails the whole test at once.
import type { LabPart, Scenario, TestContext } from '../../harness/scenario';
import { makeRaftCluster, type RaftCluster } from './raft';

export interface RaftTestOptions {
  name: string;
  part: LabPart;
  /** The label begin() prints. */
  description: string;
  servers: number;
  unreliable: boolean;
  /** Use the snapshot applier (part 2D). */
  snapshot: boolean;
  /** false: no safety oracles (only for the harness's own tests of the tester's checks). */
  oracles?: boolean;
}

/** A scenario running `body` between make_config + begin and end, with cleanup always run. */
export function raftTest(
  options: RaftTestOptions,
  body: (cfg: RaftCluster, t: TestContext) => Promise<void>,
): Scenario {
  return {
    name: options.name,
    part: options.part,
    description: options.description,
    async run(t: TestContext): Promise<void> {
      const cfg = makeRaftCluster(t, options.servers, options.unreliable, options.snapshot, {
        oracles: options.oracles,
        part: options.part,
      });
      let failed = true;
      try {
        cfg.begin(options.description);
        await body(cfg, t);
        cfg.end();
        failed = false;
      } finally {
        cfg.cleanup(failed);
      }
    },
  };
}

/**
 * Runs `task` in the background (a Go goroutine of the test). If it throws, the whole test fails
 * at once, as a failed background t.Fatalf would mark it.
 */
export function background<T>(
  t: TestContext,
  what: string,
  task: () => Promise<T>,
): Promise<T | undefined> {
  return task().catch((e: unknown) => {
    const error = e instanceof Error ? e : new Error(String(e));
    error.message = `${what}: ${error.message}`;
    t.sim.fail(error);
    return undefined;
  });
}
