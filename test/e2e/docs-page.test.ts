/**
 * /docs in a real headless Chromium: Redoc, served by the server itself, renders the OpenAPI document
 * under the page's strict CSP, with no CSP violation, no page error and no request to another origin.
 */
import type { Page } from 'playwright-core';
import { FakeDetector } from '../support/fake-detector';
import { startTestServer, type TestServer } from '../support/test-server';
import { screenshot } from './support/artifacts';
import { type Browser, chromiumUnavailable, launchChromium, watchProblems } from './support/chromium';

const skipReason = chromiumUnavailable();
if (skipReason) console.warn(`SKIPPED test/e2e/docs-page.test.ts: ${skipReason}`);
const describeBrowser = skipReason ? describe.skip : describe;

describeBrowser('API reference page (Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  const elsewhere: string[] = [];

  beforeAll(async () => {
    // With a token: the reference still loads, as the descriptions are public.
    server = await startTestServer({ detector: new FakeDetector(), env: { API_TOKEN: 'docs-token' } });
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    problems = watchProblems(page);
    // Requests that reached another origin (one the CSP blocks never does: it fails as `csp`).
    page.on('requestfinished', (request) => {
      if (!request.url().startsWith(server.url) && !request.url().startsWith('data:')) elsewhere.push(request.url());
    });
    page.on('requestfailed', (request) => {
      const blocked = /^csp$|ERR_BLOCKED_BY_CSP/.test(request.failure()?.errorText ?? '');
      if (!blocked && !request.url().startsWith(server.url)) elsewhere.push(`${request.url()} (${request.failure()?.errorText})`);
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close(true);
  });

  it('renders every operation, the error codes and the flow schema, under the CSP', async () => {
    await page.goto(`${server.url}/docs`);
    await page.getByRole('heading', { name: 'Upload a flow as a new version' }).first().waitFor({ timeout: 30000 });
    for (const summary of [
      'List conversations, newest first',
      'Liveness and readiness',
      'The JSON Schema of a flow document, for editors',
    ]) {
      await page.getByRole('heading', { name: summary }).first().waitFor();
    }
    await page.getByText('invalid_flow', { exact: false }).first().waitFor({ state: 'attached' });
    await screenshot(page, 'docs-page');
    // Redoc's menu footer always shows Redocly's logo from their CDN; the CSP blocks it (the image
    // hides itself when it fails), which is the point of the CSP. Nothing else may be blocked.
    const REDOC_LOGO = /^console: Loading the image 'https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini\.svg' violates .*img-src 'self' data:/;
    expect(problems.filter((problem) => !REDOC_LOGO.test(problem))).toEqual([]);
    expect(elsewhere).toEqual([]);
  });
});
