/**
 * The web chat page in a real headless Chromium, against the real server (temporary database, the
 * local classifier): chatting, resuming after a reload and after a dropped connection, the end of a
 * conversation, the flow diagram with the current block highlighted, and API_TOKEN.
 */
import type { Page, WebSocketRoute } from 'playwright-core';
import { localClassifier, startTestServer, type TestServer } from '../support/test-server';
import { maybeUpdateDocsScreenshot, screenshot } from './support/artifacts';
import { type Browser, chromiumUnavailable, launchChromium, watchProblems } from './support/chromium';
import { SlowDetector } from './support/slow-detector';

// The callbacks given to page.evaluate run in the browser. The project compiles for Node (no DOM lib),
// so the few browser globals they use are declared here, for this file only.
declare const sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
declare const document: {
  activeElement: { id: string; textContent: string | null } | null;
  querySelectorAll(selector: string): { length: number };
};
declare const navigator: { clipboard: { readText(): Promise<string> } };
declare function getComputedStyle(element: unknown): { fill: string };

const skipReason = chromiumUnavailable();
if (skipReason) console.warn(`SKIPPED test/e2e/web-chat.test.ts: ${skipReason}`);
const describeBrowser = skipReason ? describe.skip : describe;

const GREETING = 'Hi! I can give you the weather, travel offers or restaurant tips. What would you like?';

const botBubble = (page: Page, text: string) => page.locator('#messages .msg.bot .bubble', { hasText: text });
const bubbles = (page: Page) => page.locator('#messages .msg .bubble').allTextContents();
const statusText = (page: Page, text: string) => page.locator('#connection-status', { hasText: text }).waitFor();

async function storedSession(page: Page): Promise<{ conversationId: string | null; messages: unknown[] }> {
  return page.evaluate(
    () => JSON.parse(sessionStorage.getItem('flowbot.session') ?? '{}') as { conversationId: string | null; messages: unknown[] },
  );
}

/** Types like a keyboard user and sends with Enter; resolves when the bot's answer is shown. */
async function say(page: Page, text: string, answerContains: string): Promise<void> {
  await page.getByLabel('Your message').fill(text);
  await page.getByLabel('Your message').press('Enter');
  await botBubble(page, answerContains).waitFor();
}

describeBrowser('web chat page (Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  const socketUrls: string[] = [];

  beforeAll(async () => {
    // 300 ms per detection: the typing indicator stays up long enough to be seen.
    server = await startTestServer({ detector: new SlowDetector(localClassifier(), 300) });
    browser = await launchChromium();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    problems = watchProblems(page);
    page.on('websocket', (ws) => socketUrls.push(ws.url()));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close(true);
  });

  afterEach(() => {
    expect(problems).toEqual([]);
  });

  test('greets, sends on Enter, shows the typing indicator, then the answer', async () => {
    await page.goto(`${server.url}/`);
    await botBubble(page, GREETING).waitFor();
    await statusText(page, 'Connected');
    // Keyboard-first: the message box has the focus and a label; Tab goes on to Send.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('message-input');
    await page.keyboard.type('will it rain tomorrow?');
    await page.keyboard.press('Enter');
    await page.locator('#typing', { hasText: 'flowbot is typing' }).waitFor();
    await botBubble(page, 'It will be sunny, 24°C').waitFor();
    await page.locator('#typing:empty').waitFor();
    expect(await bubbles(page)).toEqual([
      GREETING,
      'will it rain tomorrow?',
      'It will be sunny, 24°C. Anything else? Travel offers or a restaurant tip?',
    ]);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Send');
    expect(await page.getByRole('log', { name: 'Conversation' }).getAttribute('aria-live')).toBe('polite');
    await screenshot(page, 'web-chat-1-answer');
  });

  test('a reload resumes the same conversation, with its history and a working input', async () => {
    const before = await storedSession(page);
    expect(before.conversationId).toMatch(/^[0-9a-f-]{36}$/);
    await page.reload();
    await statusText(page, 'conversation resumed');
    expect(socketUrls.at(-1)).toContain(`/ws?conversationId=${before.conversationId}`);
    expect((await storedSession(page)).conversationId).toBe(before.conversationId);
    expect(await bubbles(page)).toHaveLength(3);
    await say(page, 'any cheap flights?', 'Lisbon');
    // Still one conversation on the server.
    const list = (await (await fetch(`${server.url}/api/conversations`)).json()) as { items: Array<{ id: string }> };
    expect(list.items.map((c) => c.id)).toEqual([before.conversationId]);
  });

  test('reconnects with backoff after a dropped connection and resumes', async () => {
    const routes: WebSocketRoute[] = [];
    const upstreams: Array<{ close(options?: { code?: number; reason?: string }): Promise<void> }> = [];
    // Every socket goes through this route, so the test can cut one as a network fault would.
    await page.routeWebSocket(/\/ws(\?|$)/, (ws) => {
      upstreams.push(ws.connectToServer());
      routes.push(ws);
    });
    await page.reload();
    await statusText(page, 'conversation resumed');
    const id = (await storedSession(page)).conversationId;
    // Cut both sides, as a dropped network path would.
    await routes.at(-1)?.close({ code: 1012, reason: 'service restart' });
    await upstreams.at(-1)?.close({ code: 1012, reason: 'service restart' });
    await statusText(page, 'retrying');
    await statusText(page, 'conversation resumed');
    expect(routes).toHaveLength(2);
    expect(routes[1]?.url()).toContain(`conversationId=${id}`);
    await say(page, 'where can I eat tonight?', 'Casa Nostra');
  });

  test('draws the flow with the current block highlighted, and copies the JS export', async () => {
    await page.getByRole('button', { name: 'Flow diagram' }).click();
    expect(await page.getByRole('button', { name: 'Flow diagram' }).getAttribute('aria-expanded')).toBe('true');
    const current = page.locator('#diagram svg g.current');
    await current.waitFor();
    expect(await current.count()).toBe(1);
    expect(await current.textContent()).toContain('ask (wait)');
    expect(await page.locator('#diagram-current').textContent()).toBe('Current block: ask (wait)');
    expect(await page.locator('#diagram-version').textContent()).toContain('version 1');
    // The amber of the highlight wins over the wait block's own colours (Mermaid's inline styles).
    const fill = await current
      .locator('rect, path')
      .first()
      .evaluate((el) => getComputedStyle(el).fill);
    expect(fill).toBe('rgb(255, 212, 59)');

    await page.getByRole('button', { name: 'Copy for Stately' }).click();
    await page.locator('#copy-status', { hasText: 'Copied the JavaScript export of flow version 1' }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain('createMachine(');

    const shot = await screenshot(page, 'web-chat-2-diagram');
    maybeUpdateDocsScreenshot(shot);
  });

  test('the highlight follows the conversation to its end; the end is shown and input disabled', async () => {
    await page.getByLabel('Your message').fill('bye');
    await page.getByLabel('Your message').press('Enter');
    await page.locator('#diagram[data-current-block="goodbye"]').waitFor();
    expect(await page.locator('#diagram svg g.current').textContent()).toContain('goodbye (end)');
    await page.locator('#ended').waitFor();
    await statusText(page, 'Conversation ended');
    expect(await page.getByLabel('Your message').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await screenshot(page, 'web-chat-3-ended');

    // After a reload the ended conversation stays shown as ended; nothing reconnects.
    const sockets = socketUrls.length;
    await page.reload();
    await page.locator('#ended').waitFor();
    expect(socketUrls.length).toBe(sockets);

    const endedId = (await storedSession(page)).conversationId;
    await page.getByRole('button', { name: 'Start a new conversation' }).click();
    await botBubble(page, GREETING).waitFor();
    expect(await bubbles(page)).toEqual([GREETING]);
    const fresh = (await storedSession(page)).conversationId;
    expect(fresh).not.toBe(endedId);
    expect(socketUrls.at(-1)).toMatch(/\/ws$/);
    expect(await page.getByLabel('Your message').isDisabled()).toBe(false);
  });

  test('a conversation the server no longer knows is replaced by a new one', async () => {
    await page.evaluate(() => {
      const stale = {
        conversationId: '00000000-0000-4000-8000-000000000000',
        flowVersion: 1,
        ended: false,
        blockId: 'ask',
        messages: [{ from: 'bot', text: 'old' }],
      };
      sessionStorage.setItem('flowbot.session', JSON.stringify(stale));
    });
    await page.reload();
    await botBubble(page, GREETING).waitFor();
    expect(await bubbles(page)).toEqual([GREETING]);
    expect((await storedSession(page)).conversationId).not.toBe('00000000-0000-4000-8000-000000000000');
  });

  test('a second tab on the same conversation takes it over; the first can take it back', async () => {
    const session = await page.evaluate(() => sessionStorage.getItem('flowbot.session'));
    const other = await browser.context.newPage();
    const otherProblems = watchProblems(other);
    try {
      await other.goto(`${server.url}/`);
      await botBubble(other, GREETING).waitFor();
      await other.evaluate((stored) => sessionStorage.setItem('flowbot.session', stored ?? ''), session);
      await other.reload();
      await statusText(other, 'conversation resumed');
      await page.locator('#replaced').waitFor();
      expect(await page.getByLabel('Your message').isDisabled()).toBe(true);

      await page.getByRole('button', { name: 'Continue it here' }).click();
      await statusText(page, 'conversation resumed');
      await other.locator('#replaced').waitFor();
      expect(await page.getByLabel('Your message').isDisabled()).toBe(false);
      expect(otherProblems).toEqual([]);
    } finally {
      await other.close();
    }
  });

  test('"New conversation" starts over from the greeting', async () => {
    await say(page, 'will it rain tomorrow?', 'sunny');
    const id = (await storedSession(page)).conversationId;
    await page.getByRole('button', { name: 'New conversation' }).click();
    await page.waitForFunction(
      (old) =>
        JSON.parse(sessionStorage.getItem('flowbot.session') ?? '{}').conversationId !== old &&
        document.querySelectorAll('#messages .msg').length === 1,
      id,
    );
    expect(await bubbles(page)).toEqual([GREETING]);
  });
});

describeBrowser('web chat page with API_TOKEN set (Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    server = await startTestServer({ env: { API_TOKEN: 'e2e-secret-token' } });
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    problems = watchProblems(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close(true);
  });

  test('chat works without the token; the diagram asks for it and shows a 401 clearly', async () => {
    await page.goto(`${server.url}/flow`);
    await say(page, 'will it rain tomorrow?', 'sunny');

    const form = page.locator('#token-form');
    await form.waitFor();
    expect(await page.locator('#token-message').textContent()).toContain('API_TOKEN');
    expect(await page.locator('#diagram svg').count()).toBe(0);
    expect(await page.getByLabel('API token').getAttribute('type')).toBe('password');
    await screenshot(page, 'web-chat-4-token');

    await page.getByLabel('API token').fill('wrong-token');
    await page.getByRole('button', { name: 'Show diagram' }).click();
    await page.locator('#token-message', { hasText: 'not accepted (401 Unauthorized)' }).waitFor();

    await page.getByLabel('API token').fill('e2e-secret-token');
    await page.getByRole('button', { name: 'Show diagram' }).click();
    await page.locator('#diagram svg g.current').waitFor();
    expect(await form.isHidden()).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem('flowbot.apiToken'))).toBe('e2e-secret-token');
    expect(problems).toEqual([]);
  });
});
