/**
 * The web page with more than one bot, in a real headless Chromium against the real server with
 * API_TOKEN set: `/?bot=pizza` chats with that bot, `/?bot=pizza&version=2` previews a draft after
 * asking for the token (sent as the `bearer.<token>` subprotocol), and a bot picker appears once the
 * page can list more than one bot.
 */
import type { Page } from 'playwright-core';
import type { Flow } from '../../src/flow/types';
import { FakeDetector } from '../support/fake-detector';
import { startTestServer, type TestServer } from '../support/test-server';
import { type Browser, chromiumUnavailable, launchChromium, watchProblems } from './support/chromium';

const skipReason = chromiumUnavailable();
if (skipReason) console.warn(`SKIPPED test/e2e/web-bots.test.ts: ${skipReason}`);
const describeBrowser = skipReason ? describe.skip : describe;

const TOKEN = 'page-preview-token';
const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

function pizza(greeting: string): Flow {
  return {
    name: 'Pronto Pizza',
    start: 'hello',
    blocks: [
      { id: 'hello', type: 'message', text: greeting, next: 'ask' },
      { id: 'ask', type: 'wait', saveAs: 'order', next: 'bye' },
      { id: 'bye', type: 'end', text: 'One {{order}}, coming up!' },
    ],
  };
}

const botBubble = (page: Page, text: string) => page.locator('#messages .msg.bot .bubble', { hasText: text });

describeBrowser('web page with many bots (Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  const sockets: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ detector: new FakeDetector(), env: { API_TOKEN: TOKEN } });
    const post = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
    expect((await post('/api/bots', { id: 'pizza', name: 'Pronto Pizza' })).status).toBe(201);
    expect((await post('/api/bots/pizza/flows', pizza('Pronto Pizza! What would you like?'))).status).toBe(201);
    expect((await post('/api/bots/pizza/flows?activate=false', pizza('Draft pizza greeting'))).status).toBe(201);
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    problems = watchProblems(page);
    page.on('websocket', (ws) => sockets.push(ws.url()));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close(true);
  });

  test('/?bot=pizza chats with that bot', async () => {
    await page.goto(`${server.url}/?bot=pizza`);
    await botBubble(page, 'Pronto Pizza! What would you like?').waitFor();
    await page.locator('#chat-title', { hasText: 'pizza' }).waitFor();
    await page.getByLabel('Your message').fill('a margherita');
    await page.getByLabel('Your message').press('Enter');
    await botBubble(page, 'One a margherita, coming up!').waitFor();
    // Without the token the page cannot list the bots: no picker.
    expect(await page.locator('#bot-picker-label').isHidden()).toBe(true);
  });

  test('/?bot=pizza&version=2 asks for the token, then previews the draft', async () => {
    await page.goto(`${server.url}/?bot=pizza&version=2`);
    await page.locator('#preview-token-message', { hasText: 'needs the API token' }).waitFor();
    await page.locator('#preview-token-input').fill(TOKEN);
    await page.getByRole('button', { name: 'Start the preview' }).click();
    await botBubble(page, 'Draft pizza greeting').waitFor();
    await page.locator('#chat-title', { hasText: 'preview of version 2' }).waitFor();
    // A browser cannot set Authorization on a WebSocket: the server let the preview in on the
    // `bearer.<token>` subprotocol (the server-side tests check the refusals and the echo).
    expect(sockets.filter((url) => url.endsWith('/ws?bot=pizza&version=2')).length).toBeGreaterThanOrEqual(2);
    // The live chat is a separate conversation: the preview did not replace it.
    await page.goto(`${server.url}/?bot=pizza`);
    await botBubble(page, 'One a margherita, coming up!').waitFor();
  });

  test('shows a bot picker once the bots can be listed, and picking one opens its chat', async () => {
    // The token is kept for the tab since the preview: the page can now list the bots.
    await page.goto(`${server.url}/`);
    await page.locator('#bot-picker-label').waitFor();
    expect(await page.locator('#bot-picker option').allTextContents()).toEqual(['Default bot (default)', 'Pronto Pizza (pizza)']);
    await page.locator('#bot-picker').selectOption('pizza');
    await page.waitForURL(`${server.url}/?bot=pizza`);
    await botBubble(page, 'Pronto Pizza').first().waitFor();
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
  });
});
