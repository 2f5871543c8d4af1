// harness/build-if-stale.js (preloaded by npm run check-history): compiles only when a source is
// newer than the last good build. Run on a scratch project with a stand-in for tsc that counts
// its runs, so each case is fast and says exactly when a compile happens.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';

const SCRIPT = path.resolve(__dirname, '..', '..', '..', 'harness', 'build-if-stale.js');

describe('harness/build-if-stale.js', () => {
  let root: string;
  const runs = () =>
    fs.existsSync(path.join(root, 'tsc-runs'))
      ? fs.readFileSync(path.join(root, 'tsc-runs'), 'utf8').length
      : 0;
  const preload = () =>
    spawnSync(
      process.execPath,
      ['-r', path.join(root, 'harness', 'build-if-stale.js'), '-e', '0'],
      { cwd: root, encoding: 'utf8' },
    );
  // A change now: later than the start of any compile so far (each preload takes milliseconds).
  const touch = (file: string) => fs.utimesSync(file, new Date(), new Date());

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'build-if-stale-'));
    fs.mkdirSync(path.join(root, 'harness'));
    fs.mkdirSync(path.join(root, 'dist'));
    fs.copyFileSync(SCRIPT, path.join(root, 'harness', 'build-if-stale.js'));
    fs.writeFileSync(path.join(root, 'harness', 'a.ts'), 'export const a = 1;\n');
    fs.mkdirSync(path.join(root, 'tools'));
    fs.writeFileSync(path.join(root, 'tools', 'b.ts'), 'export const b = 1;\n');
    fs.writeFileSync(
      path.join(root, 'tsconfig.json'),
      JSON.stringify({ include: ['harness', 'tools'] }),
    );
    // The stand-in compiler: appends a mark per run; exits with TSC_STATUS if the file says so.
    const bin = path.join(root, 'node_modules', 'typescript', 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(
      path.join(bin, 'tsc'),
      `const fs = require('fs'); const root = ${JSON.stringify(root)};\n` +
        `fs.appendFileSync(root + '/tsc-runs', 'x');\n` +
        `if (fs.existsSync(root + '/tsc-fails')) process.exit(2);\n`,
    );
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('compiles once, then not again until a source changes', () => {
    expect(preload().status).to.equal(0);
    expect(runs()).to.equal(1);
    expect(preload().status).to.equal(0);
    expect(runs()).to.equal(1);
    touch(path.join(root, 'harness', 'a.ts'));
    expect(preload().status).to.equal(0);
    expect(runs()).to.equal(2);
    touch(path.join(root, 'tsconfig.json'));
    preload();
    expect(runs()).to.equal(3);
  });

  it('watches the folders tsconfig.json includes', () => {
    preload();
    touch(path.join(root, 'tools', 'b.ts'));
    preload();
    expect(runs()).to.equal(2);
    fs.mkdirSync(path.join(root, 'other'));
    fs.writeFileSync(path.join(root, 'other', 'c.ts'), '');
    touch(path.join(root, 'other', 'c.ts'));
    preload();
    expect(runs()).to.equal(2);
  });

  it('compiles when a source is deleted (its folder changes)', () => {
    preload();
    fs.rmSync(path.join(root, 'harness', 'a.ts'));
    touch(path.join(root, 'harness'));
    preload();
    expect(runs()).to.equal(2);
  });

  it('a failed compile exits with its status and is tried again next time', () => {
    fs.writeFileSync(path.join(root, 'tsc-fails'), '');
    expect(preload().status).to.equal(2);
    expect(preload().status).to.equal(2);
    expect(runs()).to.equal(2);
    fs.rmSync(path.join(root, 'tsc-fails'));
    expect(preload().status).to.equal(0);
    expect(preload().status).to.equal(0);
    expect(runs()).to.equal(3);
  });
});
