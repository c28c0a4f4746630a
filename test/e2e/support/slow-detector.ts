import type { IntentDetector, IntentRequest, IntentResult } from '../../../src/intent/detector';

/**
 * The real local classifier, answering after a delay: long enough for the test to see the typing
 * indicator the page shows while the bot is busy, short enough to keep the test quick.
 */
export class SlowDetector implements IntentDetector {
  readonly name = 'local' as const;

  constructor(
    private readonly inner: IntentDetector,
    private readonly delayMs: number,
  ) {}

  async detect(request: IntentRequest): Promise<IntentResult> {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return this.inner.detect(request);
  }
}
