// The starter kit names the chosen edition's parts: new-lab --edition 2026 rewrites the shared
// Raft layer's 2A-2D as 3A-3D (tools/starter-parts.ts), so every "not implemented yet (part X)" and
// "Your code here (X)" of a copied kit names a part of that edition that is written in that file's
// layer, and a run of the copy fails with the edition's part.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { partsOf, type Edition } from '../../labs/editions';
import { loadRegistry, testsOf } from '../../labs';
import { Implementation } from '../../harness/impl';
import { compileLearnerDir } from '../../grader/learner/compile';
import { runScenario } from '../../harness/scenario';
import { starterTextFor } from '../../tools/starter-parts';
import { kitMessageAs } from '../../labs/kit-messages';
import { executeRun } from '../../labs/run';
import { cleanup, NEW_LAB, tempDir } from '../learner/helpers';
import { ROOT } from '../grader/helpers';

function copyKit(edition: Edition, dir: string): void {
  execFileSync(process.execPath, [NEW_LAB, dir, '--edition', edition], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, DSLAB_EDITION: '' },
  });
}

/** Every part id a kit file names: in its not-implemented messages and its "here (...)" marks. */
function partMentions(text: string): { notImplemented: string[]; marks: string[] } {
  const notImplemented = [...text.matchAll(/not implemented yet \(part (\w+)/g)].map((m) => m[1]);
  const marks = [...text.matchAll(/(?:code|data) here \(([^)]*)\)/g)].flatMap((m) =>
    [...m[1].matchAll(/\b\d[A-Z]+\b/g)].map((id) => id[0]),
  );
  return { notImplemented, marks };
}

/** Mentions of a part that is not the edition's, or not written in the file's layer. */
function misnamed(edition: Edition, dir: string): { wrong: string[]; messages: number } {
  const parts = partsOf(edition);
  const wrong: string[] = [];
  let messages = 0;
  for (const file of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    const layer = file.split(path.sep)[0];
    const { notImplemented, marks } = partMentions(fs.readFileSync(path.join(dir, file), 'utf8'));
    messages += notImplemented.length;
    for (const id of [...notImplemented, ...marks]) {
      const part = parts.find((p) => p.id === id);
      if (!part || !(part.writes as readonly string[]).includes(layer))
        wrong.push(
          `${file}: part ${id}${part ? ` is not written in ${layer}/` : ` is not a ${edition} part`}`,
        );
    }
  }
  return { wrong, messages };
}

describe("the starter kit names the edition's parts (new-lab --edition)", function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => cleanup(...dirs));

  for (const edition of ['2023', '2026'] as const)
    it(`every part a ${edition} kit names is a ${edition} part written in that file's layer`, () => {
      const dir = path.join(tempDir(`kit-${edition}`), 'mylab');
      dirs.push(path.dirname(dir));
      copyKit(edition, dir);
      const { wrong, messages } = misnamed(edition, dir);
      expect(wrong).to.deep.equal([]);
      expect(messages).to.be.greaterThan(10);
    });

  it('rewrites whole part ids of the Raft layer only, ranges included', () => {
    const text = "(part 2A) (2A, 2B; 2C: x) labs 2A–2D, Figure 2's 2Ax v2.2A";
    expect(starterTextFor('2026', 'raft', text)).to.equal(
      "(part 3A) (3A, 3B; 3C: x) labs 3A–3D, Figure 2's 2Ax v2.2A",
    );
    expect(starterTextFor('2026', 'kvsrv', text)).to.equal(text);
    expect(starterTextFor('2023', 'raft', text)).to.equal(text);
  });

  it("a 2026 copy's Raft fails TestInitialElection3A with part 3A", async () => {
    const dir = path.join(tempDir('kit-run'), 'mylab');
    dirs.push(path.dirname(dir));
    copyKit('2026', dir);
    const test = loadRegistry('', '2026')
      .parts.flatMap(testsOf)
      .find((s) => s.name === 'TestInitialElection3A')!;
    const impl = new Implementation(compileLearnerDir(dir).dir);
    const r = await runScenario(test, { seed: 1, impl });
    expect(r.check).to.equal('implementation-threw');
    expect(r.error).to.match(/^raft\/raft\.ts: \w+\(\) is not implemented yet \(part 3A\)/);
  });

  it("the project's own starter/, graded as it is under 2026, fails TestInitialElection3A with part 3A", async () => {
    const before = process.env.DSLAB_EDITION;
    process.env.DSLAB_EDITION = '2026';
    try {
      const r = await executeRun(
        {
          test: 'TestInitialElection3A',
          seed: 1,
          implDir: compileLearnerDir(path.join(ROOT, 'starter')).dir,
        },
        {},
        loadRegistry('', '2026'),
      );
      expect(r.check).to.equal('implementation-threw');
      expect(r.error).to.match(/^raft\/raft\.ts: \w+\(\) is not implemented yet \(part 3A\)/);
    } finally {
      if (before === undefined) delete process.env.DSLAB_EDITION;
      else process.env.DSLAB_EDITION = before;
    }
  });

  it('rewords only the Raft parts of not-implemented messages, and only for 2026', () => {
    const error =
      'raft/raft.ts: start() is not implemented yet (part 2B)\nkvsrv/server.ts: x() is not implemented yet (part 2KV)';
    expect(kitMessageAs('2026', error)).to.equal(
      'raft/raft.ts: start() is not implemented yet (part 3B)\nkvsrv/server.ts: x() is not implemented yet (part 2KV)',
    );
    expect(kitMessageAs('2023', error)).to.equal(error);
    expect(kitMessageAs('2026', 'part 2A of something else')).to.equal('part 2A of something else');
  });
});
