import { type AppError, errors } from '../errors';
import type { IntentBlockInfo } from '../flow/compile';
import { NO_INTENT } from '../flow/types';
import type { IntentDetector, IntentProviderName } from '../intent/detector';
import { DEFAULT_BOT } from '../storage/records';
import type { FlowsOf } from './chat-service';
import { userMessageText, userTextProblem } from '../util/user-text';

/** What trying one utterance answers (REST and `flowbot classify` alike). */
export interface DetectAnswer {
  intent: string;
  /** How likely the answer is right; null when the provider has no notion of confidence. */
  confidence: number | null;
  provider: IntentProviderName;
  /** Best first; a provider without scores lists its one choice with a null score. */
  ranking: Array<{ intent: string; score: number | null }>;
  /** Set when the configured provider failed and another one answered instead. */
  fallbackReason?: string;
}

/**
 * Asks the detector about one text in one intent block, exactly as a conversation at that block
 * would: same options, same cache key, and the answer checked against the block's ids.
 */
export async function detectInBlock(detector: IntentDetector, block: IntentBlockInfo, text: string): Promise<DetectAnswer> {
  const result = await detector.detect({ text, intents: block.intents, cacheKey: block.cacheKey });
  const intent = block.intentIds.has(result.intent) ? result.intent : NO_INTENT;
  const ranking: DetectAnswer['ranking'] = (result.ranking ?? [])
    .filter((r) => block.intentIds.has(r.intent))
    .map((r) => ({ intent: r.intent, score: r.score }));
  if (ranking.length === 0 && intent !== NO_INTENT) ranking.push({ intent, score: result.confidence ?? null });
  return {
    intent,
    confidence: result.confidence ?? null,
    provider: result.provider,
    ranking,
    ...(result.fallbackReason !== undefined ? { fallbackReason: result.fallbackReason } : {}),
  };
}

/**
 * Reads `{"text": "..."}` as a conversation would read that message (the same neutralising and the
 * same MAX_MESSAGE_CHARS limit in user-perceived characters); anything else is a 422 that says what is
 * wrong and where.
 */
export function readTrialText(body: unknown, maxChars: number): string {
  const problem = (path: string, code: string, message: string): AppError => errors.invalidBody(message, [{ path, code, message }]);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw problem('', 'invalid_type', 'the body must be a JSON object {"text": "..."}');
  }
  const unknown = Object.keys(body).filter((k) => k !== 'text');
  if (unknown.length > 0) throw problem(`/${unknown[0] ?? ''}`, 'unknown_property', `unknown property "${unknown[0] ?? ''}"`);
  const text = (body as { text?: unknown }).text;
  if (typeof text !== 'string') throw problem('/text', 'invalid_type', '"text" must be a string');
  const clean = userMessageText(text);
  const issue = userTextProblem(clean, maxChars);
  if (issue === 'empty') throw problem('/text', 'too_short', '"text" must not be empty');
  if (issue === 'too_long') throw problem('/text', 'too_long', `"text" may have at most ${maxChars} characters (MAX_MESSAGE_CHARS)`);
  return clean;
}

/** Tries an utterance against an intent block of a stored flow version, with the server's detector. */
export class DetectService {
  constructor(
    private readonly flowsOf: FlowsOf,
    private readonly detector: IntentDetector,
    private readonly maxMessageChars: number,
  ) {}

  /** `ref` is a version number or "current"; 404 for an unknown bot, version or intent block. */
  async detect(ref: string, blockId: string, body: unknown, bot: string = DEFAULT_BOT): Promise<DetectAnswer> {
    const machine = await (await this.flowsOf(bot)).machine(ref);
    const block = machine.compiled.intentBlocks.get(blockId);
    if (!block) throw errors.notFound(`intent block "${blockId}" in flow version ${machine.version}`);
    return detectInBlock(this.detector, block, readTrialText(body, this.maxMessageChars));
  }
}
