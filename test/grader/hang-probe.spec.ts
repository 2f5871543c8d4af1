// The hang probe on a loop of promise jobs run from Node's tick loop (process.nextTick, as the
// simulator's jobs are): a pause there often lands between two jobs, with only Node's frames on
// the stack (6 of 8 probes before the probe stepped on into the next job). Each probe here must
// name the looping function.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './helpers';

const PROBE = path.join(ROOT, 'dist', 'grader', 'hang-probe.js');

/** A process whose main thread loops on promise jobs and whose helper thread probes it. */
const MAIN = `
const { Worker } = require('node:worker_threads');
new Worker(${JSON.stringify(path.join('__DIR__', 'probe.js'))});
class Peer {
  votes = 0;
  async pollVotes() { return this.votes; }
  async ticker() { while (this.votes < 1) await this.pollVotes(); }
}
setTimeout(() => process.nextTick(() => void new Peer().ticker()), 50);
`;

/** The helper thread: probes once, writes what it found (the main thread never will), and ends the process. */
const HELPER = `
const fs = require('node:fs');
const { probeMainThread } = require(${JSON.stringify(PROBE)});
setTimeout(() => probeMainThread(3000).then((r) => {
  fs.writeFileSync(process.env.PROBE_OUT, JSON.stringify(r));
  process.kill(process.pid, 'SIGKILL');
}), 300);
`;

describe('grader: the hang probe in a loop of promise jobs', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hang-probe-'));
    fs.writeFileSync(path.join(dir, 'main.js'), MAIN.replace('__DIR__', dir));
    fs.writeFileSync(path.join(dir, 'probe.js'), HELPER);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names the looping function on every probe, not Node’s tick loop', () => {
    const found: string[] = [];
    for (let i = 0; i < 6; i++) {
      const out = path.join(dir, `probe-${i}.json`);
      spawnSync(process.execPath, [path.join(dir, 'main.js')], {
        env: { ...process.env, PROBE_OUT: out },
        timeout: 15_000,
      });
      const report = JSON.parse(fs.readFileSync(out, 'utf8')) as {
        frames: { fn: string; file: string }[];
        error?: string;
      };
      const own = report.frames.find((f) => f.file === path.join(dir, 'main.js'));
      found.push(own ? own.fn : `no frame of the loop (${report.error ?? 'Node frames only'})`);
    }
    for (const fn of found) expect(['ticker', 'pollVotes'], found.join(', ')).to.include(fn);
  });
});
