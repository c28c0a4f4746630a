export { OpenAiIntentDetector, DEFAULT_MAX_RETRIES, DEFAULT_RETRY_BASE_DELAY_MS } from './openai-intent-detector';
export type { OpenAiIntentDetectorOptions } from './openai-intent-detector';
export type { TokenLimitParam } from './prompt';
