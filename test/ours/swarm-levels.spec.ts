// The swarm by level (labs/ours/levels.ts): the Raft swarm at 2B draws no crashes and no snapshots,
// at 2C crashes but no snapshots, at 2D (the default) today's plans; a Raft written only as far as
// 2B passes it at 2B and is caught there for 2B bugs, never for a part it has not reached. And how
// far a learner's folder has come, from the kit's not-implemented throws.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Implementation } from '../../harness/impl';
import { runScenario } from '../../harness/scenario';
import {
  highestImplementedPart,
  KV_SWARM_LEVELS,
  levelFor,
  levels,
  RAFT_SWARM_LEVELS,
} from '../../labs/ours/levels';
import { drawPlan, TestSwarmRaft } from '../../labs/ours/raft-swarm';
import { isCrash } from '../../labs/ours/swarm-faults';
import { fill } from '../learner/helpers';
import { fillElection, KitCopies } from './kit';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const reference = () => new Implementation(path.join(ROOT, 'src'));
const only2B = () => new Implementation(path.join(ROOT, 'test', 'ours', 'impls', 'raft-2b-only'));
const first = (error: string | undefined) => error?.split('\n')[0];

describe('Raft swarm by level (ours)', function () {
  this.timeout(120_000);

  it('draws at 2D the plan of old, at 2C the same without snapshots, at 2B without crashes too', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const full = drawPlan(seed);
      expect(drawPlan(seed, '2D')).to.deep.equal(full);
      const c = drawPlan(seed, '2C');
      expect(c).to.deep.equal({ knobs: { ...full.knobs, snapshot: false }, faults: full.faults });
      const b = drawPlan(seed, '2B');
      expect(b.knobs).to.deep.equal({ ...c.knobs, crashRate: 0, crashPointShare: 0 });
      expect(b.faults).to.deep.equal(full.faults.filter((f) => !isCrash(f)));
      expect(b.faults.some(isCrash)).to.equal(false);
    }
  });

  it('runs at 2D without a level, and at 2D for a later part: the same run', async () => {
    const plain = await runScenario(TestSwarmRaft, { seed: 3, impl: reference() });
    for (const level of ['2D', '3a', '4B']) {
      const r = await runScenario(TestSwarmRaft, { seed: 3, impl: reference(), params: { level } });
      expect(r.fingerprint, level).to.equal(plain.fingerprint);
    }
  });

  it('refuses a level below 2B, a plan of the other family, and a plan above its level', async () => {
    const run = (params: { level?: string; plan?: unknown }) =>
      runScenario(TestSwarmRaft, { seed: 1, impl: reference(), params }).then((r) =>
        first(r.error),
      );
    expect(await run({ level: '2A' })).to.match(
      /^the Raft swarm needs part 2B at least \(the level given is 2A\)/,
    );
    expect(await run({ level: 'lab2' })).to.match(/^level "lab2" is not a part of the course/);
    expect(await run({ plan: { knobs: { maxraftstate: -1 }, faults: [] } })).to.match(
      /^the plan given \(params\.plan\) is not a plan of the Raft swarm/,
    );
    const crashes = [1, 2, 3, 4, 5]
      .map((s) => drawPlan(s, '2C'))
      .find((p) => p.faults.some(isCrash));
    expect(await run({ plan: crashes, level: '2B' })).to.match(
      /^the plan given crashes servers, which level 2B does not/,
    );
    const snapshots = [1, 2, 3, 4, 5].map((s) => drawPlan(s)).find((p) => p.knobs.snapshot);
    expect(await run({ plan: snapshots, level: '2C' })).to.match(
      /^the plan given takes snapshots, which level 2C has not/,
    );
  });

  it('the reference passes every level (seeds 1–5)', async () => {
    for (const level of RAFT_SWARM_LEVELS) {
      for (let seed = 1; seed <= 5; seed++) {
        const r = await runScenario(TestSwarmRaft, { seed, impl: reference(), params: { level } });
        expect(r.passed, `${level} seed ${seed}: ${first(r.error)}`).to.equal(true);
      }
    }
  });

  it('a Raft written as far as 2B passes level 2B (seeds 1–20) and says so first', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = await runScenario(TestSwarmRaft, { seed, impl: only2B(), params: { level: '2B' } });
      expect(r.passed, `seed ${seed}: ${first(r.error)}`).to.equal(true);
      expect(r.output[2]).to.equal('swarm level 2B: no crashes, no snapshots');
    }
  });

  it('the same Raft fails 2C and 2D for what it has not written: why the level matters', async () => {
    const at = async (level: string) => {
      for (let seed = 1; seed <= 20; seed++) {
        const r = await runScenario(TestSwarmRaft, { seed, impl: only2B(), params: { level } });
        if (!r.passed) return first(r.error);
      }
      return undefined;
    };
    expect(await at('2C')).to.match(/is not implemented yet \(part 2C\)/);
    expect(await at('2D')).to.match(/is not implemented yet \(part 2D\)/);
  });

  it('a 2B bug is caught at level 2B', async () => {
    const r = await runScenario(TestSwarmRaft, {
      seed: 1,
      impl: new Implementation(path.join(ROOT, 'impls', 'raft-apply-twice')),
      params: { level: '2B' },
    });
    expect(first(r.error)).to.match(/^apply error: monotonic apply: server \d applied index 1/);
  });
});

describe('levels of a learner (ours)', function () {
  this.timeout(60_000);
  const kits = new KitCopies();
  after(() => kits.cleanup());

  it("each family's level for the part reached", () => {
    expect(levels.TestSwarmRaft).to.equal(RAFT_SWARM_LEVELS);
    expect(levels.TestSwarmKV).to.equal(KV_SWARM_LEVELS);
    expect(
      ['2A', '2B', '2C', '2D', '3A', '4B'].map((p) => levelFor(RAFT_SWARM_LEVELS, p)),
    ).to.deep.equal([undefined, '2B', '2C', '2D', '2D', '2D']);
    expect(['2D', '3A', '3b', '4A'].map((p) => levelFor(KV_SWARM_LEVELS, p))).to.deep.equal([
      undefined,
      '3A',
      '3B',
      '3B',
    ]);
    expect(levelFor(RAFT_SWARM_LEVELS, undefined)).to.equal('2D');
  });

  it('highestImplementedPart: from the untouched kit to the reference', () => {
    expect(highestImplementedPart(path.join(ROOT, 'src'))).to.equal('4B');
    expect(highestImplementedPart(kits.make('levels-kit'))).to.equal(undefined);
    const a = kits.make('levels-2a', fillElection);
    expect(highestImplementedPart(a)).to.equal('2A');
    // start() written: 2C has no throw, but persist() is still the kit's empty one.
    fill(a, 'raft/raft.ts', [
      [
        "    throw new Error('raft/raft.ts: start() is not implemented yet (part 2B)');",
        '    return { index: -1, term: this.currentTerm, isLeader: false };',
      ],
    ]);
    expect(highestImplementedPart(a)).to.equal('2B');
    fill(a, 'raft/raft.ts', [
      [
        '    // Your code here (2C).\n  }',
        '    this.persister.save(new Uint8Array(0), null);\n  }',
      ],
    ]);
    expect(highestImplementedPart(a)).to.equal('2C');
    // A throw commented out is not there any more; one of a later layer is.
    fill(a, 'raft/raft.ts', [
      [
        "    throw new Error('raft/raft.ts: snapshot() is not implemented yet (part 2D)');",
        "    // throw new Error('raft/raft.ts: snapshot() is not implemented yet (part 2D)');",
      ],
      [
        "    throw new Error('raft/raft.ts: installSnapshot() is not implemented yet (part 2D)');",
        '    return { term: this.currentTerm };',
      ],
    ]);
    expect(highestImplementedPart(a)).to.equal('2D');
    fs.rmSync(path.join(a, 'shardkv'), { recursive: true });
    expect(highestImplementedPart(a)).to.equal('2D');
  });
});

/** Runs `body` with DSLAB_EDITION set to `edition`, as the grader's workers run. */
async function inEdition<T>(edition: string, body: () => Promise<T> | T): Promise<T> {
  const before = process.env.DSLAB_EDITION;
  process.env.DSLAB_EDITION = edition;
  try {
    return await body();
  } finally {
    if (before === undefined) delete process.env.DSLAB_EDITION;
    else process.env.DSLAB_EDITION = before;
  }
}

describe('swarm levels in the 2026 edition (ours)', function () {
  this.timeout(120_000);

  it('3B-3D name the Raft swarm at 2023 2B-2D through the registry; 3A and lab 2 are below it', () =>
    inEdition('2026', () => {
      expect(
        ['3A', '3B', '3c', '3D', '4A', '5C'].map((p) => levelFor(RAFT_SWARM_LEVELS, p)),
      ).to.deep.equal([undefined, '2B', '2C', '2D', '2D', '2D']);
      expect(levelFor(RAFT_SWARM_LEVELS, '2LOCK')).to.equal(undefined);
      expect(() => levelFor(RAFT_SWARM_LEVELS, '2B')).to.throw(
        /^level "2B" is not a part of the course \(2KV, 2LOCK, 3A/,
      );
    }));

  it('a 2026 level runs the 2023 level it names: the same fingerprint, seed by seed', async () => {
    for (const [now, then] of [
      ['3B', '2B'],
      ['3C', '2C'],
      ['3D', '2D'],
    ]) {
      const old = await runScenario(TestSwarmRaft, {
        seed: 51,
        impl: reference(),
        params: { level: then },
      });
      const r = await inEdition('2026', () =>
        runScenario(TestSwarmRaft, { seed: 51, impl: reference(), params: { level: now } }),
      );
      expect(r.passed, `${now}: ${first(r.error)}`).to.equal(true);
      expect(r.fingerprint, now).to.equal(old.fingerprint);
    }
  });

  it('refuses 3A in 2026, naming 3B as the lowest level', async () => {
    const r = await inEdition('2026', () =>
      runScenario(TestSwarmRaft, { seed: 1, impl: reference(), params: { level: '3A' } }),
    );
    expect(first(r.error)).to.match(
      /^the Raft swarm needs part 3B at least \(the level given is 3A\)/,
    );
  });

  it('highestImplementedPart in 2026: the reference has written every part', () =>
    inEdition('2026', () => {
      expect(highestImplementedPart(path.join(ROOT, 'src'))).to.equal('5C');
    }));
});
