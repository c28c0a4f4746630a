import { type Settings, selectedProvider } from '../config/settings';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import type { IntentDetector } from './detector';
import { LocalIntentClassifier } from './local';
import { OpenAiIntentDetector } from './openai';
import { ResilientIntentDetector, type ResilientIntentStatus } from './resilience';

export type IntentStatus = { provider: 'local' } | ResilientIntentStatus;

/** The configured strategy and a way to report on it (for /health). */
export interface ConfiguredDetector {
  detector: IntentDetector;
  status(): IntentStatus;
  /** Writes what is still buffered for the log (a summary of fallbacks); called on shutdown. */
  close?(): void;
}

/**
 * Chooses the intent detection strategy from the settings (README, "Intent detection"): OpenAI, guarded by a deadline,
 * a circuit breaker and a cache, with the local classifier as its fallback; or the local classifier alone.
 */
export function createIntentDetector(settings: Settings, logger: Pick<Logger, 'warn' | 'error'>, clock?: Clock): ConfiguredDetector {
  const local = new LocalIntentClassifier();
  const apiKey = settings.openai.apiKey;
  if (selectedProvider(settings) === 'local' || !apiKey) {
    return { detector: local, status: () => ({ provider: 'local' }) };
  }
  const primary = new OpenAiIntentDetector({
    apiKey,
    ...(settings.openai.baseURL ? { baseURL: settings.openai.baseURL } : {}),
    model: settings.openai.model,
    timeoutMs: settings.intentTimeoutMs,
    logger,
    ...(clock ? { clock } : {}),
  });
  const resilient = new ResilientIntentDetector({
    primary,
    fallback: local,
    timeoutMs: settings.intentTimeoutMs,
    logger,
    ...(clock ? { clock } : {}),
  });
  return {
    detector: resilient,
    status: () => resilient.status(),
    close: () => {
      resilient.close();
      primary.close();
    },
  };
}
