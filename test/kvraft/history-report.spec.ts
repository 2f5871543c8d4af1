// The HTML history report of a failing key/value run, in a real headless Chromium: the faults of
// the run on the timeline (partitions with who was cut off, crashes, restarts, leaders seen,
// unreliable), the server that answered each operation, a time axis in rounded virtual ms,
// operation labels that fit their bars and keep the key and both ends of a value, and a file named
// after the test and seed, under 600 KB (it was about 2 MB before its payload was packed). Skips itself when /usr/bin/chromium is absent.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findScenario } from '../../labs';
import { Implementation } from '../../harness/impl';
import { runScenario } from '../../harness/scenario';
import { launchChromium, useChromium } from '../support/browser';

const ROOT = path.resolve(__dirname, '..', '..', '..');
// Reads served by followers: stale under partitions, so the history is not linearizable.
const VARIANT = 'kvraft-follower-reads';
const TEST = 'TestPersistPartitionUnreliableLinearizable3A';
const SEED = 1;

describe('key/value: the history report of a failing run, in headless Chromium', function () {
  this.timeout(120_000);
  const scratch = useChromium('kv-report-');

  it('shows partitions and the answering server of each operation', async () => {
    const dir = scratch();
    const result = await runScenario(findScenario(TEST)!, {
      seed: SEED,
      impl: new Implementation(path.join(ROOT, 'impls', VARIANT)),
      outDir: dir,
    });
    expect(result.passed).to.equal(false);
    expect(result.error).to.match(/^history is not linearizable/);
    expect(result.artefacts).to.deep.equal([
      path.join(dir, `${TEST}-seed${SEED}-linearizability.html`),
    ]);
    expect(fs.statSync(result.artefacts[0]).size).to.be.below(600_000);
    const context = await launchChromium(dir);
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      await page.goto(`file://${result.artefacts[0]}`);
      await page.locator('body[data-ready]').waitFor({ state: 'attached' });
      expect(await page.textContent('h1 small')).to.equal(`${TEST} seed ${SEED}`);
      const section = page.locator('section.verdict-illegal').first();
      // Faults: partitions name who was cut off; the network went unreliable at the start.
      const partitions = section.locator('.fault.fault-partition');
      expect(await partitions.count()).to.be.greaterThan(0);
      expect(await partitions.first().locator('title').textContent()).to.match(
        /^\d+ ms: partition: S\d( S\d)* cut off from S\d( S\d)*$/,
      );
      expect(await section.locator('.fault.fault-unreliable').count()).to.equal(1);
      expect(await section.locator('.fault.fault-heal').count()).to.be.greaterThan(0);
      // The answering server: on the bar, and in the tooltip.
      const answered = section.locator('.op[data-server]');
      expect(await answered.count()).to.be.greaterThan(0);
      const op = answered.first();
      const server = await op.getAttribute('data-server');
      expect(server).to.match(/^S[0-6]$/);
      expect(await op.locator('.server-tag').textContent()).to.equal(server);
      await op.hover();
      expect(await page.locator('#tooltip').textContent()).to.match(
        new RegExp(`answered by${server}`),
      );
      expect(await page.locator('#tooltip').textContent()).to.match(
        /call\d+ ms \(virtual\)return\d+ ms \(virtual\)/,
      );
      // The axis: named, whole virtual milliseconds.
      expect(await section.locator('.axis .axis-name').textContent()).to.equal('virtual ms');
      const ticks = await section.locator('.axis text:not(.axis-name)').allTextContents();
      expect(ticks.length).to.be.greaterThan(3);
      for (const t of ticks) expect(t).to.match(/^\d+$/);
      // Labels: inside their bars, each naming its operation and key; a value too long for the bar
      // keeps its start and its end (in a string: this project's TypeScript has no DOM types).
      const labels = (await page.evaluate(`[...document.querySelectorAll('.op')].map((g) => {
        const text = g.querySelector('text:not(.server-tag)');
        const r = g.querySelector('rect').getBBox(), t = text.getBBox();
        return { text: text.textContent, inside: t.x >= r.x && t.x + t.width <= r.x + r.width };
      })`)) as { text: string; inside: boolean }[];
      expect(labels.length).to.be.greaterThan(100);
      for (const l of labels) {
        expect(l.inside, l.text).to.equal(true);
        expect(l.text).to.match(/^(get|put|append)\("[^"]*"(\)|, ")/);
      }
      expect(labels.some((l) => /^get\("[^"]*"\) -> "[^"]+…[^"]+"$/.test(l.text))).to.equal(true);
      await page.screenshot({ path: path.join(dir, 'report.png') });
      expect(problems).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
