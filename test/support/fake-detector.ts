import type { IntentDetector, IntentRequest, IntentResult } from '../../src/intent/detector';

/**
 * A scripted detector for runtime tests: answers the first intent whose id appears in the text, or
 * `none`; can be told to fail or to hold its answer until released.
 */
export class FakeDetector implements IntentDetector {
  readonly name = 'local' as const;
  readonly calls: IntentRequest[] = [];
  failWith: Error | undefined;
  private held: Array<() => void> | undefined;

  async detect(request: IntentRequest): Promise<IntentResult> {
    this.calls.push(request);
    if (this.held) await new Promise<void>((resolve) => this.held?.push(resolve));
    if (request.signal?.aborted) throw new Error('aborted');
    if (this.failWith) throw this.failWith;
    const text = request.text.toLowerCase();
    const match = request.intents.find((i) => text.includes(i.id.toLowerCase()));
    return { intent: match ? match.id : 'none', provider: 'local', confidence: match ? 1 : 0 };
  }

  /** Makes detections wait until release() is called. */
  hold(): void {
    this.held = [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = undefined;
    for (const resolve of waiting) resolve();
  }
}
