import { Browser, Page, chromium } from 'playwright-core';
import { ChatClient } from '../../libs/client/src';
import { connectClient } from '../../libs/client/src/testing/helpers';
import { ServerProcess, startServer } from '../support/server-process';

/**
 * The built web page (dist/web, served at `/`) in a real headless Chromium: two users in
 * two browser contexts chat; the receiver sees the message live with an unread badge, and
 * the sender's tick turns into the blue double tick once it has been read.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('web client in a browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  /** Page errors and alerts, printed when a step fails so the cause is visible. */
  const problems: string[] = [];
  const sdkClients: ChatClient[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    if (problems.length > 0) console.warn(problems.join('\n'));
    for (const c of sdkClients) c.close();
    await browser?.close();
    await server?.stop();
  });

  async function signedIn(user: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
    const page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`${user} pageerror: ${err.message}`));
    page.on('dialog', (d) => {
      problems.push(`${user} alert: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(`${server.baseUrl}/?user=${user}`);
    await page.locator('#me-name', { hasText: user }).waitFor();
    await page.locator('#conn-state', { hasText: 'online' }).waitFor();
    return page;
  }

  it('alice and bob chat; bob sees the message live; alice sees the read tick', async () => {
    const alice = await signedIn('alice');
    const bob = await signedIn('bob');

    await alice.fill('#new-members', 'bob');
    await alice.click('#new-btn');
    await alice.locator('#chat-title', { hasText: 'bob' }).waitFor();
    await alice.fill('#composer-input', 'Hello Bob, ça va?');
    await alice.press('#composer-input', 'Enter');
    await alice.locator('.msg.mine .ticks.sent, .msg.mine .ticks.delivered').first().waitFor();

    const conv = bob.locator('.conv', { hasText: 'alice' });
    await conv.locator('.badge', { hasText: '1' }).waitFor();
    await conv.click();
    await bob.locator('.msg .body', { hasText: 'Hello Bob, ça va?' }).waitFor();

    await alice.locator('.msg.mine .ticks.read').waitFor();
    await bob.fill('#composer-input', 'Hi Alice!');
    await bob.press('#composer-input', 'Enter');
    await alice.locator('.msg:not(.mine) .body', { hasText: 'Hi Alice!' }).waitFor();
    await bob.locator('.msg.mine .ticks.read').waitFor();

    await alice.screenshot({ path: '/tmp/browser-chat-alice.png' });
    await bob.screenshot({ path: '/tmp/browser-chat-bob.png' });
    expect(await bob.locator('.conv .badge').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('group chat: presence dots, typing indicator, and older history loaded on scroll-up', async () => {
    const seeder = await connectClient(server, 'carol');
    sdkClients.push(seeder.client);
    const { conversationId } = await seeder.client.createConversation({
      kind: 'group',
      members: ['carol', 'dave', 'erin'],
      title: 'Team',
    });
    for (let i = 1; i <= 45; i++) await seeder.client.send(conversationId, `message ${i}`);

    const dave = await signedIn('dave');
    const team = dave.locator('.conv', { hasText: 'Team' });
    await team.locator('.dot.online').waitFor(); // carol is connected
    await team.click();
    await dave.locator('.msg .body', { hasText: 'message 45' }).waitFor();
    expect(await dave.locator('.msg .body', { hasText: /^message 1$/ }).count()).toBe(0);
    await dave.locator('#messages').evaluate((el) => (el.scrollTop = 0));
    await dave.locator('.msg .body', { hasText: /^message 1$/ }).waitFor();
    expect(await dave.locator('.msg[data-seq]').count()).toBe(45);

    seeder.client.typing(conversationId);
    await dave.locator('#typing', { hasText: 'carol is typing' }).waitFor();
    await dave.locator('#messages').evaluate((el) => (el.scrollTop = 0));
    await dave.screenshot({ path: '/tmp/browser-chat-group.png' });
    seeder.client.close();
    await team.locator('.dot:not(.online)').waitFor(); // carol went offline
  });
});
