// Determinism: one seed fixes the whole run, across processes.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { runChaos, type ChaosResult } from './chaos';

function inChildProcess(seed: number): ChaosResult {
  const script = path.join(__dirname, 'chaos.js');
  return JSON.parse(
    execFileSync(process.execPath, [script, String(seed)], { encoding: 'utf8' }),
  ) as ChaosResult;
}

describe('determinism', function () {
  this.timeout(60_000);

  it('a chaotic run (≥10,000 RPCs, unreliable, partitions, crashes) has the same fingerprint in two processes', () => {
    const a = inChildProcess(4242);
    const b = inChildProcess(4242);
    expect(a.rpcs).to.be.at.least(10_000);
    expect(a.crashes).to.be.greaterThan(0);
    expect(b).to.deep.equal(a);
  });

  it('another seed gives another fingerprint', async () => {
    const here = await runChaos(4242);
    const other = await runChaos(4243);
    expect(here.fingerprint).to.equal(inChildProcess(4242).fingerprint);
    expect(other.fingerprint).to.not.equal(here.fingerprint);
  });
});
