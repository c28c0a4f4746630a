/**
 * Buttons in the web chat page, in a real headless Chromium against the real server: the default
 * flow's first question offers its choices as buttons that work from the keyboard and are labelled
 * for screen readers, typing still works beside them, a block that takes only a choice turns the
 * text box off, and a silence reprompt shows up by itself.
 */
import type { Page } from 'playwright-core';
import type { Flow } from '../../src/flow/types';
import { pizzaFlow } from '../support/flows';
import { startTestServer, type TestServer } from '../support/test-server';
import { FakeDetector } from '../support/fake-detector';
import { screenshot } from './support/artifacts';
import { type Browser, chromiumUnavailable, launchChromium, watchProblems } from './support/chromium';

declare const document: { activeElement: { textContent: string | null } | null };

const skipReason = chromiumUnavailable();
if (skipReason) console.warn(`SKIPPED test/e2e/web-choices.test.ts: ${skipReason}`);
const describeBrowser = skipReason ? describe.skip : describe;

const botBubble = (page: Page, text: string) => page.locator('#messages .msg.bot .bubble', { hasText: text });
const bubbles = (page: Page) => page.locator('#messages .msg .bubble').allTextContents();
const choiceButtons = (page: Page) => page.getByRole('group', { name: /Choose one/ }).getByRole('button');

async function upload(server: TestServer, flow: Flow): Promise<void> {
  const res = await fetch(`${server.url}/api/flows`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(flow),
  });
  expect(res.status).toBe(201);
}

describeBrowser('choices in the web chat page (Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    server = await startTestServer({ detector: new FakeDetector() });
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    problems = watchProblems(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close(true);
  });

  afterEach(() => {
    expect(problems).toEqual([]);
  });

  test('shows the choices as buttons; a button works from the keyboard and shows its label as the answer', async () => {
    await page.goto(`${server.url}/`);
    await botBubble(page, 'What would you like?').waitFor();
    // The buttons come with the `waiting` frame, after the message frames: wait for them, do not race them.
    await choiceButtons(page).nth(2).waitFor();
    expect(await choiceButtons(page).allTextContents()).toEqual(['Weather forecast', 'Travel offers', 'Restaurant tips']);
    // Typing still works where free text is an answer too.
    expect(await page.getByLabel('Your message').isEnabled()).toBe(true);
    await screenshot(page, 'web-choices-1-buttons');
    await choiceButtons(page).nth(1).focus();
    await page.keyboard.press('Enter');
    await botBubble(page, 'How many nights').waitFor();
    expect((await bubbles(page)).slice(-2)).toEqual(['Travel offers', 'How many nights would you like to stay? (1 to 14)']);
    // This block has no choices: the group goes away, and the answer is typed.
    await page.getByRole('group', { name: /Choose one/ }).waitFor({ state: 'hidden' });
    await page.getByLabel('Your message').fill('30');
    await page.getByLabel('Your message').press('Enter');
    await botBubble(page, 'from 1 to 14').waitFor();
    await page.getByLabel('Your message').fill('3');
    await page.getByLabel('Your message').press('Enter');
    await botBubble(page, 'Offer 1: 3 nights in Lisbon').waitFor();
    await choiceButtons(page).nth(2).waitFor();
    expect(await choiceButtons(page).count()).toBe(3);
    // Typed text that names a choice picks it too.
    await page.getByLabel('Your message').fill('restaurant tips');
    await page.getByLabel('Your message').press('Enter');
    await botBubble(page, 'Casa Nostra').waitFor();
  });

  test('a block that takes only a choice turns the text box off; a silence reprompt shows by itself', async () => {
    await upload(server, pizzaFlow({ afterSeconds: 1 }));
    await page.getByRole('button', { name: 'New conversation' }).click();
    await botBubble(page, 'Small or large?').waitFor();
    await choiceButtons(page).first().waitFor();
    expect(await page.getByLabel('Your message').isDisabled()).toBe(true);
    expect(await page.getByLabel('Your message').getAttribute('placeholder')).toBe('Pick one of the choices above');
    await botBubble(page, 'Are you still there?').waitFor({ timeout: 5000 });
    await choiceButtons(page).nth(1).waitFor();
    expect(await choiceButtons(page).allTextContents()).toEqual(['Small', 'Large']);
    await screenshot(page, 'web-choices-2-reprompt');
    await choiceButtons(page).last().click();
    await botBubble(page, 'Large, good choice.').waitFor();
    expect(await page.getByLabel('Your message').isEnabled()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.textContent ?? '')).toBe('');
  });
});
