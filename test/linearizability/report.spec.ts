// The HTML report: its data (longest prefixes, states, where it got stuck), that the page is
// self-contained, and, in a real headless Chromium, that it draws and reacts to hover and click.
// The browser test skips itself when Debian's chromium is not installed (/usr/bin/chromium).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import {
  checkOperations,
  kvModel,
  parseHistory,
  renderHtmlReport,
  writeHtmlReport,
  type KvInput,
} from '../../checker';
import { buildReportData } from '../../checker/report-data';
import { unpackPayload } from '../../checker/report';
import { shortLabel } from '../../checker/report-svg';
import { FIXTURES, kv, requireFixtures } from './helpers';
import { launchChromium, useChromium } from '../support/browser';

// The worked example of the spec (9.9): two keys, x illegal, y fine.
function workedExample() {
  const get = (key: string): KvInput => ({ op: 'get', key });
  const put = (key: string, value: string): KvInput => ({ op: 'put', key, value });
  return [
    kv(0, get('x'), 0, 100, 'w'),
    kv(1, put('x', 'y'), 5, 10),
    kv(2, put('x', 'z'), 0, 10),
    kv(1, get('x'), 20, 30, 'y'),
    kv(1, put('x', 'w'), 35, 45),
    kv(5, get('x'), 25, 35, 'z'),
    kv(3, get('x'), 30, 40, 'y'),
    kv(4, get('y'), 50, 90, 'a'),
    kv(2, put('y', 'a'), 55, 85),
  ];
}

describe('linearizability: HTML report', function () {
  this.timeout(60_000);

  it('records the longest linearizable prefixes of the worked example', () => {
    const result = checkOperations(kvModel, workedExample(), { verbose: true });
    expect(result.verdict).to.equal('illegal');
    const [x, y] = result.partitions;
    expect(x.partials).to.deep.equal([
      [2, 1, 3, 6, 4, 0],
      [1, 2, 5],
    ]);
    expect(y.partials).to.deep.equal([[1, 0]]);
    const data = buildReportData(result);
    const states = data.partitions[0].partials[0].states.map((s) => data.states[s]);
    expect(states).to.deep.equal([
      '{}',
      '{"x": "z"}',
      '{"x": "y"}',
      '{"x": "y"}',
      '{"x": "y"}',
      '{"x": "w"}',
      '{"x": "w"}',
    ]);
    expect(data.partitions[0].largest).to.deep.equal([0, 0, 0, 0, 0, 1, 0]);
    // The longest prefix stops at x5's return (35): get -> "z" cannot come after put "y".
    expect(data.partitions[0].partials[0].stopTime).to.equal(35);
    expect(data.partitions[0].partials[0].stuck.map((s) => s.op)).to.include(5);
  });

  it('fault labels never overlap: a crash of every server is one label, a label with no free lane none', () => {
    const crash = (n: number, time: number) => ({
      time,
      kind: 'crash' as const,
      text: `S${n} crashed`,
    });
    const faults = [
      ...[0, 1, 2, 3, 4].map((n) => crash(n, 20)),
      ...[0, 1, 2, 3, 4].map((n) => ({
        time: 21 + n,
        kind: 'partition' as const,
        text: `partition: S${n} cut off from the others`,
      })),
    ];
    const html = renderHtmlReport(checkOperations(kvModel, workedExample()), { faults });
    const svg = unpackPayload(html).svgs[0];
    const labels = [
      ...svg.matchAll(
        /<g class="fault [^"]*"[^>]*>.*?<text x="([\d.]+)" y="([\d.]+)">([^<]*)<\/text><\/g>/g,
      ),
    ].map((m) => ({ x: Number(m[1]), y: Number(m[2]), text: m[3] }));
    expect(labels.map((l) => l.text)).to.include('5 servers crashed');
    expect(labels.map((l) => l.text)).not.to.include('S3 crashed');
    // Every fault keeps its line and tooltip, labelled or not.
    expect((svg.match(/<g class="fault /g) ?? []).length).to.equal(6);
    expect(svg).to.include('S0 crashed; S1 crashed; S2 crashed; S3 crashed; S4 crashed');
    // Labels in one lane: each ends (at 6 px a character, as drawn) before the next begins.
    for (const a of labels)
      for (const b of labels)
        if (a !== b && a.y === b.y && a.x <= b.x)
          expect(a.x + a.text.length * 6).to.be.at.most(b.x);
  });

  it("labels fit their bars: the operation and key whole, a value's start and end", () => {
    const get = 'get("0") -> "x 1 0 yx 2 0 yx 3 0 yx 4 0 y"';
    expect(shortLabel(get, 60)).to.equal(get);
    expect(shortLabel(get, 28)).to.equal('get("0") -> "x 1 0 y… 4 0 y"');
    expect(shortLabel(get, 28)).to.have.length(28);
    // The key is never shortened, even when it equals the value.
    expect(shortLabel('put("abc", "abcdefghijkl")', 20)).to.equal('put("abc", "abc…kl")');
    // Too short for the key and both ends: cut at the end.
    expect(shortLabel(get, 10)).to.equal('get("0") …');
    expect(shortLabel(get, 1)).to.equal('');
  });

  it('is one self-contained file: inline style and script, no network', () => {
    const html = renderHtmlReport(checkOperations(kvModel, workedExample()));
    expect(html).to.match(/^<!DOCTYPE html>/);
    expect(html).to.contain('<style>');
    // The data and timelines are packed in the page, and unpack to the report's data.
    const payload = unpackPayload(html);
    expect(payload.data.partitions.map((p) => p.label)).to.deep.equal(['key "x"', 'key "y"']);
    expect(payload.svgs).to.have.length(2);
    expect(html).not.to.match(/<(script|link|img)[^>]+(src|href)=/);
    expect(html).not.to.match(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('writeHtmlReport re-checks a non-verbose result and returns the path', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lin-report-'));
    try {
      const file = path.join(dir, 'nested', 'report.html');
      expect(writeHtmlReport(checkOperations(kvModel, workedExample()), file)).to.equal(file);
      expect(fs.readFileSync(file, 'utf8')).to.contain('key &#34;x&#34;');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('in headless Chromium', () => {
    const scratch = useChromium('lin-browser-');

    it('opens at the first failure, with the client labels still in view', async () => {
      const dir = scratch();
      requireFixtures();
      const history = parseHistory(
        fs.readFileSync(path.join(FIXTURES, 'kv', 'c10-bad.txt'), 'utf8'),
      );
      const report = writeHtmlReport(
        checkOperations(kvModel, history.operations, { verbose: true }),
        path.join(dir, 'open.html'),
      );
      const context = await launchChromium(dir);
      try {
        const page = await context.newPage();
        await page.goto(`file://${report}`);
        await page.locator('.op.selected').waitFor();
        // In the page (a string: this project's TypeScript has no DOM types).
        const seen = (await page.evaluate(`(() => {
          const section = document.querySelector('section.verdict-illegal');
          const box = section.querySelector('.scroll');
          const line = section.querySelector('.partial[data-k="0"] .fail-line').getBoundingClientRect();
          const b = box.getBoundingClientRect();
          return {
            scrollLeft: box.scrollLeft,
            box: [b.left, b.right],
            line: [line.left, line.top],
            height: window.innerHeight,
            labels: [...box.querySelectorAll('.client-label')].map((l) => l.getBoundingClientRect().left),
          };
        })()`)) as {
          scrollLeft: number;
          box: number[];
          line: number[];
          height: number;
          labels: number[];
        };
        // The failure lies past the first screen's width: the timeline was scrolled to it.
        expect(seen.scrollLeft).to.be.above(0);
        expect(seen.line[0]).to.be.within(seen.box[0], seen.box[1]);
        expect(seen.line[1]).to.be.within(0, seen.height);
        expect(seen.labels.length).to.be.above(0);
        for (const left of seen.labels) expect(left).to.be.within(seen.box[0], seen.box[0] + 40);
      } finally {
        await context.close();
      }
    });

    it('draws every partition and operation, the stuck point, and states on hover and click', async () => {
      const dir = scratch();
      requireFixtures();
      const history = parseHistory(
        fs.readFileSync(path.join(FIXTURES, 'kv', 'c10-bad.txt'), 'utf8'),
      );
      const result = checkOperations(kvModel, history.operations, { verbose: true });
      const report = writeHtmlReport(result, path.join(dir, 'c10-bad.html'));
      const context = await launchChromium(dir);
      try {
        const page = await context.newPage();
        const problems: string[] = [];
        page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
        page.on(
          'request',
          (r) => !r.url().startsWith('file://') && problems.push(`network request: ${r.url()}`),
        );
        await page.goto(`file://${report}`);
        await page.locator('body[data-ready]').waitFor({ state: 'attached' });
        expect(await page.textContent('#verdict')).to.equal('illegal');
        expect(await page.locator('section.partition').count()).to.equal(result.partitions.length);
        expect(await page.locator('.op').count()).to.equal(history.operations.length);
        const illegal = result.partitions.filter((p) => p.verdict === 'illegal').length;
        expect(await page.locator('section.verdict-illegal').count()).to.equal(illegal);
        expect(
          await page
            .locator('section.verdict-illegal')
            .first()
            .locator('.partial[data-k="0"] .fail-line')
            .count(),
        ).to.equal(1);
        expect(await page.locator('.op.in-prefix').count()).to.be.greaterThan(0);
        expect(await page.locator('.op.stuck').count()).to.be.greaterThan(0);
        // Linearization points of each partition's longest prefix are shown (a vertical <line> has
        // no width, so Playwright's visibility test is asked of their group).
        const firstPartial = page
          .locator('section.verdict-illegal')
          .first()
          .locator('.partial[data-k="0"]');
        expect(await firstPartial.isVisible()).to.equal(true);
        expect(await firstPartial.locator('.lp').count()).to.equal(
          result.partitions.find((p) => p.verdict === 'illegal')!.partials[0].length,
        );

        // Hover: a tooltip with the model state before and after the operation.
        const op = page.locator('section.verdict-illegal').first().locator('.op.in-prefix').first();
        await op.hover();
        const tooltip = page.locator('#tooltip');
        expect(await tooltip.isVisible()).to.equal(true);
        expect(await tooltip.textContent()).to.match(/state before.*state after/);

        // Click pins it in the details panel; clicking it again unpins.
        await op.click();
        expect(await page.locator('#details').isVisible()).to.equal(true);
        expect(await page.locator('#details').textContent()).to.match(/operation.*state after/);
        expect(await op.getAttribute('class')).to.contain('selected');
        await op.click();
        expect(await page.locator('#details').isHidden()).to.equal(true);

        // Jump to the first failure selects the operation that ends the longest prefix.
        await page.click('#jump');
        expect(await page.locator('.op.selected').count()).to.equal(1);
        expect(await page.locator('#details').textContent()).to.contain('state after');
        const shot = path.join(dir, 'report.png');
        await page.screenshot({ path: shot, fullPage: false });
        expect(fs.statSync(shot).size).to.be.greaterThan(10_000);
        expect(problems).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });
  });
});
