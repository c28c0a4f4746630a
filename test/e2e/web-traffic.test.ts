/**
 * Traffic on the flow diagram in Chromium: on a database seeded with known conversations, the
 * "Traffic" toggle (off by default, read only when pressed) draws how often each arrow was taken,
 * how often each block was entered and how many conversations dropped off at each wait block, and
 * lists the texts each intent block did not understand; numbers checked one by one as drawn.
 */
import type { Page } from 'playwright-core';
import { seedKnownConversations } from '../support/stats-seed';
import { localClassifier } from '../support/test-server';
import { screenshot } from './support/artifacts';
import { chromiumUnavailable } from './support/chromium';
import { openFresh, say, useBrowserSession } from './support/session';

const skipReason = chromiumUnavailable();
if (skipReason) console.warn(`SKIPPED test/e2e/web-traffic.test.ts: ${skipReason}`);
const describeBrowser = skipReason ? describe.skip : describe;

// The callbacks given to page.evaluate run in the browser (the project has no DOM lib).
declare const document: { querySelectorAll(selector: string): Iterable<{ textContent: string | null }> };

/** The texts drawn for `selector` in the SVG, each with its whitespace collapsed. */
const drawnTexts = (page: Page, selector: string): Promise<string[]> =>
  page.evaluate(
    (sel) => [...document.querySelectorAll(sel)].map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()).filter((t) => t !== ''),
    selector,
  );

const nodeText = async (page: Page, blockId: string): Promise<string> =>
  ((await page.locator(`#diagram svg g.node[data-block-id="${blockId}"]`).textContent()) ?? '').replace(/\s+/g, ' ').trim();

interface Stats {
  conversations: { total: number };
  transitions: Array<{ from: string; to: string; count: number }>;
}

/** Waits until the server's statistics show what the page's own conversation added (its turns are written just after they are sent). */
async function statsReach(baseUrl: string, ok: (stats: Stats) => boolean): Promise<void> {
  for (let tries = 0; ; tries++) {
    const stats = (await (await fetch(`${baseUrl}/api/flows/1/stats`)).json()) as Stats;
    if (ok(stats)) return;
    if (tries > 200) throw new Error(`the statistics never reached the expected numbers: ${JSON.stringify(stats)}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const taken = (stats: Stats, from: string, to: string): number =>
  stats.transitions.filter((t) => t.from === from && t.to === to).reduce((n, t) => n + t.count, 0);

describeBrowser('traffic on the flow diagram (Chromium)', () => {
  const session = useBrowserSession({
    server: { detector: localClassifier(), seedDefaultFlow: false },
    viewport: { width: 1440, height: 900 },
  });
  beforeAll(async () => {
    // Versions 1 and 2 of the bundled flow; three known conversations on version 1, one on version 2.
    await seedKnownConversations(session.server.storage);
  });

  test('off by default: no statistics are read until the toggle is pressed; then the numbers of version 1 are drawn', async () => {
    const page = session.page;
    const statsRequests: string[] = [];
    page.on('request', (request) => {
      if (/\/stats(\?|$)/.test(request.url())) statsRequests.push(request.url());
    });
    // The preview of version 1 opens a fourth conversation on it.
    await openFresh(session, '/flow?version=1');
    await page.locator('#messages .msg.bot .bubble', { hasText: 'What would you like?' }).waitFor();
    await page.locator('#diagram[data-current-block="ask"]').waitFor();
    const traffic = page.getByRole('button', { name: 'Traffic' });
    expect(await traffic.getAttribute('aria-pressed')).toBe('false');
    expect(await page.locator('#diagram').getAttribute('data-traffic')).toBe('off');
    expect(await drawnTexts(page, '#diagram svg g.edgeLabel')).not.toContain('other text (5)');
    expect(statsRequests).toEqual([]);
    await statsReach(session.server.url, (s) => s.conversations.total === 4 && taken(s, 'welcome', 'ask') === 4);

    await traffic.click();
    await page.locator('#diagram[data-traffic="on"]').waitFor();
    expect(await traffic.getAttribute('aria-pressed')).toBe('true');
    expect(statsRequests).toHaveLength(1);
    expect(statsRequests[0]).toMatch(/\/api\/flows\/1\/stats$/);
    expect(await page.locator('#traffic-summary').textContent()).toMatch(
      /^Traffic of version 1: 4 conversations \(2 active, 1 completed, 1 abandoned\)\./,
    );
    // Arrows: the seeded steps plus the preview's welcome -> ask; parallel ways add up (no match 2 + error 1).
    const labels = await drawnTexts(page, '#diagram svg g.edgeLabel');
    expect(labels).toEqual(
      expect.arrayContaining([
        '(4 conversations)',
        'other text (5)',
        'weather (1)',
        'bye (1)',
        'no match / error (3)',
        'travel (0)',
        '3 no matches (0)',
        'choice "Weather forecast" (0)',
      ]),
    );
    expect(labels.filter((l) => l === '(4)')).toHaveLength(1); // welcome -> ask
    expect(labels.filter((l) => l === '(3)')).toHaveLength(1); // clarify -> ask
    expect(labels.filter((l) => l === '(1)')).toHaveLength(1); // weather -> ask
    // Blocks: times entered; wait blocks also how many dropped off there (c2 was abandoned at ask).
    expect(await nodeText(page, 'welcome')).toBe('welcome (message) · 4 in');
    expect(await nodeText(page, 'ask')).toBe('ask (wait) · 8 in · 1 dropped off');
    expect(await nodeText(page, 'route')).toBe('route (intent) · 5 in · 3 not understood');
    expect(await nodeText(page, 'nights')).toBe('nights (wait) · 0 in · 0 dropped off');
    // The highlight is still on the current block of the drawing with traffic.
    expect(await page.locator('#diagram svg g.node.current').getAttribute('data-block-id')).toBe('ask');
    // What route did not understand: "asdf" twice (c2, c3); qwerty failed detection and is not a misunderstanding.
    const route = page.locator('#misunderstood [data-block="route"]');
    expect(await route.locator('h4').textContent()).toBe('route: 2 no matches, 1 error');
    expect(await route.locator('li').allTextContents()).toEqual(['asdf 2 times, last 2026-01-03 10:01 UTC']);
    await screenshot(page, 'web-traffic-1-on');
  });

  test('off again draws the plain diagram; on again reads the numbers afresh, with what the chat added', async () => {
    const page = session.page;
    const traffic = page.getByRole('button', { name: 'Traffic' });
    await traffic.click();
    await page.locator('#diagram[data-traffic="off"]').waitFor();
    expect(await page.locator('#misunderstood').isHidden()).toBe(true);
    expect(await nodeText(page, 'ask')).toBe('ask (wait)');

    await say(page, 'will it rain tomorrow?', 'sunny');
    await statsReach(session.server.url, (s) => taken(s, 'ask', 'route') === 6 && taken(s, 'weather', 'ask') === 2);
    await traffic.click();
    await page.locator('#diagram[data-traffic="on"]').waitFor();
    const labels = await drawnTexts(page, '#diagram svg g.edgeLabel');
    expect(labels).toEqual(expect.arrayContaining(['other text (6)', 'weather (2)']));
    expect(await nodeText(page, 'ask')).toBe('ask (wait) · 9 in · 1 dropped off');
    expect(await page.locator('#diagram svg g.node.current').getAttribute('data-block-id')).toBe('ask');
  });
});
