// End to end: bad input, shards and merge, replay, compare and Ctrl-C, through the compiled CLI.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { faultySeed, fingerprintOf, finish, grade, readResults, start } from './helpers';

const MINI = 'test/grader/impls/mini';
const THROWS = 'test/grader/impls/throws';

describe('grader: command line (end to end)', function () {
  this.timeout(60_000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grader-cli-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('rejects bad input in one line with what to do, exit status 2, and writes nothing', async () => {
    const noExport = path.join(tmp, 'no-export');
    fs.mkdirSync(path.join(noExport, 'raft'), { recursive: true });
    fs.writeFileSync(path.join(noExport, 'raft', 'index.js'), 'exports.makeRaftt = () => {};\n');
    const empty = path.join(tmp, 'empty-impl');
    fs.mkdirSync(empty);
    const notJson = path.join(tmp, 'not.json');
    fs.writeFileSync(notJson, '{ nope');
    const json = path.join(tmp, 'never.json');
    const cases: [string[], RegExp][] = [
      [['lab9z'], /unknown lab "lab9z": name a part/],
      [
        ['replay', 'TestGraderElection2B', '--seed', '1'],
        /unknown test TestGraderElection2B; did you mean TestGraderElection2A/,
      ],
      [['replay', 'TestGraderElection2A'], /--seed/],
      [['2a', '-n', '0', '--json', json], /-n\/--runs "0": give a whole number from 1/],
      [['2a', '-n', 'ten', '--json', json], /-n\/--runs "ten"/],
      [['2a', '-p', '1.5', '--json', json], /-p\/--parallel "1.5"/],
      [['2a', '--seed', '-4', '--json', json], /bad seed "-4"/],
      [['2a', '--timeout', '0s', '--json', json], /--timeout "0s"/],
      [
        ['2a', '--impl', path.join(tmp, 'missing'), '--json', json],
        /implementation directory .*missing does not exist; --impl takes a directory laid out like src/,
      ],
      [['2a', '--impl', empty, '--json', json], /has no raft\/index.js: compile it first/],
      [
        ['2a', '--impl', noExport, '--json', json],
        /does not export makeRaft\(\); raft\/index.js must export makeRaft\(peers, me, persister, applySink, runtime\)/,
      ],
      [
        ['2a', '--impl', MINI, '--json', path.join(tmp, 'no-such-dir', 'r.json')],
        /cannot write --json .*no-such-dir does not exist; create it/,
      ],
      [['2a', '--impl', MINI, '--json', tmp], /is a directory/],
      [['2a', '--impl', MINI, '--out', notJson, '--json', json], /cannot use --out .*it is a file/],
      [
        ['2a', '--impl', MINI, '--run', 'NoSuchTest', '--json', json],
        /no test in 2A matches --run 'NoSuchTest'/,
      ],
      [['2a', '--impl', MINI, '--shard', '1/2', '--json', json], /--shard needs --seed/],
      [['2a', '--impl', MINI, '--shard', '3/2', '--seed', '1'], /bad --shard "3\/2"/],
      [['merge', path.join(tmp, 'nothing.json')], /cannot read .*nothing.json: no such file/],
      [['merge', notJson], /not valid JSON/],
      [['--bogus'], /unknown option '--bogus'/],
      [['compare', '--impl', MINI, '2a'], /exactly two implementations/],
    ];
    // A few at a time: each is a process start.
    for (let i = 0; i < cases.length; i += 4) {
      const batch = cases.slice(i, i + 4);
      const outcomes = await Promise.all(batch.map(([args]) => grade(args)));
      outcomes.forEach((r, j) => {
        const [args, pattern] = batch[j];
        const what = `grade ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
        expect(r.code, what).to.equal(2);
        expect(r.stderr.trimEnd().split('\n'), what).to.have.length(1);
        expect(r.stderr, what).to.match(/^grade: /);
        expect(r.stderr, what).to.match(pattern);
        expect(r.stdout, what).to.equal('');
      });
    }
    expect(fs.existsSync(json)).to.equal(false);
    expect(fs.readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
  });

  it('reproduces the unsharded totals by merging shards', async () => {
    const args = [
      '2a',
      '--run',
      '^TestGrader',
      '--impl',
      THROWS,
      '-n',
      '3',
      '--seed',
      '1',
      '--traces',
      '0',
      '--out',
      tmp,
    ];
    const full = path.join(tmp, 'full.json');
    const parts = [1, 2, 3].map((k) => path.join(tmp, `shard${k}.json`));
    const runs = await Promise.all([
      grade([...args, '--json', full]),
      ...parts.map((p, k) => grade([...args, '--shard', `${k + 1}/3`, '--json', p])),
    ]);
    expect(runs[0].code, runs[0].stderr).to.equal(1);
    parts.forEach((p, k) =>
      expect(runs[k + 1].code).to.equal(
        readResults(p).results.every((x) => x.status === 'passed') ? 0 : 1,
      ),
    );
    const merged = path.join(tmp, 'merged.json');
    const m = await grade(['merge', ...parts, '--json', merged]);
    expect(m.code, m.stderr).to.equal(1);
    const key = (f: string) =>
      readResults(f).results.map((r) => `${r.test} ${r.seed} ${r.status} ${r.fingerprint}`);
    expect(key(merged)).to.deep.equal(key(full));
    const tally = (text: string) =>
      /\d+ runs: \d+ passed, \d+ failed, \d+ hung, \d+ crashed/.exec(text)?.[0];
    expect(tally(m.stdout))
      .to.equal(tally(runs[0].stdout))
      .and.to.equal('6 runs: 2 passed, 4 failed, 0 hung, 0 crashed');
    // Rows of the table, without the real-time column (the only one that may differ).
    const table = (text: string) =>
      text
        .split('\n')
        .filter((l) => /^\s+TestGrader\w+\s+\d+\s+\d/.test(l))
        .map((l) =>
          l
            .trim()
            .split(/\s+/)
            .filter((_, i) => i !== 7),
        );
    expect(table(m.stdout)).to.deep.equal(table(runs[0].stdout));
  });

  it('replays one run: fingerprint on its own line, the trace, the columns, exit 1 on failure', async () => {
    const [plain, trace, columns, failing] = await Promise.all([
      grade(['replay', 'TestGraderElection2A', '--seed', '2', '--impl', MINI]),
      grade(['replay', 'TestGraderElection2A', '--seed', '2', '--impl', MINI, '--trace']),
      grade([
        'replay',
        'TestGraderElection2A',
        '--seed',
        '2',
        '--impl',
        MINI,
        '--columns',
        '--width',
        '120',
        '--only',
        'log,crash,net,test',
      ]),
      grade(['replay', 'TestGraderElection2A', '--seed', '1', '--impl', THROWS]),
    ]);
    expect(plain.code, plain.stderr).to.equal(0);
    const fp = fingerprintOf(plain.stdout);
    expect(fp).to.match(/^[0-9a-f]{16}$/);
    expect(fingerprintOf(trace.stdout)).to.equal(fp);
    expect(fingerprintOf(columns.stdout)).to.equal(fp);
    expect(trace.stdout).to.match(
      /^\s+\d+\.\d{3}s {2}\d +log +\[election\] candidate in term \d+$/m,
    );
    expect(trace.stdout).to.match(/^\s+\d+\.\d{3}s {2}\d +deliver +#\d+ Raft\.RequestVote$/m);
    const header = columns.stdout.split('\n').find((l) => /^\s+0\s+│ 1\s+│ 2$/.test(l));
    expect(header, columns.stdout).to.not.equal(undefined);
    expect(columns.stdout).to.include('leader in term');
    expect(columns.stdout).not.to.include('Raft.RequestVote');
    expect(failing.code).to.equal(1);
    expect(failing.stdout).to.match(/^FAIL: .*mini raft peer 0: injected failure at \d+ ms/m);
    expect(fingerprintOf(failing.stdout)).to.match(/^[0-9a-f]{16}$/);
  });

  it('shows RPC contents with --rpc, filters by --topics, and says when a filter matches nothing', async () => {
    const replay = (...more: string[]) =>
      grade(['replay', 'TestGraderElection2A', '--seed', '2', '--impl', MINI, ...more]);
    const [rpc, plain, topics, noNode, lateFrom, onlyTopic] = await Promise.all([
      replay('--trace', '--rpc'),
      replay('--trace'),
      replay('--trace', '--topics', 'election'),
      replay('--columns', '--nodes', '7'),
      replay('--trace', '--from', '9'),
      replay('--only', 'election'),
    ]);
    // A vote's outcome, and the request it answers.
    expect(rpc.stdout).to.match(
      /^\s+\d+\.\d{3}s {2}\d +reply +#\d+ Raft\.RequestVote \d+B \{term: \d+, voteGranted: true\}$/m,
    );
    expect(rpc.stdout).to.match(
      /^\s+\d+\.\d{3}s {2}\d +deliver +#\d+ Raft\.RequestVote \{term: \d+, candidateId: \d\}$/m,
    );
    expect(plain.stdout).not.to.include('voteGranted');
    expect(fingerprintOf(rpc.stdout)).to.equal(fingerprintOf(plain.stdout));
    // --topics election: election logs, votes and election timers, nothing else but the test's lines.
    const records = topics.stdout
      .split('\n')
      .filter((l) => /^\s+\d+\.\d{3}s {2}\w+ +\w+ /.test(l) && !/ test +test /.test(l));
    expect(records.length).to.be.greaterThan(3);
    for (const l of records) expect(l).to.match(/\[election\]|RequestVote|election timeout/);
    expect(topics.stdout).to.include('[election] leader in term');
    expect(plain.stdout).to.include('Raft.AppendEntries');
    expect(topics.stdout).not.to.include('Raft.AppendEntries');
    // Filters that match nothing say so.
    expect(noNode.code).to.equal(0);
    expect(noNode.stdout).to.match(
      /^note: --nodes 7: no such node in this run \(its nodes: 0, 1, 2, test, tester\)$/m,
    );
    expect(noNode.stdout).to.match(/^note: no record matched the filters/m);
    expect(lateFrom.stdout).to.match(/^note: --from 9: the run ended at \d\.\d{3}s virtual$/m);
    expect(onlyTopic.code).to.equal(2);
    expect(onlyTopic.stderr).to.match(
      /election is a topic, not a record kind: use --topics election/,
    );
  });

  it("captures an implementation's console output into the trace, with the node's name", async () => {
    const CHATTY = 'test/grader/impls/chatty';
    const json = path.join(tmp, 'chatty.json');
    const [graded, plain, trace] = await Promise.all([
      grade([
        '2a',
        '--run',
        '^TestGraderElection2A$',
        '--impl',
        CHATTY,
        '--seed',
        '2',
        '--json',
        json,
      ]),
      grade(['replay', 'TestGraderElection2A', '--seed', '2', '--impl', CHATTY]),
      grade(['replay', 'TestGraderElection2A', '--seed', '2', '--impl', CHATTY, '--trace']),
    ]);
    expect(graded.code, graded.stderr).to.equal(0);
    expect(graded.stdout + graded.stderr).not.to.include('is leader of term');
    expect(plain.stdout).to.match(/^\s+\d+\.\d{3}s {2}(\d) +console S\1 is leader of term \d+$/m);
    expect(trace.stdout).to.match(/^\s+\d+\.\d{3}s {2}(\d) +console S\1 is leader of term \d+$/m);
    // The same run in the grader and in the replay: console lines are part of both traces.
    expect(fingerprintOf(trace.stdout)).to.equal(readResults(json).results[0].fingerprint);
  });

  it('stops at the first failure with --bail, and prints its replay command', async () => {
    // One worker, seeds 1..6 in order: seed 1 fails (faultySeed), and nothing after it runs.
    const r = await grade([
      '2a',
      '--run',
      '^TestGraderElection2A$',
      '--impl',
      THROWS,
      '-n',
      '6',
      '--seed',
      '1',
      '-p',
      '1',
      '--bail',
      '--out',
      tmp,
    ]);
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stderr).to.include(
      `--bail: stopped at the first failure; replay it with: npm run grade -- replay TestGraderElection2A --seed 1 --impl ${THROWS} --trace`,
    );
    expect(r.stdout).to.match(/^stopped at the first failure \(--bail\): 1 of 6 runs finished$/m);
    expect(r.stdout).to.include(
      `replay: npm run grade -- replay TestGraderElection2A --seed 1 --impl ${THROWS} --trace`,
    );
  });

  it('says when npm kept the options given without --, and runs as the dslab command', async () => {
    // npm run grade lab2a -n 2 --seed 5 passes "lab2a 2 5" and keeps --seed for itself.
    const r = await grade(['lab2a', '2', '5'], {
      npm_lifecycle_event: 'grade',
      npm_config_seed: 'true',
    });
    expect(r.code).to.equal(2);
    expect(r.stderr.trimEnd()).to.match(
      /^grade: unknown lab "5": .* npm kept the options before "--" for itself \(--seed\): write npm run grade -- LAB \[options\], or npx dslab grade LAB \[options\]$/,
    );
    // `dslab grade ...` is `grade ...`.
    const bin = await grade(['grade', 'list', '2a']);
    expect(bin.code, bin.stderr).to.equal(0);
    expect(bin.stdout).to.match(/^2A {2}TestGraderElection2A /m);
  });

  it('compares two implementations on the same seeds with a verdict per part', async () => {
    const r = await grade([
      'compare',
      '--impl',
      MINI,
      '--impl',
      THROWS,
      '2a',
      '--run',
      '^TestGrader',
      '-n',
      '2',
      '--seed',
      '1',
      '-q',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    // Quiet: no live view, but every failing seed with its replay command.
    expect(r.stderr).not.to.include('FAILED');
    expect(r.stdout).to.match(/^ {2}\[B\] TestGraderElection2A: 1 failed, seeds 1$/m);
    expect(r.stdout).to.include(
      `      replay: npm run grade -- replay TestGraderElection2A --seed 1 --impl ${THROWS} --trace`,
    );
    expect(r.stdout).to.match(/^\s+TestGraderElection2A\s+2\/2\s+1\/2\s/m);
    expect(r.stdout).to.match(/^\s+2A: A is better: passes 4\/4 runs \(100%\), the other 2\/4$/m);
  });

  it('stops cleanly on Ctrl-C, kills its workers and reports what finished', async () => {
    // Seed 1 spins forever (the watchdog would wait 10 s); seed 2 passes at once.
    expect([faultySeed(1), faultySeed(2)]).to.deep.equal([true, false]);
    const child = start([
      '2a',
      '--run',
      '^TestGraderElection2A$',
      '--impl',
      'test/grader/impls/spin',
      '-n',
      '4',
      '--seed',
      '1',
      '-p',
      '2',
      '--timeout',
      '60',
      '--out',
      tmp,
    ]);
    const done = finish(child, 20_000);
    let workers: number[] = [];
    for (let i = 0; i < 50 && workers.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      workers = childrenOf(child.pid!);
    }
    expect(workers.length).to.equal(2);
    await new Promise((r) => setTimeout(r, 800));
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).to.equal(130);
    expect(r.stdout).to.match(/interrupted: \d of 4 runs finished/);
    expect(r.stdout).to.match(/^\s+TestGraderElection2A\s+\d/m);
    for (const pid of workers) expect(alive(pid), `worker ${pid}`).to.equal(false);
  });
});

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
