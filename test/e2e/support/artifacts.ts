import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

const ROOT = join(__dirname, '..', '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');

/** A screenshot under test-artifacts/ (gitignored), for looking at what the test saw. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * Copies a screenshot over docs/web-chat.png (the README's picture) when UPDATE_DOCS_SCREENSHOT=1:
 * a normal run must not rewrite a committed binary with every new conversation id and timing.
 */
export function maybeUpdateDocsScreenshot(path: string): void {
  if (process.env.UPDATE_DOCS_SCREENSHOT !== '1') return;
  mkdirSync(join(ROOT, 'docs'), { recursive: true });
  copyFileSync(path, join(ROOT, 'docs', 'web-chat.png'));
}
