// The part registry: a part is one description. A throwaway part registered by a module outside
// the tree (GRADE_EXTRA_SCENARIOS, nothing else touched) is listed, graded, replayed and shrunk by
// the grader, through the commands it prints; and the README's parts table is the registry's.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { finish, ROOT, start, type Outcome } from './helpers';
import { partsTable, withTable } from '../../tools/parts-table';
import { loadRegistry, RegistryError } from '../../labs';

const THROWAWAY = path.join(ROOT, 'dist', 'test', 'grader', 'fixtures', 'throwaway-part.js');
const MINI = path.join('test', 'grader', 'impls', 'mini');

function grade(args: string[]): Promise<Outcome> {
  return finish(start(args, { GRADE_EXTRA_SCENARIOS: THROWAWAY }));
}

/** Runs a printed `npm run grade -- ARGS` line, as a shell would split it (one quoted argument). */
function runPrinted(line: string): Promise<Outcome> {
  const m = /npm run grade -- (.*)$/.exec(line);
  expect(m, line).to.not.equal(null);
  const words = m![1].match(/'[^']*'|\S+/g)!.map((w) => w.replace(/^'(.*)'$/, '$1'));
  return grade(words);
}

describe('the part registry', function () {
  this.timeout(120_000);
  let out: string;
  before(() => (out = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-'))));
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it("README.md's parts table is the registry's (npm run parts-table rewrites it)", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(withTable(readme, partsTable())).to.equal(readme);
  });

  it('refuses a test registered in a part other than its own, naming both', () => {
    const file = path.join(out, 'bad-part.js');
    fs.writeFileSync(
      file,
      `exports.scenarios = [{ name: 'TestNowhere', part: '7Q', description: '', run: async () => {} }];`,
    );
    expect(() => loadRegistry(file)).to.throw(RegistryError, /TestNowhere names part 7Q/);
  });

  it('lists a throwaway part, grades it with its own points and ours beside them, and its replay line reproduces a failure', async () => {
    const list = await grade(['list', '9z']);
    expect(list.stdout).to.match(/^9Z {2}TestTinyEven9Z /m);
    expect(list.stdout).to.match(/^9Z {2}TestTinyOurs9Z /m);
    const json = path.join(out, 'tiny.json');
    const r = await grade([
      '9z',
      '-n',
      '2',
      '--seed',
      '1',
      '--impl',
      MINI,
      '-q',
      '--json',
      json,
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stdout).to.match(/9Z +0\.0 \/ 7 +0\/1 tests passed every run; ours: 1 of 1 passed/);
    const replayLine = /replay: (.*)/.exec(r.stdout)![1];
    expect(replayLine).to.equal(
      `npm run grade -- replay TestTinyEven9Z --seed 2 --impl ${MINI} --trace`,
    );
    const replayed = await runPrinted(replayLine);
    expect(replayed.code).to.equal(1);
    expect(replayed.stdout).to.match(/FAIL: \[wrong-value\] seed 2 is even/);
    const recorded = JSON.parse(fs.readFileSync(json, 'utf8')).results.find(
      (x: { seed: number }) => x.seed === 2,
    );
    expect(replayed.stdout).to.include(`fingerprint: ${recorded.fingerprint}`);
  });

  it('grades its swarm at its level; the printed shrink line cuts a failure down to one poison fault, and the printed plan replays it', async () => {
    const r = await grade([
      'swarm',
      '9z',
      '--run',
      'Tiny',
      '-n',
      '6',
      '--seed',
      '1',
      '--impl',
      MINI,
      '-q',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stdout).to.match(/TestTinySwarm \(at 9Z\)/);
    const shrinkLine = /shrink: (.*)/.exec(r.stdout)![1];
    expect(shrinkLine).to.match(
      /^npm run grade -- shrink TestTinySwarm --seed \d+ --level 9Z --impl test\/grader\/impls\/mini$/,
    );
    const shrunk = await runPrinted(shrinkLine);
    expect(shrunk.code, shrunk.stderr).to.equal(0);
    expect(shrunk.stdout).to.match(/faults \(1, was 12\):\n {4}poison at \d+ ms/);
    const planLine = /replay it:\n {2}(.*)/.exec(shrunk.stdout)![1];
    expect(planLine).to.match(/--level 9Z --plan '\{.*\}' --impl /);
    const replayed = await runPrinted(planLine);
    expect(replayed.code).to.equal(1);
    expect(replayed.stdout).to.match(/level 9Z: 1 faults/);
    expect(replayed.stdout).to.match(/FAIL: \[wrong-value\] poisoned at \d+ ms/);
  });
});
