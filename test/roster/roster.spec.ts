// dslab roster end to end: seven submissions made in a temporary folder — the reference Raft as a
// learner's folder, the same with a bug (its log is never persisted), one that does not compile,
// the reference packed as a .tar.gz, two more of the buggy variants in impls/ written as a learner's
// bugs (the term not persisted, a slow log backup) and a hostile one (test/fixtures/hostile, reading
// the reference's compiled files) — graded on 2A and 2C with one seed; the gradebook's rows and
// reasons, the HTML, then a second roster that grades nothing again and a third that regrades only
// the submission that changed. test/roster/resume.spec.ts interrupts one; test/staff/sandbox.spec.ts
// tries every attack.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { graderCodeHash } from '../../grader/code-hash';
import { ROOT as ROOT_DIR, grade as runCli, type Outcome } from '../grader/helpers';
import {
  cleanup,
  copyReferenceLayer,
  fill,
  NO_PERSISTED_LOG,
  REFERENCE_MAKE_RAFT,
  tempDir,
} from '../learner/helpers';

const cli = (args: string[]) => runCli(args, { GRADE_EXTRA_SCENARIOS: '' }, 600_000);

/** impls/raft-no-persist-term, as a learner's bug (in raft/index.ts, for the reference's makeRaft). */
const NO_PERSISTED_TERM = `import type { PersistentState } from './state';

class NoPersistTerm extends Raft {
  protected override persistentState(): PersistentState {
    return { ...super.persistentState(), currentTerm: 0 };
  }
}

export const makeRaft: MakeRaft = makeRaftWith(NoPersistTerm);`;

/** impls/raft-slow-backup, as a learner's bug: after a rejection, one entry back per round trip. */
const SLOW_BACKUP = `import type { AppendEntriesReply } from './messages';

class SlowBackup extends Raft {
  protected override nextIndexAfterRejection(_reply: AppendEntriesReply, prevLogIndex: number): number {
    return prevLogIndex;
  }
}

export const makeRaft: MakeRaft = makeRaftWith(SlowBackup);`;

type Row = Record<string, string>;

function csvRows(file: string): Record<string, string>[] {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const split = (line: string) => {
    const cells: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (c === '"') quoted = false;
        else cur += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') {
        cells.push(cur);
        cur = '';
      } else cur += c;
    }
    cells.push(cur);
    return cells;
  };
  const names = split(header!);
  return lines.map((l) => Object.fromEntries(split(l).map((v, i) => [names[i]!, v])));
}

describe('dslab roster', function () {
  this.timeout(900_000);
  let root: string;
  let out: string;
  let subs: string[];
  const names = ['reference', 'no-log', 'broken', 'packed', 'no-term', 'slow-backup', 'hostile'];
  before(() => {
    root = tempDir('roster');
    out = path.join(root, 'out');
    const reference = path.join(root, 'reference');
    copyReferenceLayer('raft', reference);
    const noLog = path.join(root, 'no-log');
    copyReferenceLayer('raft', noLog);
    fill(noLog, 'raft/index.ts', [[REFERENCE_MAKE_RAFT, NO_PERSISTED_LOG]]);
    const broken = path.join(root, 'broken');
    copyReferenceLayer('raft', broken);
    fs.appendFileSync(
      path.join(broken, 'raft', 'index.ts'),
      "\nexport const oops: number = 'one';\n",
    );
    // An archive of a repository-like folder: the learner's folder inside it.
    const repo = path.join(root, 'packed-src');
    copyReferenceLayer('raft', path.join(repo, 'mylab'));
    fs.writeFileSync(path.join(repo, 'README.md'), 'my work\n');
    execFileSync('tar', ['czf', path.join(root, 'packed.tar.gz'), '-C', repo, '.']);
    const variants = (
      [
        ['no-term', NO_PERSISTED_TERM],
        ['slow-backup', SLOW_BACKUP],
      ] as const
    ).map(([name, text]) => {
      const dir = path.join(root, name);
      copyReferenceLayer('raft', dir);
      fill(dir, 'raft/index.ts', [[REFERENCE_MAKE_RAFT, text]]);
      return dir;
    });
    const hostile = path.join(root, 'hostile');
    fs.cpSync(path.join(ROOT_DIR, 'test', 'fixtures', 'hostile'), hostile, { recursive: true });
    fs.writeFileSync(
      path.join(hostile, 'raft', 'attack.ts'),
      "export const ATTACK: string = 'reference-read';\n",
    );
    subs = [reference, noLog, broken, path.join(root, 'packed.tar.gz'), ...variants, hostile];
  });
  after(() =>
    cleanup(
      root,
      ...names.map((n) => path.join(root, n)),
      path.join(out, 'submissions', 'packed', 'mylab'),
    ),
  );

  const roster = () =>
    cli(['roster', ...subs, '--parts', '2a,2c', '-n', '1', '--seed', '1', '-p', '2', '--out', out]);

  let first: Outcome;
  let firstMs = 0;
  it('grades every submission and writes the gradebook', async () => {
    const t0 = Date.now();
    first = await roster();
    firstMs = Date.now() - t0;
    console.log(`      first roster: ${(firstMs / 1000).toFixed(1)} s`);
    expect(first.code, first.stderr + first.stdout).to.equal(0);
    expect(first.stdout).to.match(/seed 1/);
    for (const [i, n] of names.entries()) expect(first.stdout).to.include(`[${i + 1}/7] ${n}: `);
    expect(first.stdout).to.include('graded 7, cached 0');

    const rows = csvRows(path.join(out, 'gradebook.csv'));
    expect(rows.map((r) => r.name)).to.deep.equal(names);
    const [ref, noLog, broken, packed, noTerm, slowBackup, hostile] = rows as Record<
      string,
      string
    >[] as [Row, Row, Row, Row, Row, Row, Row];
    expect(ref.status).to.equal('passed');
    expect(ref['2A (course)']).to.equal('5');
    expect(ref['2C (course)']).to.equal('10');
    expect(ref.total).to.equal('15');
    expect(ref['2A ours']).to.match(/^(\d+)\/\1$/);
    expect(noLog.status).to.equal('failed');
    expect(noLog['2A (course)']).to.equal('5');
    expect(Number(noLog['2C (course)'])).to.be.lessThan(10);
    expect(broken.status).to.equal('compile-error');
    expect(broken.total).to.equal('0');
    expect(broken.reason).to.match(
      /does not compile: 1 type error .*raft\/index\.ts:\d+:\d+ error TS2322/,
    );
    expect(packed.status).to.equal('passed');
    expect(packed.total).to.equal('15');
    expect(packed.reason).to.include('mylab');
    for (const variant of [noTerm, slowBackup]) {
      expect(variant.status, variant.name).to.equal('failed');
      expect(variant['2A (course)'], variant.name).to.equal('5');
      expect(Number(variant['2C (course)']), variant.name).to.be.lessThan(10);
    }
    // Contained: its reads of the reference refused, every run failed, nothing scored.
    expect(hostile.status).to.equal('failed');
    expect(hostile.total).to.equal('0');

    const book = JSON.parse(fs.readFileSync(path.join(out, 'gradebook.json'), 'utf8')) as {
      submissions: {
        name: string;
        typeErrors?: string[];
        tests?: {
          name: string;
          verdict: string;
          failures: { seed: number; replay: string; check?: string }[];
        }[];
      }[];
      tests: { name: string; failing: string[] }[];
    };
    const noLogBook = book.submissions.find((s) => s.name === 'no-log')!;
    const failing = noLogBook.tests!.filter((t) => t.verdict !== 'ok');
    expect(failing.length).to.be.greaterThan(0);
    expect(failing[0]!.failures[0]!.seed).to.equal(1);
    expect(failing[0]!.failures[0]!.replay).to.match(
      /npm run grade -- replay Test\w+ --seed 1 --impl \S*no-log --trace/,
    );
    expect(book.submissions.find((s) => s.name === 'broken')!.typeErrors).to.have.length(1);
    // Each variant fails the check its impls/ twin fails on seed 1 (test/raft/variants.spec.ts).
    const checksOf = (name: string) =>
      book.submissions
        .find((s) => s.name === name)!
        .tests!.flatMap((t) => t.failures.map((f) => `${t.name} ${f.check}`));
    expect(checksOf('no-term')).to.include('TestPersist12C term-monotonicity');
    expect(checksOf('slow-backup')).to.include('TestFigure8Unreliable2C agreement');
    const hostileRuns = JSON.parse(
      fs.readFileSync(path.join(out, 'results', 'hostile.json'), 'utf8'),
    ) as { file: { results: { status: string; error?: string }[] } };
    for (const run of hostileRuns.file.results) {
      expect(run.status).to.equal('failed');
      expect(run.error).to.match(
        /the grader's sandbox refused reading \S*dist\/src\/raft\/raft\.js/,
      );
    }
    const counted = book.tests.find((t) => t.name === failing[0]!.name)!;
    // Per test, which submissions fail it: no-log, never those that pass everything.
    expect(counted.failing).to.include('no-log');
    for (const passing of ['reference', 'packed', 'broken'])
      expect(counted.failing).not.to.include(passing);

    const html = fs.readFileSync(path.join(out, 'gradebook.html'), 'utf8');
    for (const n of names) expect(html).to.include(`id="sub-${n}"`);
    expect(html).to.include(failing[0]!.name);
    expect(html).to.include('TS2322');
    expect(html).to.include('<script>');
    expect(fs.existsSync(path.join(out, 'results', 'no-log.json'))).to.equal(true);
    expect(
      fs.existsSync(path.join(out, 'submissions', 'packed', 'mylab', 'raft', 'index.ts')),
    ).to.equal(true);
  });

  it('grades nothing again when nothing changed, and regrades a changed submission', async () => {
    const t0 = Date.now();
    const second = await roster();
    const secondMs = Date.now() - t0;
    console.log(`      second roster (all cached): ${(secondMs / 1000).toFixed(1)} s`);
    expect(second.code, second.stderr + second.stdout).to.equal(0);
    expect(second.stdout).to.include('graded 0, cached 7');
    for (const n of names) expect(second.stdout).to.match(new RegExp(`\\] ${n}: cached`));
    const before = fs.readFileSync(path.join(out, 'gradebook.csv'), 'utf8');

    // The broken submission fixed: graded again, the others still cached.
    const index = path.join(root, 'broken', 'raft', 'index.ts');
    fs.writeFileSync(
      index,
      fs.readFileSync(index, 'utf8').replace("export const oops: number = 'one';", ''),
    );
    const third = await roster();
    expect(third.code, third.stderr + third.stdout).to.equal(0);
    expect(third.stdout).to.include('graded 1, cached 6');
    expect(third.stdout).to.match(/\[3\/7\] broken: \d+\/\d+ runs/);
    const rows = csvRows(path.join(out, 'gradebook.csv'));
    expect(rows[2]!.status).to.equal('passed');
    expect(rows[2]!.total).to.equal('15');
    // The other rows are as before.
    const lines = (t: string) => t.trim().split('\n');
    expect(
      [0, 1, 2, 4, 5, 6, 7].map(
        (i) => lines(fs.readFileSync(path.join(out, 'gradebook.csv'), 'utf8'))[i],
      ),
    ).to.deep.equal([0, 1, 2, 4, 5, 6, 7].map((i) => lines(before)[i]));
  });

  it("keys its cache on the grader's own code and the edition too, not only on the submission", () => {
    const state = JSON.parse(fs.readFileSync(path.join(out, 'roster.json'), 'utf8')) as {
      params: { grader: string; edition: string };
    };
    expect(state.params.edition).to.equal('2023');
    expect(state.params.grader).to.equal(graderCodeHash(path.join(ROOT_DIR, 'dist')));
  });
});

describe('the grader code hash', () => {
  it('changes with any compiled file of the grader, harness, engine, suites or checker, and with nothing else', () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'dslab-codehash-'));
    try {
      const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(dist, file)), { recursive: true });
        fs.writeFileSync(path.join(dist, file), text);
      };
      write('grader/cli.js', 'a');
      write('labs/lab2/lab2a.js', 'b');
      write('src/raft/index.js', 'reference');
      const first = graderCodeHash(dist);
      const again = fs.mkdtempSync(path.join(os.tmpdir(), 'dslab-codehash-'));
      fs.cpSync(dist, again, { recursive: true });
      fs.writeFileSync(path.join(again, 'src', 'raft', 'index.js'), 'another reference');
      expect(graderCodeHash(again), 'src/ is an implementation, not the grader').to.equal(first);
      fs.writeFileSync(path.join(again, 'labs', 'lab2', 'lab2a.js'), 'b2');
      const changed = fs.mkdtempSync(path.join(os.tmpdir(), 'dslab-codehash-'));
      fs.cpSync(again, changed, { recursive: true });
      expect(graderCodeHash(changed), 'a suite changed').to.not.equal(first);
      for (const d of [again, changed]) fs.rmSync(d, { recursive: true, force: true });
    } finally {
      fs.rmSync(dist, { recursive: true, force: true });
    }
  });
});
