// How a 4B test is declared, and the helpers its body uses: the cluster between begin() and end()
// with cleanup always run; every clerk operation recorded in one history, checked for
// linearizability at the end (ours: the original checks only TestUnreliable3); the course's
// check(); the concurrent clerk tasks; the "count completions until 2 s pass with none" wait.
import type { ShardKVClerk } from '../../harness/contracts/shardkv';
import { fail, type Scenario, type TestContext } from '../../harness/scenario';
import type { Rng } from '../../engine/sim/rng';
import { checkLinearizable } from '../lab3/kv-check';
import { abbreviate, KVOps, type History } from '../lab3/kv-history';
import { background } from '../lab2/raft-scenario';
import { ShardKVCluster } from './shardkv';

export interface ShardTestOptions {
  name: string;
  /** The original's begin() label, e.g. "Test: static shards". */
  description: string;
  unreliable: boolean;
  maxraftstate: number;
  /** Optional in the course (its challenge exercises): reported as a challenge. */
  challenge?: boolean;
}

/** What a test body works with. Every operation through it is recorded in `log`. */
export class ShardTest {
  readonly ops: KVOps;
  readonly log: History;

  constructor(
    readonly t: TestContext,
    readonly cfg: ShardKVCluster,
  ) {
    this.ops = new KVOps(cfg);
    this.log = this.ops.history;
  }

  /** The test's own random choices (values, sleeps), like the original's rand and randstring. */
  get rng(): Rng {
    return this.t.rng;
  }

  randstring(n: number): string {
    return this.t.rng.string(n);
  }

  get(ck: ShardKVClerk, key: string, cli = 0): Promise<string> {
    return this.ops.get(ck, key, this.log, cli);
  }

  put(ck: ShardKVClerk, key: string, value: string, cli = 0): Promise<void> {
    return this.ops.put(ck, key, value, this.log, cli);
  }

  append(ck: ShardKVClerk, key: string, value: string, cli = 0): Promise<void> {
    return this.ops.append(ck, key, value, this.log, cli);
  }

  delete(ck: ShardKVClerk, key: string, cli = 0): Promise<void> {
    return this.ops.delete(ck, key, this.log, cli);
  }

  /** The course's check(): a Get that must read `expected` (recorded too). */
  async check(ck: ShardKVClerk, key: string, expected: string, cli = 0): Promise<void> {
    const v = await this.get(ck, key, cli);
    if (v !== expected)
      fail(
        'wrong-value',
        `Get(${JSON.stringify(key)}): expected:\n${abbreviate(expected)}\nreceived:\n${abbreviate(v)}`,
      );
  }

  /** Checks every key against its expected value, in order. */
  async checkAll(ck: ShardKVClerk, ka: readonly string[], va: readonly string[]): Promise<void> {
    for (let i = 0; i < ka.length; i++) await this.check(ck, ka[i], va[i]);
  }

  /** Puts `n` keys "0" … "n-1" with random values of `len` characters; returns keys and values. */
  async putKeys(ck: ShardKVClerk, n: number, len: number): Promise<{ ka: string[]; va: string[] }> {
    const ka: string[] = [];
    const va: string[] = [];
    for (let i = 0; i < n; i++) {
      ka.push(String(i));
      va.push(this.randstring(len));
      await this.put(ck, ka[i], va[i]);
    }
    return { ka, va };
  }

  /** For each key: check it, then append a random string of `len` characters. */
  async checkAndAppend(
    ck: ShardKVClerk,
    ka: readonly string[],
    va: string[],
    len: number,
  ): Promise<void> {
    for (let i = 0; i < ka.length; i++) {
      await this.check(ck, ka[i], va[i]);
      const x = this.randstring(len);
      await this.append(ck, ka[i], x);
      va[i] += x;
    }
  }

  /**
   * The concurrent tests' threads: task i appends random strings of `len` characters to key ka[i]
   * until done() (checked between operations), with `pauseMs` between appends, keeping va[i]. A
   * task's clerk is `clerks[i]` or, without one, its own made inside the task.
   */
  appenders(
    ka: readonly string[],
    va: string[],
    len: number,
    pauseMs: number,
    done: () => boolean,
    clerks?: ShardKVClerk[],
  ): Promise<unknown> {
    return Promise.all(
      ka.map((key, i) =>
        background(this.t, `client ${i}`, async () => {
          const ck = clerks?.[i] ?? this.cfg.makeClient();
          const rng = this.t.sim.rng(`shardkv/client${i}`);
          while (!done()) {
            const x = rng.string(len);
            await this.append(ck, key, x, i + 1);
            va[i] += x;
            if (pauseMs > 0) await this.cfg.sleep(pauseMs, `client ${i} pause`);
          }
        }),
      ),
    );
  }

  /**
   * One-shot clerks Get every key concurrently (a call may never return). Returns how many
   * completed once 2 s pass without a new completion; a completed Get must read va[i].
   */
  async countCompletions(
    makeClerk: () => ShardKVClerk,
    ka: readonly string[],
    va: readonly string[],
    wrongValue: (key: string, v: string) => string,
  ): Promise<number> {
    let ndone = 0;
    let last = this.t.sim.now();
    for (let i = 0; i < ka.length; i++) {
      const ck = makeClerk();
      void background(this.t, `one-shot get ${ka[i]}`, async () => {
        const v = await this.get(ck, ka[i], 100 + i);
        if (v !== va[i]) fail('wrong-value', wrongValue(ka[i], v));
        ndone++;
        last = this.t.sim.now();
      });
    }
    // Each completion restarts the 2-s wait.
    for (;;) {
      const deadline = last + 2000;
      const now = this.t.sim.now();
      if (now >= deadline) break;
      await this.cfg.sleep(deadline - now, 'waiting for completions');
    }
    return ndone;
  }
}

/** A 4B scenario: make_config, begin, the body, the linearizability check, end; cleanup always. */
export function shardTest(o: ShardTestOptions, body: (x: ShardTest) => Promise<void>): Scenario {
  return {
    name: o.name,
    part: '4B',
    description: o.description,
    ...(o.challenge ? { challenge: true } : {}),
    async run(t: TestContext): Promise<void> {
      const cfg = new ShardKVCluster(t, 3, o.unreliable, o.maxraftstate);
      try {
        const x = new ShardTest(t, cfg);
        cfg.begin(o.description);
        await body(x);
        checkLinearizable(t, x.log);
        cfg.end();
      } finally {
        cfg.cleanup();
      }
    },
  };
}
