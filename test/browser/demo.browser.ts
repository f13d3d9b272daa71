/**
 * The demo page (`npm run demo`) in headless Chromium: it loads, trains the MNIST CNN a few steps
 * on wasm with the chart drawn (a screenshot goes to test/browser/out/demo.png), predicts a digit
 * drawn with the mouse, and its safetensors download loads back into the same predictions. Any
 * console error fails.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildDemo } from '../../demo/build.js';
import { serveStatic, type StaticServer } from '../../demo/server.js';
import { parseSafetensors } from '../../src/io/safetensors.js';
import { repo } from '../package/consumer.js';
import { type Chromium, launchChromium, watchedPage } from './chromium.js';

const outputs = join(repo, 'test', 'browser', 'out');
const STEPS = 8;

describe('browser: the demo page', function () {
  this.timeout(120000);
  let built = '';
  let server: StaticServer | undefined;
  let browser: Chromium | undefined;
  let page: Page;
  let errors: string[] = [];

  before(async () => {
    built = mkdtempSync(join(tmpdir(), 'parallax-demo-'));
    await buildDemo(built);
    server = await serveStatic({ '/': built });
    browser = await launchChromium();
    ({ page, errors } = await watchedPage(browser));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (built !== '') rmSync(built, { recursive: true, force: true });
  });

  afterEach(() => expect(errors, 'console errors').to.deep.equal([]));

  const probabilities = async (): Promise<number[]> =>
    JSON.parse((await page.getAttribute('#probabilities', 'data-values')) ?? '[]') as number[];

  it(`loads, trains ${STEPS} steps on wasm (the default) and draws the chart`, async () => {
    await page.goto(`${server!.url}?maxSteps=${STEPS}&epochs=1&autostart=1`);
    await page.waitForSelector('#status[data-state="trained"]', { timeout: 90000 });
    expect(await page.inputValue('#backend')).to.equal('wasm');
    expect(await page.getAttribute('#chart', 'data-points')).to.equal(String(STEPS));
    expect(await page.textContent('#status')).to.match(
      new RegExp(`trained ${STEPS} steps in [0-9.]+ s on wasm · test accuracy [0-9.]+% on 1000 digits`),
    );
    // The chart has the loss curve's colour in it (#d9480f), not just axes.
    // (evaluated as a string: the test program's types have no DOM)
    const lossPixels = await page.evaluate<number>(`(() => {
      const c = document.getElementById('chart');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] === 0xd9 && d[i + 1] === 0x48 && d[i + 2] === 0x0f) n++;
      return n;
    })()`);
    expect(lossPixels, 'pixels of the loss curve').to.be.greaterThan(20);
    mkdirSync(outputs, { recursive: true });
    await page.screenshot({ path: join(outputs, 'demo.png'), fullPage: true });
  });

  it('predicts a digit drawn with the mouse: ten probabilities that sum to 1', async () => {
    const pad = (await page.locator('#pad').boundingBox())!;
    await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * 0.18);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * (0.18 + i * 0.064));
    await page.mouse.up();
    await page.waitForSelector('#probabilities[data-values^="["]');
    const p = await probabilities();
    expect(p).to.have.length(10);
    expect(p.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-5);
    expect(await page.getAttribute('#probabilities', 'data-top')).to.match(/^[0-9]$/);
    await page.screenshot({ path: join(outputs, 'demo-drawn.png'), fullPage: true });
  });

  it('downloads the model as safetensors (PyTorch state-dict names) and uploads it back: same predictions', async () => {
    const before = await probabilities();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = join(outputs, 'mnist-cnn.safetensors');
    await download.saveAs(file);
    const { tensors, metadata } = parseSafetensors(new Uint8Array(readFileSync(file)));
    const shapes = Object.fromEntries([...tensors].map(([k, t]) => [k, [t.dtype, ...t.shape]]));
    expect(shapes).to.deep.equal({
      'conv1.weight': ['F32', 16, 1, 3, 3],
      'conv1.bias': ['F32', 16],
      'conv2.weight': ['F32', 32, 16, 3, 3],
      'conv2.bias': ['F32', 32],
      'fc1.weight': ['F32', 64, 1568],
      'fc1.bias': ['F32', 64],
      'fc2.weight': ['F32', 10, 64],
      'fc2.bias': ['F32', 10],
    });
    expect(metadata).to.include({ format: 'pt', model: 'examples/MnistCnn' });
    await page.setInputFiles('#upload', file);
    await page.waitForSelector('#model-status[data-state="uploaded"]');
    expect(await probabilities()).to.deep.equal(before);
  });
});
