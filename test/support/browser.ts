// Headless Chromium for the HTML report tests: Debian's chromium driven by playwright-core. A suite
// that needs it calls useChromium() in its describe(): it skips itself (saying how to install it)
// when /usr/bin/chromium is absent, and gets a scratch directory removed afterwards.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Registers before/after hooks; the returned function gives the scratch directory. */
export function useChromium(prefix: string): () => string {
  let dir = '';
  before(function () {
    if (!fs.existsSync(CHROMIUM)) {
      console.log(
        `    (skipped: ${CHROMIUM} is absent; install it with: apt-get update && apt-get install -y chromium)`,
      );
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}

/** A fresh headless browser with its profile under `dir`; no network but file:// is expected. */
export async function launchChromium(dir: string): Promise<BrowserContext> {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
