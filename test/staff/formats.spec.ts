// The formats other programs read: grade --junit (checked with a real XML parser), the GitHub step
// summary ($GITHUB_STEP_SUMMARY), merge --junit, the score they carry (held to the report's own
// score lines), the --json files against schemas/grade-results.schema.json, and the students'
// workflow template that runs them.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parse as parseYaml } from 'yaml';
import { fingerprintOf, grade as gradeWithFixtures, readResults, ROOT } from '../grader/helpers';
import { cleanup, tempDir } from '../learner/helpers';
import { junitXml } from '../../grader/formats/junit';
import { scoreOf } from '../../grader/formats/score';
import { stepSummary } from '../../grader/formats/github-summary';
import { scoreLines, summarize } from '../../grader/report';
import { replayCommand } from '../../grader/session';
import type { GradeFile } from '../../grader/results';
import { CHECK_IDS } from '../../harness/checks';

/** The grader on the lab suites only (without the grader's fixture tests). */
const grade = (args: string[], env: Record<string, string> = {}) =>
  gradeWithFixtures(args, { GRADE_EXTRA_SCENARIOS: '', ...env }, 120_000);

const VARIANT = 'impls/raft-no-reset-on-vote';

interface Property {
  '@_name': string;
  '@_value': string;
}
interface TestCase {
  '@_classname': string;
  '@_name': string;
  '@_time': string;
  properties?: { property: Property[] };
  failure?: { '@_message': string; '@_type': string; '#text': string };
  skipped?: unknown;
  'system-out'?: string;
}
interface Suite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  properties?: { property: Property[] };
  testcase: TestCase[];
}
interface Junit {
  testsuites: { '@_tests': string; '@_failures': string; testsuite: Suite[] };
}

/** Parses JUnit XML after validating it: every element that may repeat is an array. */
export function parseJunit(text: string): Junit {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid.err)}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
  });
  return parser.parse(text) as Junit;
}

const props = (x: { properties?: { property: Property[] } }) =>
  Object.fromEntries((x.properties?.property ?? []).map((p) => [p['@_name'], p['@_value']]));

/** The report's own total: `total 3.3 / 5.0 for what was graded`. */
function reportTotal(file: GradeFile): [number, number] {
  const line = scoreLines(file, summarize(file.tests, file.results)).find((l) =>
    l.includes('total '),
  );
  // eslint-disable-next-line no-control-regex
  const m = /total ([\d.]+) \/ ([\d.]+)/.exec((line ?? '').replace(/\x1b\[[0-9;]*m/g, ''));
  if (!m) throw new Error(`no total in the score lines: ${line}`);
  return [Number(m[1]), Number(m[2])];
}

describe('staff: JUnit XML, the GitHub step summary, and the score they carry', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => (dir = tempDir('formats')));
  after(() => cleanup(dir));

  it('grade --junit of a failing variant: a testsuite per part, a testcase per test, failures with their check, seeds and replay commands; the step summary appended', async () => {
    const xml = path.join(dir, 'bad.xml');
    const json = path.join(dir, 'bad.json');
    const summary = path.join(dir, 'summary.md');
    fs.writeFileSync(summary, 'an earlier step wrote this\n');
    const r = await grade(
      [
        '--impl',
        VARIANT,
        '2a',
        '-n',
        '2',
        '--seed',
        '1',
        '-p',
        '2',
        '-q',
        '--junit',
        xml,
        '--json',
        json,
        '--out',
        path.join(dir, 'out'),
      ],
      { GITHUB_STEP_SUMMARY: summary },
    );
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stdout).to.include(`JUnit XML: ${xml}`);
    const file = readResults(json);
    const doc = parseJunit(fs.readFileSync(xml, 'utf8'));
    expect(doc.testsuites['@_tests']).to.equal('5');
    expect(doc.testsuites['@_failures']).to.equal('1');
    expect(doc.testsuites.testsuite.map((s) => s['@_name'])).to.deep.equal(['2A']);
    const suite = doc.testsuites.testsuite[0];
    expect(props(suite)).to.include({ implementation: VARIANT, seeds: '1..2', points: '5' });
    expect(suite.testcase.map((t) => t['@_name'])).to.deep.equal(file.tests.map((t) => t.name));
    for (const t of suite.testcase) {
      expect(t['@_classname']).to.equal('2A');
      // time: the real seconds of all the test's runs.
      const ms = file.results
        .filter((x) => x.test === t['@_name'])
        .reduce((a, x) => a + x.realMs, 0);
      expect(Number(t['@_time'])).to.be.closeTo(ms / 1000, 0.0011);
    }
    const passing = suite.testcase.filter((t) => t['@_name'] !== 'TestStableTerm2A');
    for (const t of passing) {
      expect(t.failure, t['@_name']).to.equal(undefined);
      // Ours are marked so: TestVotesFromThePast2A, which this variant passes.
      expect(props(t).ours).to.equal(t['@_name'] === 'TestVotesFromThePast2A' ? 'true' : undefined);
    }
    const ours = suite.testcase.find((t) => t['@_name'] === 'TestStableTerm2A')!;
    expect(props(ours)).to.include({ ours: 'true', runs: '2', passed: '0' });
    const failing = file.results.filter((x) => x.status !== 'passed');
    expect(failing.map((x) => [x.test, x.seed, x.check])).to.deep.equal([
      ['TestStableTerm2A', 1, 'stable-term'],
      ['TestStableTerm2A', 2, 'stable-term'],
    ]);
    expect(ours.failure!['@_type']).to.equal('stable-term');
    expect(ours.failure!['@_message']).to.equal(
      `[stable-term] ${failing[0].error!.split('\n')[0].trim()}`,
    );
    expect(ours.failure!['#text']).to.include('2 of 2 runs failed (seeds 1, 2)');
    for (const f of failing) {
      expect(ours.failure!['#text']).to.include(`seed ${f.seed}: [stable-term] `);
      expect(ours['system-out']).to.include(
        `replay: ${replayCommand(f.test, f.seed, VARIANT, undefined, undefined)}`,
      );
    }
    // The replay command in the XML replays the run: the same fingerprint as the grade's.
    const command = /replay: npm run grade -- (replay .*--seed 2 .*)$/m.exec(ours['system-out']!)!;
    const replay = spawnSync(process.execPath, ['dist/grader/cli.js', ...command[1].split(' ')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0', GRADE_EXTRA_SCENARIOS: '' },
      maxBuffer: 64 * 2 ** 20,
    });
    expect(fingerprintOf(replay.stdout)).to.equal(failing.find((x) => x.seed === 2)!.fingerprint);

    const md = fs.readFileSync(summary, 'utf8');
    expect(md.startsWith('an earlier step wrote this\n### dslab grade 2A: ❌ FAIL\n')).to.equal(
      true,
    );
    expect(md).to.match(/^\| 2A \| 5\.0 \/ 5 \| 3\/3 \| 1 of 2 \|$/m);
    expect(md).to.match(
      /^\| TestStableTerm2A \(ours\) \| 2A \| 2 \| 0 \| ❌ FAIL \| seed 1: `\[stable-term\] /m,
    );
    for (const t of ['TestInitialElection2A', 'TestReElection2A', 'TestManyElections2A'])
      expect(md).to.match(new RegExp(`^\\| ${t} \\| 2A \\| 2 \\| 2 \\| ✅ ok \\|  \\|$`, 'm'));
    expect(md).to.include(replayCommand('TestStableTerm2A', 2, VARIANT));
  });

  it('grade --junit of the reference: no failures, the whole score', async () => {
    const xml = path.join(dir, 'ref.xml');
    const json = path.join(dir, 'ref.json');
    const r = await grade(['2a', '-n', '1', '--seed', '1', '-q', '--junit', xml, '--json', json]);
    expect(r.code, r.stderr).to.equal(0);
    const doc = parseJunit(fs.readFileSync(xml, 'utf8'));
    expect(doc.testsuites['@_failures']).to.equal('0');
    const suite = doc.testsuites.testsuite[0];
    expect(props(suite)).to.include({ score: '5', points: '5', seeds: '1' });
    expect(suite.testcase).to.have.length(5);
    for (const t of suite.testcase) {
      expect(t.failure).to.equal(undefined);
      expect(t['system-out']).to.equal(undefined);
    }
    const file = readResults(json);
    expect(scoreOf(file).earned).to.equal(5);
  });

  it("the score per test adds up to the report's total: a failing course test, a shard, an interrupted grade", () => {
    const file = readResults(path.join(dir, 'ref.json'));
    const failed: GradeFile = structuredClone(file);
    const run = failed.results.find((x) => x.test === 'TestReElection2A')!;
    Object.assign(run, { status: 'failed', check: 'one-leader', error: 'expected one leader' });
    const shard: GradeFile = {
      ...structuredClone(file),
      shard: { index: 2, count: 3 },
      results: file.results.filter((_, i) => i % 3 === 1),
      expectedRuns: 1,
    };
    const interrupted: GradeFile = {
      ...structuredClone(file),
      interrupted: true,
      results: file.results.slice(1),
    };
    for (const f of [file, failed, shard, interrupted]) {
      const s = scoreOf(f);
      const [earned, possible] = reportTotal(f);
      expect(s.earned.toFixed(1)).to.equal(earned.toFixed(1));
      expect(s.possible.toFixed(1)).to.equal(possible.toFixed(1));
      expect(s.tests.reduce((a, t) => a + t.score, 0)).to.be.closeTo(s.earned, 1e-9);
    }
    expect(scoreOf(failed).earned).to.be.closeTo(10 / 3, 1e-9);
    const skipped = parseJunit(junitXml(interrupted)).testsuites.testsuite[0].testcase.find(
      (t) => t['@_name'] === 'TestInitialElection2A',
    )!;
    expect(skipped.skipped).to.not.equal(undefined);
    expect(stepSummary(interrupted)).to.include('➖ not run');
  });

  it('escapes what XML cannot hold: markup characters, terminal colours, control characters', () => {
    const file: GradeFile = structuredClone(readResults(path.join(dir, 'ref.json')));
    const run = file.results[0];
    const message = 'a <b> & "c" \'d\' \x1b[31mred\x1b[0m \x00nul';
    Object.assign(run, { status: 'failed', check: 'wrong-value', error: `${message}\ndetail` });
    const xml = junitXml(file);
    expect(xml).to.include(
      'message="[wrong-value] a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; red nul"',
    );
    // Well-formed, and the parser gives back the message without its colours and controls.
    const t = parseJunit(xml).testsuites.testsuite[0].testcase[0];
    expect(t.failure!['@_message']).to.equal(`[wrong-value] a <b> & "c" 'd' red nul`);
    expect(t.failure!['#text']).to.include('\ndetail');
  });

  it('merge --junit of two shards: the same testcases and failures as one machine', async () => {
    const shards = [1, 2].map((k) => path.join(dir, `shard-${k}.json`));
    for (const [i, json] of shards.entries()) {
      const r = await grade([
        '--impl',
        VARIANT,
        '2a',
        '-n',
        '2',
        '--seed',
        '1',
        '-p',
        '1',
        '-q',
        '--shard',
        `${i + 1}/2`,
        '--json',
        json,
        '--out',
        path.join(dir, 'out'),
      ]);
      expect(r.code, r.stderr).to.be.oneOf([0, 1]);
    }
    const xml = path.join(dir, 'merged.xml');
    const summary = path.join(dir, 'merged.md');
    const r = await grade(
      ['merge', ...shards, '--junit', xml, '--json', path.join(dir, 'merged.json')],
      { GITHUB_STEP_SUMMARY: summary },
    );
    expect(r.code, r.stderr).to.equal(1);
    const merged = parseJunit(fs.readFileSync(xml, 'utf8'));
    const one = parseJunit(fs.readFileSync(path.join(dir, 'bad.xml'), 'utf8'));
    const shape = (doc: Junit) =>
      doc.testsuites.testsuite[0].testcase.map((t) => ({
        name: t['@_name'],
        type: t.failure?.['@_type'],
        message: t.failure?.['@_message'],
        out: t['system-out']?.replace(/\n {2}trace: .*$/gm, ''),
      }));
    expect(shape(merged)).to.deep.equal(shape(one));
    expect(fs.readFileSync(summary, 'utf8')).to.include('### dslab grade 2A: ❌ FAIL');
  });

  it('every --json file here satisfies schemas/grade-results.schema.json; a failed run without its check does not', () => {
    const schema = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'schemas', 'grade-results.schema.json'), 'utf8'),
    ) as object;
    const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
    for (const name of ['bad.json', 'ref.json', 'shard-1.json', 'merged.json']) {
      const file = readResults(path.join(dir, name));
      expect(validate(file), `${name}: ${JSON.stringify(validate.errors)}`).to.equal(true);
    }
    // Every check id fits the schema's pattern.
    const pattern = new RegExp(
      (schema as { definitions: { run: { properties: { check: { pattern: string } } } } })
        .definitions.run.properties.check.pattern,
    );
    for (const id of CHECK_IDS) expect(id).to.match(pattern);
    const bad = structuredClone(readResults(path.join(dir, 'bad.json')));
    const failed = bad.results.find((x) => x.status === 'failed')!;
    delete failed.check;
    expect(validate(bad)).to.equal(false);
    const passed = structuredClone(readResults(path.join(dir, 'ref.json')));
    passed.results[0].check = 'agreement';
    expect(validate(passed)).to.equal(false);
  });

  it("the students' workflow template grades on every push, writes JUnit and uploads it", async () => {
    const wf = parseYaml(
      fs.readFileSync(path.join(ROOT, 'templates', 'github-actions', 'grade.yml'), 'utf8'),
    ) as {
      on: Record<string, unknown>;
      jobs: Record<string, { env?: Record<string, string>; steps: Record<string, any>[] }>;
    };
    expect(Object.keys(wf.on)).to.include('push');
    const job = wf.jobs.grade;
    const uses = job.steps.map((s) => String(s.uses ?? '').split('@')[0]);
    expect(uses).to.include.members([
      'actions/checkout',
      'actions/setup-node',
      'actions/upload-artifact',
    ]);
    const node = job.steps.find((s) => String(s.uses).startsWith('actions/setup-node'))!;
    expect(String(node.with['node-version'])).to.equal(process.versions.node.split('.')[0]);
    const runs = job.steps.filter((s) => s.run).map((s) => String(s.run).trim());
    expect(runs[0]).to.equal('npm ci');
    const command = runs.find((s) => s.startsWith('npx dslab grade'))!;
    expect(command).to.equal(
      'npx dslab grade lab2 -n 20 --junit results.xml --json results.json -q',
    );
    const upload = job.steps.find((s) => String(s.uses).startsWith('actions/upload-artifact'))!;
    expect(upload.if).to.equal('always()');
    expect(
      String(upload.with.path)
        .split('\n')
        .map((l) => l.trim()),
    ).to.include('results.xml');
    // The command as written, on a small workload (2A once instead of lab 2 twenty times), from the
    // project's root as from a repository's checkout (npx finds the project's own bin there): it
    // writes the JUnit file the next step uploads.
    const outputs = ['results.xml', 'results.json'].map((f) => path.join(ROOT, f));
    for (const f of outputs)
      expect(fs.existsSync(f), `${f} exists already: move it away to run this spec`).to.equal(
        false,
      );
    const small = command.replace('lab2 -n 20', '2a -n 1 --seed 1');
    expect(small).to.not.equal(command);
    try {
      const r = spawnSync('sh', ['-c', `${small} --out ${path.join(dir, 'out')}`], {
        cwd: ROOT,
        encoding: 'utf8',
        env: {
          ...process.env,
          ...job.env,
          DSLAB_IMPL: 'src',
          GRADE_EXTRA_SCENARIOS: '',
        },
        timeout: 120_000,
      });
      expect(r.status, `${r.stdout}\n${r.stderr}`).to.equal(0);
      expect(r.stdout).to.include('implementation src');
      const doc = parseJunit(fs.readFileSync(outputs[0], 'utf8'));
      expect(doc.testsuites.testsuite[0].testcase).to.have.length(5);
      expect(readResults(outputs[1]).results).to.have.length(5);
    } finally {
      for (const f of outputs) fs.rmSync(f, { force: true });
    }
  });
});
