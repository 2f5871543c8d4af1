// What a constructor prints is its node's console output: `makeRaft` runs as the node whose
// runtime it is given, so the line is that node's in the trace and in its column of --columns,
// not a full-width banner of the test's.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { grade, ROOT } from './helpers';

describe('grader: console output from a constructor', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-ctor-console-'));
    fs.mkdirSync(path.join(dir, 'raft'));
    const mini = path.join(ROOT, 'dist', 'test', 'grader', 'impls', 'mini', 'raft', 'index.js');
    fs.writeFileSync(
      path.join(dir, 'raft', 'index.js'),
      `const mini = require(${JSON.stringify(mini)});\n` +
        `exports.makeRaft = (...args) => { console.log('constructing S' + args[1]); return mini.makeRaft(...args); };\n`,
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("lands in its node's column, and is its node's line in the trace", async () => {
    // --no-sandbox: the fixture loads the grader's mini Raft by its absolute path, outside its
    // own folder, which the box refuses (as it would a submission's).
    const args = ['replay', 'TestGraderElection2A', '--seed', '2', '--impl', dir, '--no-sandbox'];
    const [trace, columns] = await Promise.all([
      grade([...args, '--trace']),
      grade([...args, '--columns', '--width', '100']),
    ]);
    expect(trace.code, trace.stderr).to.equal(0);
    for (const n of [0, 1, 2])
      expect(trace.stdout).to.match(
        new RegExp(`^\\s+0\\.000s {2}${n} +console constructing S${n}$`, 'm'),
      );
    const lines = columns.stdout.split('\n').filter((l) => l.includes('constructing'));
    expect(lines).to.have.length(3);
    // Not a banner across the columns; S1's line in the second column, S2's in the third.
    for (const l of lines) expect(l).not.to.include('──');
    expect(lines[1].indexOf('constructing S1')).to.be.above(lines[0].indexOf('constructing S0'));
    expect(lines[2].indexOf('constructing S2')).to.be.above(lines[1].indexOf('constructing S1'));
    expect(lines[1].split('│').findIndex((c) => c.includes('constructing S1'))).to.equal(1);
  });
});
