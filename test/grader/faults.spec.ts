// End to end: the same seed gives the same fingerprint everywhere, and an implementation that
// throws, deadlocks, loops forever or exhausts memory is reported per run with its seed while the
// other runs complete. The faulty implementations are tiny Rafts under test/grader/impls/ that
// strike on about half the seeds (see faultySeed).
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { registry } from '../../grader/select';
import { faultySeed, fingerprintOf, fingerprints, grade, readResults, ROOT } from './helpers';

describe('grader: determinism and faulty implementations (end to end)', function () {
  this.timeout(90_000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grader-faults-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('gives the same fingerprint in replay, in a worker and on another run of the grader', async () => {
    // A sample: the grader's fixture tests and the first real test of 2A and 2B, where they exist,
    // on the reference Raft if it is built (else the mini Raft: determinism does not need a pass).
    const reg = registry();
    const real = ['2A', '2B']
      .map((id) => reg.parts.find((p) => p.id === id)?.course[0])
      .filter((s) => s !== undefined);
    const names = ['TestGraderElection2A', 'TestGraderAgree2A', ...real.map((s) => s.name)];
    const impl = fs.existsSync(path.join(ROOT, 'dist', 'src', 'raft', 'index.js'))
      ? 'src'
      : 'test/grader/impls/mini';
    const labs = real.some((s) => s.part === '2B') ? ['lab2a', 'lab2b'] : ['lab2a'];
    const common = [
      ...labs,
      '--run',
      `^(${names.join('|')})$`,
      '--impl',
      impl,
      '-n',
      '2',
      '--seed',
      '41',
      '--out',
      tmp,
    ];
    const [a, b] = await Promise.all([
      grade([...common, '-p', '2', '--json', path.join(tmp, 'a.json')]),
      grade([...common, '-p', '1', '--json', path.join(tmp, 'b.json')]),
    ]);
    expect(a.code, a.stderr).to.be.oneOf([0, 1]);
    expect(b.code, b.stderr).to.be.oneOf([0, 1]);
    const fa = fingerprints(readResults(path.join(tmp, 'a.json')));
    const fb = fingerprints(readResults(path.join(tmp, 'b.json')));
    expect(fa.size).to.equal(names.length * 2);
    for (const f of fa.values()) expect(f).to.match(/^[0-9a-f]{16}$/);
    expect([...fb.entries()]).to.deep.equal([...fa.entries()]);
    // Replays in fresh processes, in-process (no worker).
    const sample = [`${names[0]}/41`, `${names[1]}/42`, `${names[names.length - 1]}/42`];
    const replays = await Promise.all(
      sample.map((key) => {
        const [test, seed] = key.split('/');
        return grade(['replay', test, '--seed', seed, '--impl', impl]);
      }),
    );
    replays.forEach((r, i) =>
      expect(fingerprintOf(r.stdout), `${sample[i]}\n${r.stdout}${r.stderr}`).to.equal(
        fa.get(sample[i]),
      ),
    );
  });

  // Seeds 1..4: the faults strike on 1, 3 and 4 (checked below with faultySeed); 2 is healthy.
  const seeds = [1, 2, 3, 4];
  const cases = [
    {
      impl: 'throws',
      tests: ['TestGraderElection2A', 'TestInitialElection2A'],
      status: 'failed',
      check: 'implementation-threw',
      error: /mini raft peer 0: injected failure at \d+ ms/,
      args: [] as string[],
    },
    // The failure names what was being made, for which server, and keeps the stack into the code.
    {
      impl: 'ctor',
      tests: ['TestGraderElection2A', 'TestInitialElection2A'],
      status: 'failed',
      check: 'implementation-threw',
      error:
        /^makeRaft\(\) for server 2 threw: Cannot read properties of undefined \(reading 'term'\)\n(?:.*\n)*\s+at new MiniRaft \(.*mini\/raft\/index\.ts:\d+:\d+\)/,
      args: [],
    },
    {
      impl: 'spin',
      tests: ['TestGraderElection2A', 'TestInitialElection2A'],
      status: 'hung',
      check: 'hung',
      error: /stopped responding .* a synchronous loop/,
      // Every seed, although the test hung before (by default its later runs are skipped).
      args: ['--timeout', '3', '--traces', '1', '--keep-going'],
    },
    // Slow but not stuck: the simulator stops it between two events, and the worker lives on.
    // --timeout 5 gives a silence limit of 2.5 s: on a loaded machine a batch of slow events
    // can keep a worker from reporting for over a second (it did at --timeout 2).
    {
      impl: 'slow',
      tests: ['TestGraderElection2A'],
      status: 'hung',
      check: 'hung',
      error: /^real-time limit of 5s reached at virtual time \d+\.\d+s \(seed \d\)/,
      args: ['--timeout', '5', '--traces', '0', '--keep-going'],
    },
    {
      impl: 'oom',
      tests: ['TestGraderElection2A', 'TestInitialElection2A'],
      status: 'crashed',
      check: 'crashed',
      error:
        /^out of memory \(limit 128 MB per worker, --worker-memory\): Test\w+ seed \d used more heap than that/,
      args: ['--worker-memory', '128', '--traces', '0'],
    },
    // Real 2A tests keep sleeping, so a deadlocked implementation fails them on their own checks;
    // the fixture test waits on nothing but the implementation, and gets the harness's deadlock.
    {
      impl: 'deadlock',
      tests: ['TestGraderAgree2A'],
      status: 'failed',
      check: 'deadlock',
      error:
        /^deadlock at virtual time [\d.]+s \(seed \d+\): the test is waiting but no event can ever wake it/,
      args: [],
    },
  ];

  it('shows the blocked list of a stuck run, naming the handler that never replies', async () => {
    // mute: from 1 s on, no handler of a faulty run ever replies; the tester asks every peer at 1.5 s (it arrives 1–5 ms later).
    const out = path.join(tmp, 'out-mute');
    const r = await grade([
      '2a',
      '--run',
      '^TestTesterAsks2A$',
      '--impl',
      'test/grader/impls/mute',
      '-n',
      '2',
      '--seed',
      '1',
      '--out',
      out,
      '--traces',
      '0',
    ]);
    expect(r.code, r.stderr).to.equal(1);
    const block = r.stdout.slice(
      r.stdout.indexOf('TestTesterAsks2A seed 1: failed at 20.000s virtual'),
    );
    const lines = block.split('\n');
    expect(lines[1]).to.equal(
      '    [virtual-time-limit] virtual time limit of 20s reached and the test has not finished',
    );
    expect(lines[2]).to.equal('    blocked:');
    const blocked = lines.slice(
      3,
      lines.findIndex((l) => l.startsWith('    replay: ')),
    );
    expect(blocked.length).to.be.within(2, 12);
    expect(blocked[0]).to.match(
      /^ {6}tester: RPC #\d+ Raft\.RequestVote to 0 awaiting its outcome; /,
    );
    expect(blocked.join('\n')).to.match(
      /^ {6}0: handler Raft\.\w+ #\d+ from \w+ has not replied since \d+\.\d{3}s/m,
    );
    expect(blocked.join('\n')).to.match(
      /handler Raft\.RequestVote #\d+ from tester has not replied since 1\.50\ds/,
    );
    expect(blocked.join('\n')).not.to.match(/timeout|heartbeat/);
  });

  it('shows where a synchronous loop stopped the run, and its replay ends within the watchdog limit', async () => {
    const out = path.join(tmp, 'out-spin-blocked');
    const json = path.join(tmp, 'spin-blocked.json');
    const r = await grade([
      '2a',
      '--run',
      '^TestGraderAgree2A$',
      '--impl',
      'test/grader/impls/spin',
      '-n',
      '1',
      '--seed',
      '1',
      '--timeout',
      '3',
      '--out',
      out,
      '--json',
      json,
      // The last event comes from the probe thread, which the sandbox denies (hang.spec.ts).
      '--no-sandbox',
    ]);
    expect(r.code, r.stderr).to.equal(1);
    const rec = readResults(json).results[0];
    expect(rec.status).to.equal('hung');
    // The run's last event, from the saved trace; what the nodes waited for at the last heartbeat.
    expect(rec.lastEvent).to.match(/^\d+\.\d{3}s 0 (timer|deliver) /);
    expect(r.stdout).to.include(`    last event before it stopped: ${rec.lastEvent}`);
    expect(r.stdout).to.include('    blocked (when the watchdog stopped it):');
    // Replay: the same watchdog (--timeout 3: silent for 1.5 s is hung), exit status non-zero.
    const started = performance.now();
    const replay = await grade(
      [
        'replay',
        'TestGraderAgree2A',
        '--seed',
        '1',
        '--impl',
        'test/grader/impls/spin',
        '--timeout',
        '3',
      ],
      {},
      20_000,
    );
    expect(performance.now() - started).to.be.below(10_000);
    expect(replay.code).to.equal(null);
    expect(replay.signal).to.equal('SIGKILL');
    expect(replay.stderr).to.match(
      /^HUNG: TestGraderAgree2A seed 1 stopped responding for 1\.\d s after virtual time \d+\.\d{3}s: a synchronous loop/m,
    );
    expect(replay.stderr).to.include('the trace stops here');
    expect(replay.stderr).to.include(rec.lastEvent!.replace(/ .*/, ''));
  });

  it('replays a run stopped at the real-time limit to the same verdict, hung, and says where it stopped', async () => {
    const replay = await grade(
      [
        'replay',
        'TestGraderElection2A',
        '--seed',
        '1',
        '--impl',
        'test/grader/impls/slow',
        '--timeout',
        '5',
      ],
      {},
      30_000,
    );
    expect(replay.code).to.equal(1);
    expect(replay.stdout).to.match(
      /^HUNG: \[hung\] real-time limit of 5s reached at virtual time \d+\.\d{3}s \(seed 1\) and the test has not finished$/m,
    );
    expect(replay.stdout).to.match(
      /^the trace stops here \(its last records\):\n(?: {2}.*\n)* {2}\s+\d+\.\d{3}s {2}0 +timer +busy work\n/m,
    );
  });

  it('uses seeds of both kinds', () => {
    expect(seeds.map(faultySeed)).to.deep.equal([true, false, true, true]);
  });

  for (const c of cases) {
    const what = {
      throws: 'throws',
      ctor: 'throws in its constructor',
      spin: 'loops forever',
      slow: 'is too slow',
      oom: 'exhausts memory',
      deadlock: 'deadlocks',
    }[c.impl];
    it(`reports an implementation that ${what} per run, with its seed, and completes the others`, async () => {
      const json = path.join(tmp, `${c.impl}.json`);
      const out = path.join(tmp, `out-${c.impl}`);
      const r = await grade([
        '2a',
        '--run',
        `^(${c.tests.join('|')})$`,
        '--impl',
        `test/grader/impls/${c.impl}`,
        '-n',
        '4',
        '--seed',
        '1',
        '--json',
        json,
        '--out',
        out,
        ...c.args,
      ]);
      expect(r.code, r.stderr).to.equal(1);
      const file = readResults(json);
      expect(file.results).to.have.length(file.expectedRuns);
      for (const rec of file.results) {
        const where = `${rec.test} seed ${rec.seed}: ${rec.status} ${rec.error ?? ''}`;
        if (!faultySeed(rec.seed)) {
          expect(rec.status, where).to.equal('passed');
        } else if (
          c.tests.includes(rec.test) &&
          (rec.test.startsWith('TestGrader') || c.impl !== 'deadlock')
        ) {
          expect(rec.status, where).to.equal(c.status);
          expect(rec.check, where).to.equal(c.check);
          expect(rec.error, where).to.match(c.error);
          // Every failure appears in the report with the command that replays it.
          expect(r.stdout).to.include(
            `replay: npm run grade -- replay ${rec.test} --seed ${rec.seed} --impl test/grader/impls/${c.impl} --trace`,
          );
        }
        if (rec.status === 'hung' || rec.status === 'crashed')
          expect(rec.virtualMs, where).to.be.greaterThan(500);
      }
      if (c.impl === 'spin') {
        // A hung run is not run again for its trace (it would hang again), and the report says so.
        expect(file.results.filter((x) => x.trace)).to.have.length(0);
        expect(r.stdout).to.include('    trace:  not saved: a hung run is not run again');
      }
    });
  }
});
