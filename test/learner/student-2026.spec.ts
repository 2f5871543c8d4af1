// The 2026 student edition's smoke test (npm run pack:student -- --edition 2026): pack it, build it
// on the project's own node_modules (it has the same lockfile, so nothing new is installed; the
// 2023 smoke test, student.spec.ts, installs an edition and runs its own npm test), and run the
// commands its README's first steps print, as printed: a 2026 kit whose every entry point fails at
// once with the 2026 part, 2KV and 3A. The edition ships no reference, so nothing runs against one.
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIRST_STEPS_2026, namedPaths, topLevelEntries } from '../../tools/pack-student';
import { ROOT } from '../grader/helpers';
import { cleanup, tempDir } from './helpers';

/** The commands of the README's first steps: the sh block after its heading, comments dropped. */
function firstSteps(readme: string): string[] {
  const at = readme.indexOf(`${FIRST_STEPS_2026}\n`);
  if (at < 0) throw new Error(`the 2026 edition's README has no "${FIRST_STEPS_2026}"`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block) throw new Error(`"${FIRST_STEPS_2026}" has no sh block`);
  return block[1]
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean);
}

/** `npm run X -- args` run in `cwd` as npm would (the script's own node command), with `extra` args. */
function run(
  cwd: string,
  command: string,
  extra: string[],
): { status: number | null; output: string } {
  const words = command.split(/\s+/);
  expect(words.slice(0, 2), command).to.deep.equal(['npm', 'run']);
  const pkg = JSON.parse(fs.readFileSync(path.join(cwd, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const script = pkg.scripts[words[2]];
  expect(script, `npm run ${words[2]}`).to.be.a('string');
  const args = [
    ...script.split(/\s+/).slice(1),
    ...words.slice(words[3] === '--' ? 4 : 3),
    ...extra,
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };
  delete env.DSLAB_IMPL;
  delete env.DSLAB_EDITION;
  const r = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 180_000 });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

describe('student edition, 2026 (npm run pack:student -- --edition 2026)', function () {
  this.timeout(600_000);
  let root: string;
  let dir: string;
  let readme: string;

  before(() => {
    root = tempDir('student-2026');
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'dist', 'tools', 'pack-student.js'), '--out', root, '--edition', '2026'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    dir = path.join(root, 'dslab');
    readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
  });
  after(() => cleanup(path.join(dir, 'mylab'), root));

  it('opens its README with the 2026 first steps and names only paths it ships', () => {
    expect(readme).to.match(/^# dslab — student edition \(2026\)/);
    expect(firstSteps(readme)).to.deep.equal([
      'npm run new-lab -- mylab --edition 2026',
      'npm run grade -- --edition 2026 lab2kv --impl mylab',
      'npm run grade -- --edition 2026 lab3a --impl mylab',
    ]);
    // The 2026 edition's parts come first; the 2023 edition's path and parts after everything else.
    const headings = [...readme.matchAll(/^## (.*)$/gm)].map((m) => m[1]);
    expect(headings[0]).to.equal('First steps (2026 edition)');
    expect(headings[1]).to.equal('The parts (2026 edition)');
    expect(headings[headings.length - 1]).to.equal('The 2023 edition (6.824, labs 2A-4B)');
    expect(readme).to.include('| 5C |');
    const missing = namedPaths(readme, topLevelEntries()).filter(
      (p) => !fs.existsSync(path.join(dir, p.replace(/\*.*$/, ''))),
    );
    expect(missing, 'paths the README names that the edition does not have').to.deep.equal([]);
    expect(fs.existsSync(path.join(dir, 'src'))).to.equal(false);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      description: string;
    };
    expect(pkg.description).to.include('--edition 2026');
  });

  it('builds on the same dependencies and runs its first steps: every entry point not implemented, with its 2026 part', () => {
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const build = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
      { cwd: dir, encoding: 'utf8', timeout: 300_000 },
    );
    expect(build.status, `${build.stdout}\n${build.stderr}`).to.equal(0);

    const [newLab, gradeKv, gradeRaft] = firstSteps(readme);
    const made = run(dir, newLab, []);
    expect(made.status, made.output).to.equal(0);
    expect(fs.readdirSync(path.join(dir, 'mylab')).sort()).to.deep.equal([
      'kvraft1',
      'kvsrv',
      'lock',
      'raft',
      'rsm',
      'shardkv1',
      'tsconfig.json',
    ]);
    for (const [command, part, message] of [
      [
        gradeKv,
        '2KV',
        /^(client \d+: )?kvsrv\/client\.ts: (get|put)\(\) is not implemented yet \(part 2KV\)/,
      ],
      [gradeRaft, '3A', /^raft\/raft\.ts: getState\(\) is not implemented yet \(part 3A\)/],
    ] as const) {
      const json = path.join(root, `${part}.json`);
      const graded = run(dir, command, ['--seed', '1', '-p', '1', '-q', '--json', json]);
      expect(graded.status, graded.output).to.equal(1);
      expect(graded.output).to.include('grading (2026 edition)');
      const results = (
        JSON.parse(fs.readFileSync(json, 'utf8')) as {
          results: { part: string; status: string; error: string }[];
        }
      ).results;
      expect(results.length, command).to.be.above(2);
      for (const r of results) {
        expect(r.part).to.equal(part);
        expect(r.status).to.equal('failed');
        expect(r.error).to.match(message);
      }
    }
  });
});
