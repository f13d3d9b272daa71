/**
 * Headless Chromium for the browser suite: Debian's /usr/bin/chromium (`apt-get install -y
 * chromium`; .ci/run installs it), driven by playwright-core, which never downloads a browser of
 * its own. A fresh profile per launch; SwiftShader gives WebGL without a GPU. Every page's console
 * errors and uncaught exceptions are collected, and a test fails on any it did not expect.
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** The browser binary: `PARALLAX_CHROMIUM`, else Debian's. */
export const chromiumPath = process.env.PARALLAX_CHROMIUM ?? '/usr/bin/chromium';

const flags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // WebGL on the CPU (SwiftShader), for the webgl backend's tests
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

/** A running browser with its own profile folder; `close()` removes both. */
export interface Chromium {
  readonly context: BrowserContext;
  readonly close: () => Promise<void>;
}

export const launchChromium = async (): Promise<Chromium> => {
  if (!existsSync(chromiumPath)) {
    throw new Error(`no browser at ${chromiumPath}: run \`apt-get update && apt-get install -y chromium\` (or set PARALLAX_CHROMIUM)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'parallax-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: flags,
    acceptDownloads: true,
    viewport: { width: 1100, height: 1000 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
};

/** A new page whose console errors and uncaught exceptions land in `errors`. */
export const watchedPage = async (browser: Chromium): Promise<{ page: Page; errors: string[] }> => {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.stack ?? e.message}`));
  return { page, errors };
};
