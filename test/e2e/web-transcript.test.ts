/**
 * The chat column in Chromium: the newest message stays in view (under the "ended" banner, after a
 * reload with the diagram open), connection notes go once the connection is back, and the message box
 * takes its limit from the server, counted as a person counts.
 */
import type { WebSocket, WebSocketRoute } from 'playwright-core';
import { chainFlow } from '../support/chain-flow';
import { defaultFlow } from '../support/flows';
import { screenshot } from './support/artifacts';
import { chromiumUnavailable } from './support/chromium';
import { uploadFlow, waitUntilVisible } from './support/page';
import { openFresh, say, useBrowserSession } from './support/session';

// The callbacks given to page.evaluate run in the browser (the project has no DOM lib).
declare const document: { querySelectorAll(selector: string): { length: number } };

const skipReason = chromiumUnavailable();
if (skipReason) console.warn(`SKIPPED test/e2e/web-transcript.test.ts: ${skipReason}`);
const describeBrowser = skipReason ? describe.skip : describe;

const GREETING = 'Hi! I can give you the weather, travel offers or restaurant tips. What would you like?';
const lastMessage = '#messages li.msg:last-of-type .bubble';

describeBrowser('web chat transcript (Chromium)', () => {
  const session = useBrowserSession({ probe: true });

  test('after a reload with the diagram open, the newest message is in view', async () => {
    const { page } = session;
    // Five turns of a 19-block flow: a transcript taller than its column next to a diagram taller than
    // its panel (the trial's case: after a reload the transcript was left scrolled to the top).
    await uploadFlow(session.server.url, chainFlow(6));
    await openFresh(session, '/');
    await page.locator('#messages .msg.bot .bubble', { hasText: 'Step 1 of 6.' }).waitFor();
    for (let step = 2; step <= 6; step++) await say(page, 'next', `Step ${step} of 6.`);
    await waitUntilVisible(page, lastMessage, 'the newest message');
    await page.getByRole('button', { name: 'Flow diagram' }).click();
    await page.locator('#diagram svg g.node.current').waitFor();
    await page.reload();
    await page.locator('#connection-status', { hasText: 'conversation resumed' }).waitFor();
    await page.locator('#diagram svg g.node.current').waitFor();
    await waitUntilVisible(page, lastMessage, 'the newest message after the reload');
  });

  test('the "conversation has ended" banner does not cover the goodbye', async () => {
    const { page } = session;
    await say(page, 'stop', 'Done. Bye!');
    await page.locator('#ended').waitFor();
    await waitUntilVisible(page, lastMessage, 'the goodbye message under the banner');
    expect(await page.locator(lastMessage).textContent()).toBe('Done. Bye!');
    await screenshot(page, 'web-transcript-1-ended');
  });

  test('"Not connected right now" goes away once the connection is back', async () => {
    const { page } = session;
    const routes: WebSocketRoute[] = [];
    let reachable = true;
    await page.routeWebSocket(/\/ws(\?|$)/, (ws) => {
      routes.push(ws);
      if (reachable) ws.connectToServer();
      else void ws.close({ code: 1012, reason: 'service restart' });
    });
    try {
      await uploadFlow(session.server.url, defaultFlow());
      await openFresh(session, '/');
      await page.locator('#messages .msg.bot .bubble', { hasText: GREETING }).waitFor();
      reachable = false;
      await routes.at(-1)?.close({ code: 1012, reason: 'service restart' });
      await page.locator('#connection-status', { hasText: 'retrying' }).waitFor();
      await page.getByLabel('Your message').fill('will it rain tomorrow?');
      await page.getByLabel('Your message').press('Enter');
      const note = page.locator('#messages .notice', { hasText: 'Not connected right now' });
      await note.waitFor();
      reachable = true;
      await page.locator('#connection-status', { hasText: 'conversation resumed' }).waitFor({ timeout: 20000 });
      expect(await note.count()).toBe(0);
      // The message is still in the box, and goes now.
      expect(await page.getByLabel('Your message').inputValue()).toBe('will it rain tomorrow?');
      await page.getByLabel('Your message').press('Enter');
      await page.locator('#messages .msg.bot .bubble', { hasText: 'sunny' }).waitFor();
    } finally {
      await page.unrouteAll();
    }
  });
});

describeBrowser('the message limit comes from the server (Chromium)', () => {
  const session = useBrowserSession({ server: { env: { MAX_MESSAGE_CHARS: '10' } } });
  const sent: string[] = [];

  test('MAX_MESSAGE_CHARS=10: the page counts graphemes up to the server’s 10 and sends nothing longer', async () => {
    const { page } = session;
    page.on('websocket', (ws: WebSocket) => ws.on('framesent', ({ payload }) => sent.push(String(payload))));
    await page.goto(`${session.server.url}/`);
    await page.locator('#messages .msg.bot .bubble', { hasText: GREETING }).waitFor();
    const input = page.getByLabel('Your message');
    // No UTF-16 maxlength: it would count a thumbs-up with a skin tone as four.
    expect(await input.getAttribute('maxlength')).toBeNull();

    const thumbs = '👍🏽'.repeat(10); // 10 characters to a person, 40 UTF-16 units
    await input.fill(thumbs);
    expect(await page.locator('#composer-count').textContent()).toBe('10 / 10 characters');
    await input.press('Enter');
    await page.waitForFunction((count) => document.querySelectorAll('#messages .msg.user').length === count, 1);
    expect(sent.at(-1)).toBe(JSON.stringify({ type: 'message', text: thumbs }));

    const framesBefore = sent.length;
    await input.fill('abcdefghijk');
    expect(await page.locator('#composer-count').textContent()).toBe('11 / 10 characters: 1 too many');
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    await input.press('Enter');
    await page.locator('#messages .notice', { hasText: 'That message is 11 characters long; the limit is 10.' }).waitFor();
    expect(sent.length).toBe(framesBefore);
    expect(await input.inputValue()).toBe('abcdefghijk'); // kept, to shorten
    await screenshot(page, 'web-transcript-2-limit');
  });
});
