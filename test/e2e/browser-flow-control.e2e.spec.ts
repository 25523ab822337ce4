import { Browser, chromium } from 'playwright-core';
import { ServerProcess, startServer } from '../support/server-process';

/**
 * The web page against a server with a tiny frame budget (2 frames/s, burst 2): messages typed
 * faster than that are shown as queued (🕓), never as failed, and all go out by themselves at
 * the announced pace.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'];

describe('web client under flow control', () => {
  let server: ServerProcess;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    server = await startServer({
      env: { WS_FRAMES_PER_SECOND: '2', WS_FRAMES_BURST: '2' },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    if (problems.length > 0) console.warn(problems.join('\n'));
    await browser?.close();
    await server?.stop();
  });

  it('shows messages beyond the budget as queued, then sent; none as failed', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('dialog', (d) => {
      problems.push(`alert: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(`${server.baseUrl}/?user=quincy`);
    await page.locator('#conn-state', { hasText: 'online' }).waitFor();
    await page.fill('#new-members', 'rita');
    await page.click('#new-btn');
    await page.locator('#chat-title', { hasText: 'rita' }).waitFor();

    const N = 8;
    for (let i = 1; i <= N; i++) {
      await page.fill('#composer-input', `quick ${i}`);
      await page.press('#composer-input', 'Enter');
    }
    const queued = page.locator('.msg.mine.queued .ticks.queued', { hasText: 'queued' });
    await queued.first().waitFor();
    expect(await queued.count()).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: '/tmp/browser-flow-control-queued.png' });

    // 2 per second: all eight are stored within a few seconds, in order, none failed.
    await page
      .locator('.msg.mine[data-seq] .body', { hasText: `quick ${N}` })
      .waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => document.querySelectorAll('.msg.queued').length === 0);
    const bodies = await page.locator('.msg.mine[data-seq] .body').allTextContents();
    expect(bodies).toEqual(Array.from({ length: N }, (_, i) => `quick ${i + 1}`));
    expect(await page.locator('.msg.failed').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.screenshot({ path: '/tmp/browser-flow-control.png' });
    await context.close();
  }, 40_000);
});
