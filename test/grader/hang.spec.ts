// A learner's Raft that hangs: its ticker waits for votes in a loop that never lets them arrive,
// synchronously (ticker-spin) or as promise jobs that never yield (ticker-promise). With the
// default watchdog, the grade of 3 seeds names the file and line within one watchdog period, skips
// the test's other seeds instead of hanging on each, and is over within one watchdog period (about
// 10.5 s; the spec allows two, for a loaded machine). The probe thread that reads the last event
// needs the inspector, which the sandbox denies: these run with --no-sandbox, and a sandboxed
// worker is asked with SIGINT instead (the last case: the line, without the last event).
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { grade, readResults, ROOT } from './helpers';
import { cleanup } from '../learner/helpers';

/** The default --timeout (120 s) gives a silence limit of 10 s. */
const SILENCE_MS = 10_000;
const SOURCE = path.join(ROOT, 'test', 'grader', 'impls', 'ticker-spin', 'raft', 'raft.ts');

/** 1-based numbers of the lines of raft.ts that match. */
function linesOf(pattern: RegExp): number[] {
  return fs
    .readFileSync(SOURCE, 'utf8')
    .split('\n')
    .flatMap((l, i) => (pattern.test(l) ? [i + 1] : []));
}

describe('grader: a run that hangs is named by its line, and its test stops there', function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grader-hang-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const waits = linesOf(/while \(this\.role === 'candidate'/);
  const cases = [
    // The pause lands on the busy loop's condition.
    { impl: 'ticker-spin', places: [`${waits[0]} (ticker)`] },
    // It lands in one of the promise jobs: the loop's await, or the function it awaits.
    {
      impl: 'ticker-promise',
      places: [
        `${waits[1]} (ticker)`,
        `${waits[1] + 1} (ticker)`,
        ...linesOf(/async pollVotes\(\)|return this\.votes;/).map((n) => `${n} (pollVotes)`),
      ],
    },
  ];

  for (const c of cases) {
    it(`${c.impl}: names the line within one watchdog period and skips the other seeds`, async () => {
      expect(waits).to.have.length(2);
      const json = path.join(tmp, `${c.impl}.json`);
      const started = performance.now();
      const r = await grade(
        [
          '2a',
          '--run',
          '^TestInitialElection2A$',
          '--impl',
          `test/grader/impls/${c.impl}`,
          '-n',
          '3',
          '--seed',
          '1',
          '-p',
          '1',
          '--json',
          json,
          '--out',
          path.join(tmp, 'out'),
          '--no-sandbox',
        ],
        {},
        60_000,
      );
      const wall = performance.now() - started;
      expect(r.code, r.stderr).to.equal(1);
      const results = readResults(json).results;
      expect(results.map((x) => x.status)).to.deep.equal(['hung', 'skipped', 'skipped']);
      const hung = results[0];
      const where = 'test/grader/impls/ticker-spin/raft/raft.ts:';
      // A promise-job loop's pause may land in Node's tick loop between two jobs: the probe steps
      // from there into the next job (unnamed in 1 of 3 grades before it did).
      expect(c.places.map((p) => `${where}${p}`)).to.include(hung.hungIn);
      // The probe answered as the watchdog fired: no second period, no re-run for a trace.
      expect(hung.realMs).to.be.below(SILENCE_MS + 6000);
      expect(hung.trace).to.equal(undefined);
      // One watchdog period in all, not one per seed (three would be 30 s); measured about 10.5 s on
      // an idle machine, so the bound leaves room for a loaded one.
      expect(wall, r.stdout + r.stderr).to.be.below(2 * SILENCE_MS);
      // The report: the failure's first line names the place; the virtual time is the last event's.
      const block = r.stdout.slice(r.stdout.indexOf('TestInitialElection2A seed 1: hung at'));
      const lines = block.split('\n');
      expect(lines[1]).to.match(
        new RegExp(
          `^ {4}\\[hung\\] hung in ${where.replace(/[./]/g, '\\$&')}\\d+ \\(\\w+\\): the worker stopped responding for \\d+\\.\\ds at virtual time \\d+\\.\\d{3}s \\(its last event\\)`,
        ),
      );
      expect(lines[1]).to.include(`hung in ${hung.hungIn}:`);
      expect(lines[2]).to.match(
        new RegExp(`^ {4}stuck: {2}${where.replace(/[./]/g, '\\$&')}\\d+:\\d+ \\(\\w+\\)$`),
      );
      const at = /^TestInitialElection2A seed 1: hung at (\d+\.\d{3})s virtual$/.exec(lines[0]);
      expect(at, lines[0]).to.not.equal(null);
      expect(hung.lastEvent).to.match(new RegExp(`^${at![1]}s `));
      expect(r.stdout).to.include(`last event before it stopped: ${hung.lastEvent}`);
      expect(r.stdout).to.include('FAIL (1 hung, 2 skipped)');
      expect(r.stdout).to.include('trace:  not saved: a hung run is not run again');
      expect(r.stderr).to.include(
        'TestInitialElection2A hung on seed 1: its runs not yet started are skipped (--keep-going runs them)',
      );
    });
  }

  it('sandboxed: names the line from the stack Node prints on SIGINT, within one watchdog period', async () => {
    const json = path.join(tmp, 'sandboxed.json');
    const started = performance.now();
    const r = await grade(
      [
        '2a',
        '--run',
        '^TestInitialElection2A$',
        '--impl',
        'test/grader/impls/ticker-spin',
        '-n',
        '2',
        '--seed',
        '1',
        '-p',
        '1',
        '--json',
        json,
        '--out',
        path.join(tmp, 'out'),
      ],
      {},
      60_000,
    );
    const wall = performance.now() - started;
    expect(r.code, r.stderr).to.equal(1);
    const hung = readResults(json).results[0];
    expect(hung.status).to.equal('hung');
    const places = cases[0].places.map((p) => `test/grader/impls/ticker-spin/raft/raft.ts:${p}`);
    expect(places, r.stdout).to.include(hung.hungIn);
    expect(wall, r.stdout + r.stderr).to.be.below(2 * SILENCE_MS);
    const block = r.stdout.slice(r.stdout.indexOf('TestInitialElection2A seed 1: hung at'));
    expect(block.split('\n')[1]).to.match(
      /^ {4}\[hung\] hung in .*: the worker stopped responding for \d+\.\ds after virtual time \d+\.\d{3}s \(its last report\)/,
    );
  });

  it('replay: its watchdog names the line too, before it kills the process', async () => {
    const r = await grade(
      [
        'replay',
        'TestInitialElection2A',
        '--seed',
        '1',
        '--impl',
        // The synchronous loop: a promise-job loop is not always paused in time (see above).
        'test/grader/impls/ticker-spin',
        '--timeout',
        '3',
        // The inspector that finds the line is denied in the box (grader/replay-box.ts).
        '--no-sandbox',
      ],
      {},
      30_000,
    );
    expect(r.signal).to.equal('SIGKILL');
    const places = cases[0].places.map((p) => `test/grader/impls/ticker-spin/raft/raft.ts:${p}`);
    const m = /^hung in (.*) \(where the watchdog paused it\):$/m.exec(r.stderr);
    expect(m, r.stderr).to.not.equal(null);
    expect(places, r.stderr).to.include(m![1]);
    expect(r.stderr).to.match(/^ {4}at \w+ \(.*ticker-spin\/raft\/raft\.ts:\d+:\d+\)$/m);
  });

  it("names the line of a learner's own folder, compiled by the grader, through its source maps", async () => {
    // The same Raft as a learner's folder outside the project: imports from dslab/harness.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dslab-hang-learner-'));
    try {
      fs.mkdirSync(path.join(dir, 'raft'));
      for (const f of ['raft.ts', 'index.ts'])
        fs.writeFileSync(
          path.join(dir, 'raft', f),
          fs
            .readFileSync(path.join(path.dirname(SOURCE), f), 'utf8')
            .replace(/'(\.\.\/)+harness\//g, "'dslab/harness/"),
        );
      const json = path.join(tmp, 'learner.json');
      const r = await grade(
        [
          '2a',
          '--run',
          '^TestInitialElection2A$',
          '--impl',
          dir,
          '-n',
          '1',
          '--seed',
          '1',
          '--timeout',
          '4',
          '--json',
          json,
          '--out',
          path.join(tmp, 'out'),
        ],
        {},
        60_000,
      );
      expect(r.code, r.stderr).to.equal(1);
      const hung = readResults(json).results[0];
      expect(hung.status).to.equal('hung');
      expect(hung.hungIn).to.equal(`${path.join(dir, 'raft', 'raft.ts')}:${waits[0]} (ticker)`);
    } finally {
      cleanup(dir);
    }
  });
});
