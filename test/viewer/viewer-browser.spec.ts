// The run viewer of a failing Raft run, in a real headless Chromium: what a learner must see when
// the page opens (one lane per server with roles and terms, the failing check in view), a click on
// a message that shows its arguments, the topic filter hiding arrows, zoom, and no network. The
// run: a Raft that forgets its vote across a restart (impls/), which elects two leaders in a term.
// Skips itself when /usr/bin/chromium is absent.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findScenario } from '../../labs';
import { Implementation } from '../../harness/impl';
import { runScenario } from '../../harness/scenario';
import { writeRunViewer } from '../../viewer';
import { launchChromium, useChromium } from '../support/browser';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const VARIANT = 'raft-no-persist-votedfor';
const TEST = 'TestVoteCrashRestart2C';
const SEED = 3;

describe('the run viewer of a failing Raft run, in headless Chromium', function () {
  this.timeout(120_000);
  const scratch = useChromium('run-viewer-');

  it('opens at the failure with a lane per server; a click shows arguments; topics filter arrows', async () => {
    const dir = scratch();
    const result = await runScenario(findScenario(TEST)!, {
      seed: SEED,
      impl: new Implementation(path.join(ROOT, 'impls', VARIANT)),
      keepTrace: true,
      keepRpcData: true,
    });
    expect(result.passed).to.equal(false);
    expect(result.check).to.equal('election-safety');
    const file = writeRunViewer({ ...result, trace: result.trace! }, path.join(dir, 'run.html'), {
      impl: `impls/${VARIANT}`,
    });
    const html = fs.readFileSync(file, 'utf8');
    // Self-contained: no external script, style sheet, image or font.
    expect(html).not.to.match(/<(script|link|img)[^>]+(src|href)=/);
    expect(html).not.to.match(/url\((?!#)/);

    const context = await launchChromium(dir);
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('request', (r) => {
        if (!r.url().startsWith('file://')) problems.push(`request: ${r.url()}`);
      });
      const started = Date.now();
      await page.goto(`file://${file}`);
      await page.locator('svg#plot g.msg').first().waitFor();
      const loadMs = Date.now() - started;

      // One lane per server, named as the trace names them.
      expect(await page.locator('.lane-name').allTextContents()).to.deep.equal([
        'S0',
        'S1',
        'S2',
        'S3',
        'S4',
      ]);
      // Roles: both leaders of the failing term are drawn.
      const leaders = await page
        .locator('rect.band.r2')
        .evaluateAll((rs) => rs.map((r) => r.getAttribute('data-b')));
      expect(leaders.length).to.be.greaterThan(1);

      // The failing check, named, in view when the page opens.
      expect(await page.textContent('#failure')).to.match(
        /failed \[election-safety\] election safety/,
      );
      const label = page.locator('#fail-label');
      expect(await label.textContent()).to.match(/^\u2716 \[election-safety\] election safety/);
      const svgBox = (await page.locator('svg#plot').boundingBox())!;
      const lineBox = (await page.locator('.fail-line').boundingBox())!;
      expect(lineBox.x).to.be.within(svgBox.x + 90, svgBox.x + svgBox.width);
      const view = (await page.evaluate('window.viewer.view()')) as [number, number];
      expect(view[1] - view[0]).to.be.within(2000, 2400); // the last ~2 s before the failure
      expect(result.virtualMs).to.be.within(view[0], view[1]);

      // A click on a vote request shows its arguments (and its reply).
      const requests = page.locator('g.msg.req[data-topic="election"]:not(.lost)');
      // One whose middle is in view and not under another arrow: where a learner would click.
      const inView = await requests.evaluateAll(
        (gs, [left, right]) =>
          gs.findIndex((g) => {
            const r = g.getBoundingClientRect();
            const [x, y] = [r.left + r.width / 2, r.top + r.height / 2];
            return x > left && x < right && g.contains(g.ownerDocument.elementFromPoint(x, y));
          }),
        [svgBox.x + 100, svgBox.x + svgBox.width - 20],
      );
      expect(inView).to.be.at.least(0);
      await requests.nth(inView).click();
      await page.locator('#details').waitFor({ state: 'visible' });
      expect(await page.textContent('#details h3')).to.match(
        /^#\d+ Raft\.(RequestVote|PreVote) S\d \u2192 S\d$/,
      );
      expect(await page.textContent('#details code.args')).to.match(
        /^\{term: \d+, candidateId: \d, lastLogIndex: \d+, lastLogTerm: \d+\}$/,
      );

      // The topic filter hides arrows of that topic, and only those.
      const heartbeats = page.locator('g.msg[data-topic="heartbeat"]');
      const votes = page.locator('g.msg[data-topic="election"]');
      expect(await heartbeats.count()).to.be.greaterThan(0);
      const votesBefore = await votes.count();
      await page.locator('#topics input[data-topic="heartbeat"]').uncheck();
      expect(await heartbeats.count()).to.equal(0);
      expect(await votes.count()).to.equal(votesBefore);
      await page.locator('#topics input[data-topic="heartbeat"]').check();
      expect(await heartbeats.count()).to.be.greaterThan(0);

      // Zoom in with the wheel around the failure, then the whole run.
      const x = lineBox.x + 1;
      await page.mouse.move(x, svgBox.y + 200);
      await page.mouse.wheel(0, -400);
      await page.waitForTimeout(100);
      const zoomed = (await page.evaluate('window.viewer.view()')) as [number, number];
      expect(zoomed[1] - zoomed[0]).to.be.lessThan(view[1] - view[0]);
      expect(result.virtualMs).to.be.within(zoomed[0], zoomed[1]);
      await page.click('#whole');
      await page.waitForTimeout(100);
      const whole = (await page.evaluate('window.viewer.view()')) as [number, number];
      expect(whole[0]).to.be.at.most(0);
      expect(whole[1]).to.be.at.least(result.virtualMs);

      await page.click('#to-failure');
      await page.waitForTimeout(100);
      await page.screenshot({ path: path.join(dir, 'viewer.png') });
      console.log(
        `      (viewer: ${fs.statSync(file).size} bytes, ${result.trace!.length} trace records; loaded and drawn in ${loadMs} ms)`,
      );

      // Too large to draw whole (here: more than 50 messages): a window that ends at the failure,
      // said in one line.
      const windowed = writeRunViewer(
        { ...result, trace: result.trace! },
        path.join(dir, 'windowed.html'),
        { maxMessages: 50 },
      );
      await page.goto(`file://${windowed}`);
      await page.locator('svg#plot g.msg').first().waitFor();
      expect(await page.textContent('#note')).to.match(
        /^This run is too large to draw whole \(\d+ messages in 4\.552 s\): drawn are its last [\d.]+ s, from [\d.]+ s to the end at 4\.552 s \(5\d messages\)\.$/,
      );
      expect(await page.locator('#fail-label').count()).to.equal(1);
      await page.click('#whole');
      await page.waitForTimeout(100);
      const shown = (await page.evaluate('window.viewer.view()')) as [number, number];
      expect(shown[0]).to.be.greaterThan(1000);
      expect(problems).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
