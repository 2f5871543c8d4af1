// The grader's pure parts: lab and test selection, seeds, shards, the report's verdicts and
// exit status, merging, columns. No processes are started here.
import { expect } from 'chai';
import {
  applyShard,
  makeJobs,
  parseCount,
  parseLabChoice,
  parseLabs,
  parseSeconds,
  parseShard,
  selectTests,
  suggestTests,
  UsageError,
} from '../../grader/select';
import { renderReport, summarize, verdict } from '../../grader/report';
import { mergeFiles } from '../../grader/merge';
import { FORMAT, type GradeFile } from '../../grader/results';
import { renderColumns, topicOf } from '../../grader/columns';
import { verdictLine } from '../../grader/compare';
import type { RunRecord } from '../../grader/protocol';
import type { LabPart, Scenario } from '../../harness/scenario';
import { PARTS } from '../../labs/parts';
import type { Registry } from '../../labs';
import { stripVTControlCharacters } from 'node:util';

const fake = (name: string, part: LabPart): Scenario => ({
  name,
  part,
  description: name,
  run: async () => {},
});
const LAB_PARTS = PARTS.map((p) => p.id);
const TESTS: Record<string, Scenario[]> = {
  '2A': [fake('TestInitialElection2A', '2A'), fake('TestReElection2A', '2A')],
  '2B': [fake('TestBasicAgree2B', '2B'), fake('TestBackup2B', '2B')],
};
/** The real parts with fake tests in 2A and 2B only. */
const REG: Registry = {
  parts: PARTS.map((p) => ({ ...p, course: TESTS[p.id] ?? [], ours: [], swarm: undefined })),
  swarm: [],
};

describe('grader: selection', () => {
  it('parses parts, whole labs and all, case-insensitively', () => {
    expect(parseLabs(['lab2a'])).to.deep.equal(['2A']);
    expect(parseLabs(['2B', 'LAB2A'])).to.deep.equal(['2A', '2B']);
    expect(parseLabs(['lab2'])).to.deep.equal(['2A', '2B', '2C', '2D']);
    expect(parseLabs(['lab4'])).to.deep.equal(['4A', '4B']);
    expect(parseLabs(['all'])).to.deep.equal([...LAB_PARTS]);
    expect(parseLabs([])).to.deep.equal([...LAB_PARTS]);
    expect(() => parseLabs(['lab2e'])).to.throw(UsageError, /unknown lab "lab2e": did you mean/);
    expect(() => parseLabs(['reply'])).to.throw(UsageError, /unknown lab "reply"/);
    expect(parseLabChoice(['swarm', '2b'])).to.deep.equal({ parts: ['SWARM'], level: '2B' });
    expect(parseLabChoice(['swarm'])).to.deep.equal({ parts: ['SWARM'] });
    expect(parseLabChoice(['lab2', 'swarm'])).to.deep.equal({
      parts: ['2A', '2B', '2C', '2D', 'SWARM'],
      level: '2D',
    });
    expect(() => parseLabChoice(['swarm', '2x'])).to.throw(UsageError, /unknown lab "2x"/);
  });

  it('filters tests by --run and refuses empty selections with a hint', () => {
    expect(selectTests(['2A', '2B'], 'Election', true, REG).tests.map((t) => t.name)).to.deep.equal(
      ['TestInitialElection2A', 'TestReElection2A'],
    );
    expect(() => selectTests(['2A'], 'Nope', true, REG)).to.throw(
      UsageError,
      /no test in 2A matches --run 'Nope'/,
    );
    expect(() => selectTests(['2A'], '(', true, REG)).to.throw(UsageError, /bad --run pattern/);
    expect(() => selectTests(['3A'], undefined, true, REG)).to.throw(
      UsageError,
      /3A has no tests yet/,
    );
    // `all` skips empty parts instead.
    const all = selectTests([...LAB_PARTS], undefined, false, REG);
    expect(all.parts).to.deep.equal(['2A', '2B']);
    expect(all.empty).to.include('3A');
  });

  it('gives run k of every test the seed S+k, and shards partition the jobs', () => {
    const tests = TESTS['2A'].concat(TESTS['2B']);
    const jobs = makeJobs(tests, 100, 3);
    expect(jobs).to.have.length(12);
    expect(jobs.filter((j) => j.test === 'TestBackup2B').map((j) => j.seed)).to.deep.equal([
      100, 101, 102,
    ]);
    const shards = [1, 2, 3, 4, 5].map((k) => applyShard(jobs, parseShard(`${k}/5`)));
    expect(
      shards
        .flat()
        .map((j) => j.index)
        .sort((a, b) => a - b),
    ).to.deep.equal(jobs.map((j) => j.index));
    expect(() => parseShard('0/3')).to.throw(UsageError);
    expect(() => parseShard('4/3')).to.throw(UsageError);
    expect(() => makeJobs(tests, Number.MAX_SAFE_INTEGER, 2)).to.throw(UsageError, /largest seed/);
  });

  it('rejects bad numbers with the accepted range', () => {
    expect(parseCount('7', '-n', 1, 10)).to.equal(7);
    expect(() => parseCount('20', '-n', 1, 10)).to.throw(UsageError, /from 1 to 10/);
    expect(() => parseCount('0', '-n', 1, 10)).to.throw(UsageError, /from 1 to 10/);
    expect(() => parseCount('2.5', '-n', 1, 10)).to.throw(UsageError);
    expect(() => parseCount('x', '-n', 1, 10)).to.throw(UsageError);
    expect(parseSeconds('1.5', '--timeout')).to.equal(1.5);
    expect(() => parseSeconds('-1', '--timeout')).to.throw(UsageError);
  });

  it('suggests test names', () => {
    const names = TESTS['2A'].concat(TESTS['2B']).map((t) => t.name);
    expect(suggestTests('testbackup2b', names)).to.deep.equal(['TestBackup2B']);
    expect(suggestTests('Backup', names)).to.deep.equal(['TestBackup2B']);
    expect(suggestTests('TestReElection2X', names)[0]).to.equal('TestReElection2A');
  });
});

function record(
  test: string,
  part: LabPart,
  seed: number,
  status: RunRecord['status'],
  extra: Partial<RunRecord> = {},
): RunRecord {
  return {
    test,
    part,
    seed,
    status,
    virtualMs: 1000 + seed,
    realMs: 10,
    fingerprint: `f${seed}`,
    stats: { virtualSeconds: 1, peers: 3, rpcs: 10 * seed, bytes: 100 * seed, commands: 0 },
    ...(status === 'passed' ? {} : { error: `boom on seed ${seed}\ndetail` }),
    ...extra,
  };
}

function gradeFile(results: RunRecord[], extra: Partial<GradeFile> = {}): GradeFile {
  return {
    format: FORMAT,
    node: process.version,
    impl: 'src',
    implDir: '/x/dist/src',
    parts: ['2A', '2B'],
    seed: 1,
    runs: 2,
    tests: [
      { name: 'TestInitialElection2A', part: '2A' },
      { name: 'TestReElection2A', part: '2A' },
      { name: 'TestBasicAgree2B', part: '2B' },
    ],
    partSizes: { '2A': 2, '2B': 2 },
    expectedRuns: 6,
    interrupted: false,
    parallel: 2,
    realMs: 1000,
    results,
    ...extra,
  };
}

describe('grader: report', () => {
  const results = [
    record('TestInitialElection2A', '2A', 1, 'passed'),
    record('TestInitialElection2A', '2A', 2, 'passed'),
    record('TestReElection2A', '2A', 1, 'passed'),
    record('TestReElection2A', '2A', 2, 'hung', { fingerprint: undefined }),
    record('TestBasicAgree2B', '2B', 1, 'failed'),
    record('TestBasicAgree2B', '2B', 2, 'failed'),
  ];

  it('tells flaky tests from consistently failing ones', () => {
    const s = summarize(gradeFile(results).tests, results);
    expect(s.map(verdict)).to.deep.equal(['ok', 'flaky', 'failing']);
    expect(s[1].hung).to.equal(1);
    expect(s[0].meanRpcs).to.equal(15);
  });

  it('lists every failure with its first line and replay command, scores, and exits 1', () => {
    const { text, exitCode } = renderReport(gradeFile(results), { maxFailures: 0 });
    const plain = stripVTControlCharacters(text);
    expect(exitCode).to.equal(1);
    expect(plain).to.match(/Flaky:[^\n]*\n\s+TestReElection2A\s+1\/2 runs failed/);
    expect(plain).to.match(/Failing on every seed:\n\s+TestBasicAgree2B/);
    for (const seed of [1, 2])
      expect(plain).to.include(
        `replay: npm run grade -- replay TestBasicAgree2B --seed ${seed} --trace`,
      );
    expect(plain).to.include('boom on seed 2');
    expect(plain).not.to.include('detail');
    // 2A: one of its two tests passed every run -> 2.5 of 5; 2B: one of two tests graded, failed.
    expect(plain).to.match(/2A\s+2\.5 \/ 5\s+1\/2 tests passed every run/);
    expect(plain).to.match(
      /2B\s+0\.0 \/ 10\s+0\/1 tests passed every run \(1 of its 2 tests graded\)/,
    );
  });

  it('exits 0 only when every expected run passed', () => {
    const ok = results.map((r) => ({ ...r, status: 'passed' as const }));
    expect(renderReport(gradeFile(ok), { maxFailures: 10 }).exitCode).to.equal(0);
    expect(
      renderReport(gradeFile(ok.slice(1)), { maxFailures: 10 }).exitCode,
      'a run missing',
    ).to.equal(1);
    expect(
      renderReport(gradeFile(ok, { interrupted: true }), { maxFailures: 10 }).exitCode,
    ).to.equal(1);
  });

  it('merges shards into the unsharded totals', () => {
    const shard = (k: number) =>
      gradeFile(
        results.filter((_, i) => i % 2 === k - 1),
        { shard: { index: k, count: 2 }, expectedRuns: 3 },
      );
    const { merged, warnings } = mergeFiles([shard(2), shard(1)], ['b.json', 'a.json']);
    expect(warnings).to.deep.equal([]);
    expect(merged.results).to.deep.equal(results);
    expect(merged.expectedRuns).to.equal(6);
    expect(renderReport(merged, { maxFailures: 0 }).text).to.equal(
      renderReport(gradeFile(results, { parallel: 4 }), { maxFailures: 0 }).text,
    );
    const otherTests = gradeFile([], { tests: [{ name: 'TestReElection2A', part: '2A' }] });
    expect(() => mergeFiles([shard(1), otherTests], ['a', 'b'])).to.throw(
      UsageError,
      /other tests than a/,
    );
  });

  it('merges consecutive seed ranges into one, and refuses a gap', () => {
    const range = (seed: number) =>
      gradeFile(
        results.filter((r) => r.seed === seed),
        { seed, runs: 1, expectedRuns: 3, realMs: 500 * seed },
      );
    const { merged, warnings } = mergeFiles([range(2), range(1)], ['b.json', 'a.json']);
    expect(warnings).to.deep.equal([]);
    expect(merged.results).to.deep.equal(results);
    expect([merged.seed, merged.runs, merged.expectedRuns, merged.realMs]).to.deep.equal([
      1, 2, 6, 1500,
    ]);
    expect(renderReport(merged, { maxFailures: 0 }).text).to.equal(
      renderReport(gradeFile(results, { realMs: 1500 }), { maxFailures: 0 }).text,
    );
    expect(() => mergeFiles([range(1), gradeFile([], { seed: 9, runs: 1 })], ['a', 'b'])).to.throw(
      UsageError,
      /no file has seeds 2\.\.8/,
    );
  });

  it('refuses a shard given twice and seed ranges that overlap, naming the files', () => {
    const shard = (k: number, count = 2, seed = 1, runs = 2) =>
      gradeFile([], { seed, runs, shard: { index: k, count } });
    expect(() =>
      mergeFiles([shard(1), shard(2), shard(1)], ['a.json', 'b.json', 'c.json']),
    ).to.throw(
      UsageError,
      /^a\.json and c\.json are the same results \(seeds 1\.\.2, shard 1\/2\): give each shard or seed range once$/,
    );
    expect(() => mergeFiles([gradeFile([]), gradeFile([])], ['a.json', 'a.json'])).to.throw(
      UsageError,
      /a\.json and a\.json are the same results \(seeds 1\.\.2\)/,
    );
    expect(() => mergeFiles([shard(1), shard(1, 3)], ['a.json', 'b.json'])).to.throw(
      UsageError,
      /a\.json \(seeds 1\.\.2, shard 1\/2\) and b\.json \(seeds 1\.\.2, shard 1\/3\) overlap/,
    );
    expect(() =>
      mergeFiles(
        [gradeFile([], { seed: 1, runs: 100 }), gradeFile([], { seed: 51, runs: 100 })],
        ['a.json', 'b.json'],
      ),
    ).to.throw(UsageError, /^a\.json \(seeds 1\.\.100\) and b\.json \(seeds 51\.\.150\) overlap/);
  });

  it('compares pass rates first, then costs', () => {
    const a = summarize(gradeFile(results).tests, results);
    const cheaper = results.map((r) => ({
      ...r,
      stats: { ...r.stats!, rpcs: r.stats!.rpcs / 2, bytes: r.stats!.bytes / 2 },
    }));
    const b = summarize(gradeFile(results).tests, cheaper);
    expect(stripVTControlCharacters(verdictLine(a, b))).to.match(
      /^B is cheaper: both pass 3\/6 runs; B against A: RPCs −50%, bytes −50%/,
    );
    const better = summarize(
      gradeFile(results).tests,
      results.map((r) => ({ ...r, status: 'passed' as const })),
    );
    expect(stripVTControlCharacters(verdictLine(a, better))).to.match(
      /^B is better: passes 6\/6 runs/,
    );
  });
});

describe('grader: trace columns', () => {
  it('puts each node in its own column and colours records by topic', () => {
    const records = [
      { time: 0, kind: 'test' as const, node: 'tester', detail: 'begin' },
      {
        time: 358,
        kind: 'log' as const,
        node: '0',
        detail: 'candidate in term 1',
        topic: 'election',
      },
      { time: 358, kind: 'send' as const, node: '0', detail: '#1 Raft.AppendEntries -> 1 67B' },
      { time: 400, kind: 'crash' as const, node: '2', detail: 'incarnation 1' },
    ];
    expect(records.map(topicOf)).to.deep.equal(['test', 'election', 'append', 'crash']);
    const lines = renderColumns(records, 100).map((l) => stripVTControlCharacters(l));
    const header = lines[2];
    expect(header.indexOf('0')).to.be.lessThan(header.indexOf('2'));
    const crash = lines.find((l) => l.includes('!! crash'))!;
    expect(crash.indexOf('!! crash')).to.be.greaterThan(header.indexOf('2') - 2);
    expect(lines.find((l) => l.includes('begin'))).to.match(/── begin ──/);
  });
});
