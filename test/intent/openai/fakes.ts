import type { IntentCandidate, IntentDetector, IntentRequest, IntentResult } from '../../../src/intent/detector';
import type { Logger } from '../../../src/util/logger';
import { ManualClock } from '../../support/manual-clock';

/** The options of the bundled travel-assistant flow's intent block. */
export const TRAVEL_INTENTS: readonly IntentCandidate[] = [
  { id: 'weather', description: 'Give me the weather', examples: ['will it rain tomorrow?', 'forecast for Paris'] },
  { id: 'travel', description: 'Give me travel offers', examples: ['cheap flights to Rome'] },
  { id: 'restaurants', description: 'Give me restaurant recommendations', examples: ["I'm hungry"] },
  { id: 'bye', description: 'End the conversation, say goodbye' },
];

export function intentRequest(text: string, overrides: Partial<IntentRequest> = {}): IntentRequest {
  return { text, intents: TRAVEL_INTENTS, cacheKey: 'travel-assistant@1:menu', ...overrides };
}

/** A deterministic stand-in for the local classifier. */
export class FakeFallback implements IntentDetector {
  readonly name = 'local';
  readonly calls: IntentRequest[] = [];

  constructor(private readonly behaviour: { intent?: string; fail?: boolean } = {}) {}

  async detect(request: IntentRequest): Promise<IntentResult> {
    this.calls.push(request);
    if (this.behaviour.fail === true) throw new Error('local classifier exploded');
    return { intent: this.behaviour.intent ?? 'weather', provider: 'local', confidence: 0.42 };
  }
}

export interface RecordingLogger extends Pick<Logger, 'warn' | 'error'> {
  warn: jest.Mock<void, [Record<string, unknown>, string]>;
  error: jest.Mock<void, [Record<string, unknown>, string]>;
}

export function recordingLogger(): RecordingLogger {
  return { warn: jest.fn(), error: jest.fn() };
}

/** A clock the test moves by hand. */
export { ManualClock as FakeClock };

/** Rejects when `promise` has not settled after `ms`: proves a deadline holds without timing it tightly. */
export function settlesWithin<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}
