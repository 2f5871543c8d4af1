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
  /**
   * The 2023 part whose code the test exercises (what the fixture and oracles go by: nothing
   * persists before 2C); default `part`. The 2026 edition's 3A-3D tests are 2A-2D's under
   * other names, with the level of their 2023 part.
   */
  level?: LabPart;
}

/** What a Raft test is made of, so that another edition can register the same test (renamedRaftTest). */
const definitions = new WeakMap<
  Scenario,
  { options: RaftTestOptions; body: (cfg: RaftCluster, t: TestContext) => Promise<void> }
>();

/** A scenario running `body` between make_config + begin and end, with cleanup always run. */
export function raftTest(
  options: RaftTestOptions,
  body: (cfg: RaftCluster, t: TestContext) => Promise<void>,
): Scenario {
  const scenario: Scenario = {
    name: options.name,
    part: options.part,
    description: options.description,
    async run(t: TestContext): Promise<void> {
      const cfg = makeRaftCluster(t, options.servers, options.unreliable, options.snapshot, {
        oracles: options.oracles,
        part: options.level ?? options.part,
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
  definitions.set(scenario, { options, body });
  return scenario;
}

/**
 * The Raft test `source` (made by raftTest) under another name, part and label: the same steps,
 * bounds and checks, at the level of its own part. One test body serves both editions.
 */
export function renamedRaftTest(
  source: Scenario,
  identity: { name: string; part: LabPart; description: string },
): Scenario {
  const def = definitions.get(source);
  if (!def) throw new Error(`${source.name} is not a Raft test made by raftTest()`);
  const level = def.options.level ?? def.options.part;
  return raftTest({ ...def.options, ...identity, level }, def.body);
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
