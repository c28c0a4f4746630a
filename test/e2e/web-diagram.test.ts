/**
 * The flow diagram in Chromium with flows of 19, 301 and 601 blocks: it follows the conversation, is
 * drawn once per flow version, never holds up the chat, and shows the neighbourhood of the current
 * block when the flow is too large to draw whole.
 */
import type { Page } from 'playwright-core';
import { chainFlow } from '../support/chain-flow';
import { localClassifier } from '../support/test-server';
import { screenshot } from './support/artifacts';
import { chromiumUnavailable } from './support/chromium';
import { isInside, probedBubbles, renders, replyTimes, uploadFlow, waitUntilVisible } from './support/page';
import { openFresh, say, useBrowserSession } from './support/session';

const skipReason = chromiumUnavailable();
if (skipReason) console.warn(`SKIPPED test/e2e/web-diagram.test.ts: ${skipReason}`);
const describeBrowser = skipReason ? describe.skip : describe;

const current = '#diagram svg g.node.current';
const stepText = (step: number, of: number): string => `Step ${step} of ${of}.`;

/** Says "next" and waits for the next stage's message. */
const next = (page: Page, step: number, of: number): Promise<void> => say(page, 'next', stepText(step, of));

describeBrowser('flow diagram (Chromium)', () => {
  const session = useBrowserSession({ server: { detector: localClassifier() }, viewport: { width: 1440, height: 900 }, probe: true });

  test('19 blocks at 1440x900: the current block is in view after every move; drawn once', async () => {
    await uploadFlow(session.server.url, chainFlow(6));
    await openFresh(session, '/flow');
    await session.page.locator('#diagram[data-current-block="w0"]').waitFor();
    await waitUntilVisible(session.page, current, 'the current block w0');
    for (let step = 2; step <= 6; step++) {
      await next(session.page, step, 6);
      await session.page.locator(`#diagram[data-current-block="w${step - 1}"]`).waitFor();
      await waitUntilVisible(session.page, current, `the current block w${step - 1}`);
    }
    await screenshot(session.page, 'web-diagram-1-follows');
    // Five moves, one drawing: the highlight moved on the SVG already drawn.
    expect(await renders(session.page)).toHaveLength(1);
    expect(await session.page.locator('#diagram svg').count()).toBe(1);
    expect(await session.page.locator(current).count()).toBe(1);
  });

  test('"Fit" fits the whole diagram into the panel, width and height; actual size scrolls to the current block', async () => {
    const fit = session.page.getByRole('button', { name: 'Fit' });
    if ((await fit.getAttribute('aria-pressed')) !== 'true') await fit.click();
    expect(await fit.getAttribute('aria-pressed')).toBe('true');
    expect(await isInside(session.page, '#diagram svg', '#diagram')).toBe(true);
    await waitUntilVisible(session.page, current, 'the current block when fitted');
    await screenshot(session.page, 'web-diagram-2-fit');

    await fit.click();
    expect(await fit.getAttribute('aria-pressed')).toBe('false');
    expect(await isInside(session.page, '#diagram svg', '#diagram')).toBe(false); // 19 blocks are taller than the panel
    await waitUntilVisible(session.page, current, 'the current block at actual size');
    // Back to the top of the flow: a new conversation starts at the first stage, and the view follows.
    await session.page.getByRole('button', { name: 'New conversation' }).click();
    await session.page.locator('#diagram[data-current-block="w0"]').waitFor();
    await waitUntilVisible(session.page, current, 'the current block w0 after starting over');
    expect(await renders(session.page)).toHaveLength(1);
  });

  test('301 blocks: no drawing starts before a bot reply is on the screen; replies as fast open as closed', async () => {
    await uploadFlow(session.server.url, chainFlow(100));
    const timings: Record<string, Array<number | null>> = {};
    for (const mode of ['closed', 'open'] as const) {
      await openFresh(session, mode === 'open' ? '/flow' : '/');
      await session.page.locator('#messages .msg.bot .bubble', { hasText: stepText(1, 100) }).waitFor();
      if (mode === 'open') await session.page.locator(`#diagram[data-current-block="w0"]`).waitFor();
      for (let step = 2; step <= 7; step++) {
        // A person reads the reply before answering it (and a drawing of the view may run meanwhile).
        await session.page.waitForTimeout(1000);
        await next(session.page, step, 100);
      }
      // Measured in the page: from the Enter key to the frame that shows the reply.
      timings[mode] = await replyTimes(session.page);
      if (mode === 'open') {
        await session.page.locator('#diagram[data-current-block="w6"]').waitFor();
        await waitUntilVisible(session.page, current, 'the current block w6');
      }
    }
    console.log(
      `bot reply after Enter, 301-block flow (ms): diagram closed ${timings.closed?.join(', ')}; open ${timings.open?.join(', ')}`,
    );
    const draws = await renders(session.page);
    const bubbles = await probedBubbles(session.page);
    expect(draws.length).toBeGreaterThan(0);
    expect(bubbles.length).toBeGreaterThanOrEqual(7);
    // A drawing holds the main thread for its whole length: one that started between a reply arriving
    // and its first paint would have kept the reply off the screen for that long.
    for (const bubble of bubbles) {
      expect(bubble.painted).not.toBeNull();
      const inTheWay = draws.filter((at) => at >= bubble.added && at <= (bubble.painted ?? Infinity));
      expect({ bubble: bubble.text, inTheWay }).toEqual({ bubble: bubble.text, inTheWay: [] });
    }
  });

  test('601 blocks: a plain explanation and the current block’s neighbourhood, which moves along', async () => {
    await uploadFlow(session.server.url, chainFlow(200));
    await openFresh(session, '/flow');
    await session.page.locator('#diagram[data-current-block="w0"]').waitFor();
    expect(await session.page.locator('#diagram').getAttribute('data-view')).toBe('around');
    expect(await session.page.locator('#diagram-note').textContent()).toMatch(/^This flow has 601 blocks, too many to draw at once/);
    expect(await session.page.locator('#diagram-status').textContent()).toBe('');
    expect(await session.page.locator('#diagram svg g.node').count()).toBeLessThan(20);
    await waitUntilVisible(session.page, current, 'the current block w0');
    for (let step = 2; step <= 4; step++) await next(session.page, step, 200);
    await session.page.locator('#diagram[data-current-block="w3"]').waitFor();
    await waitUntilVisible(session.page, current, 'the current block w3');
    expect(await session.page.locator('#diagram-note').textContent()).toContain('around');
    // Never Mermaid's own error box.
    expect(await session.page.getByText(/Maximum text size|Syntax error/).count()).toBe(0);
    expect(await session.page.locator('#diagram svg').count()).toBe(1);
    await screenshot(session.page, 'web-diagram-3-neighbourhood');
  });
});
