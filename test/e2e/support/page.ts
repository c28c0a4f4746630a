import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Flow } from '../../../src/flow/types';
import { screenshot } from './artifacts';

// What the probe adds to the page, for the callbacks below that run there (the project has no DOM lib).
declare const window: { __probe: { visible(selector: string): boolean } };

/** The probe (support/page-probe.js), loaded into every page of the context before the page's scripts. */
export const PAGE_PROBE = join(__dirname, 'page-probe.js');

export interface ProbeBubble {
  text: string;
  added: number;
  painted: number | null;
}

/** Stores a flow as the new current version. */
export async function uploadFlow(baseUrl: string, flow: Flow): Promise<number> {
  const res = await fetch(`${baseUrl}/api/flows`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(flow),
  });
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { version: number }).version;
}

/** Waits until a person would see the element (its centre is not covered or clipped), or fails saying what. */
export async function waitUntilVisible(page: Page, selector: string, what: string, timeout = 5000): Promise<void> {
  try {
    // A function, not a string: the page's CSP forbids eval, which polling a string expression needs.
    await page.waitForFunction((sel) => window.__probe.visible(sel), selector, { timeout });
  } catch {
    const seen = await page.evaluate(`window.__probe.describe(${JSON.stringify(selector)})`);
    await screenshot(page, `not-in-view-${what.replace(/\W+/g, '-')}`);
    throw new Error(`${what} (${selector}) is not in view: ${JSON.stringify(seen)}`);
  }
}

export const isInside = (page: Page, inner: string, outer: string): Promise<boolean> =>
  page.evaluate<boolean>(`window.__probe.inside(${JSON.stringify(inner)}, ${JSON.stringify(outer)})`);

export const renders = (page: Page): Promise<number[]> => page.evaluate<number[]>('window.__probe.renders');
export const probedBubbles = (page: Page): Promise<ProbeBubble[]> => page.evaluate<ProbeBubble[]>('window.__probe.bubbles');
export const replyTimes = (page: Page): Promise<Array<number | null>> => page.evaluate<Array<number | null>>('window.__probe.replyTimes()');
