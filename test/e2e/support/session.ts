import type { Page } from 'playwright-core';
import { startTestServer, type TestServer, type TestServerOptions } from '../../support/test-server';
import { type Browser, launchChromium, watchProblems } from './chromium';
import { PAGE_PROBE } from './page';

// The callbacks given to page.evaluate run in the browser (the project has no DOM lib).
declare const sessionStorage: { clear(): void };

export interface BrowserSession {
  server: TestServer;
  browser: Browser;
  page: Page;
}

export interface BrowserSessionOptions {
  server?: TestServerOptions;
  viewport?: { width: number; height: number };
  /** Load support/page-probe.js into every page before its own scripts. */
  probe?: boolean;
}

/**
 * For a describe block: a real server and a Chromium page, started before its tests and closed after
 * them; each test fails if the page had an uncaught error or a CSP violation meanwhile. The fields of
 * the returned object are set once beforeAll has run.
 */
export function useBrowserSession(options: BrowserSessionOptions = {}): BrowserSession {
  const session = {} as BrowserSession;
  let problems: string[] = [];
  beforeAll(async () => {
    session.server = await startTestServer(options.server);
    session.browser = await launchChromium(options.viewport);
    if (options.probe) await session.browser.context.addInitScript({ path: PAGE_PROBE });
    session.page = session.browser.context.pages()[0] ?? (await session.browser.context.newPage());
    problems = watchProblems(session.page);
  });
  afterAll(async () => {
    await session.browser?.close();
    await session.server?.close(true);
  });
  afterEach(() => {
    expect(problems).toEqual([]);
  });
  return session;
}

/**
 * Opens `path` as a new tab would: no conversation. The tab's storage is cleared on a page without
 * scripts, so no late frame of the previous page writes it again.
 */
export async function openFresh(session: BrowserSession, path: string): Promise<void> {
  await session.page.goto(`${session.server.url}/health`);
  await session.page.evaluate(() => sessionStorage.clear());
  await session.page.goto(`${session.server.url}${path}`);
}

/** Types a message, sends it with Enter, and waits for the bot's answer that contains `answer`. */
export async function say(page: Page, text: string, answer: string): Promise<void> {
  await page.getByLabel('Your message').fill(text);
  await page.getByLabel('Your message').press('Enter');
  await page.locator('#messages .msg.bot .bubble', { hasText: answer }).last().waitFor();
}
