import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { IntentCandidate, IntentDetector, IntentRequest, IntentResult } from '../detector';
import { NO_INTENT } from '../../flow/types';
import { type Clock, systemClock } from '../../util/clock';
import { silentLogger, type Logger } from '../../util/logger';
import { startDeadline, type Deadline } from '../resilience/deadline';
import { IntentFailure } from '../resilience/intent-failure';
import { classifyOpenAiError, type ClassifiedError } from './classify-error';
import { DetectionClient } from './detection-client';
import { createKeepAliveFetch, type KeepAliveFetch } from './keep-alive-fetch';
import { parseIntentAnswer } from './parse-answer';
import { chatRequestFor, prepareChatRequest, userText, type PreparedChatRequest, type TokenLimitParam } from './prompt';

/**
 * Asks an OpenAI(-compatible) Chat Completions endpoint which option the user's message means.
 * Every way of not getting a usable answer ends in an IntentFailure with a machine-readable reason
 * (see classify-error.ts and parse-answer.ts); a caller abort rejects with an abort error.
 *
 * Retries are done here, not by the SDK (the SDK client always gets maxRetries 0). The SDK's wait
 * between retries is a plain timer that ignores the abort signal, and it sleeps for whatever
 * `retry-after` says, without a cap: a 429 with `retry-after: 60` would keep the request alive for a
 * minute after our deadline and, once the deadline fired, be reported as a `timeout`. Here the wait
 * is abortable, and a retry-after that does not fit in the remaining budget fails at once as
 * `rate_limited`, so the fallback answers without waiting for nothing.
 */

export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_RETRY_BASE_DELAY_MS = 500;

interface CommonOptions {
  model: string;
  /** Budget of one detection, retries and waits included. */
  timeoutMs: number;
  /** Attempts after the first one, when the error is retryable and the wait fits. Default 2. */
  maxRetries?: number;
  /** First backoff wait when the server sets no retry-after; doubles per retry. Default 500 ms. */
  retryBaseDelayMs?: number;
  tokenLimitParam?: TokenLimitParam;
  logger?: Pick<Logger, 'warn' | 'error'>;
  /** Its wall time reads a `retry-after` given as an HTTP date. Default: the system clock. */
  clock?: Clock;
}

export type OpenAiIntentDetectorOptions = CommonOptions &
  (
    | { apiKey: string; baseURL?: string; client?: never }
    /** An injected client; its own timeout/retry settings are overridden per request. */
    | { client: OpenAI; apiKey?: never; baseURL?: never }
  );

export class OpenAiIntentDetector implements IntentDetector {
  readonly name = 'openai';
  readonly model: string;

  private readonly client: OpenAI;
  /** The keep-alive sockets of a client built here (an injected client brings its own transport). */
  private readonly transport: KeepAliveFetch | undefined;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly retryBaseDelayMs: number;
  private readonly tokenLimitParam: TokenLimitParam;
  private readonly logger: Pick<Logger, 'warn' | 'error'>;
  private readonly clock: Clock;
  /**
   * Each block's request parts (system prompt, enum, schema), built at its first detection. Keyed by
   * the block's options array, which the compiled flow holds for as long as the block can be asked
   * (IntentRequest: same cacheKey, same intents): a new flow version brings new arrays, and the old
   * entries go with the old flow.
   */
  private readonly prepared = new WeakMap<readonly IntentCandidate[], PreparedChatRequest>();
  private configErrorLogged = false;
  private outsideOptionsLogged = false;

  constructor(options: OpenAiIntentDetectorOptions) {
    this.model = options.model;
    this.timeoutMs = options.timeoutMs;
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS;
    this.tokenLimitParam = options.tokenLimitParam ?? 'max_tokens';
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    if (!(this.timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${this.timeoutMs}`);
    if (!Number.isInteger(this.maxRetries) || this.maxRetries < 0) {
      throw new RangeError(`maxRetries must be an integer >= 0, got ${this.maxRetries}`);
    }
    if (options.client) {
      this.transport = undefined;
      this.client = options.client;
    } else {
      const transport = createKeepAliveFetch();
      this.transport = transport;
      this.client = new DetectionClient({
        apiKey: options.apiKey,
        ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
        // Backstop only: each request gets the remaining budget as its timeout.
        timeout: options.timeoutMs,
        maxRetries: 0,
        fetch: transport.fetch,
      });
    }
  }

  /** Closes the pooled sockets of a client built here (shutdown). */
  close(): void {
    this.transport?.close();
  }

  async detect(request: IntentRequest): Promise<IntentResult> {
    const callerSignal = request.signal;
    callerSignal?.throwIfAborted();
    // Nothing to classify: do not pay for a call whose answer is known.
    if (userText(request.text) === '') return { intent: NO_INTENT, provider: 'openai' };

    const prepared = this.preparedFor(request.intents);
    const body = chatRequestFor(prepared, request.text);
    // The caller's deadline when it is not longer than ours: one timer and one signal per detection.
    // Its signal is then `request.signal`, so a timeout is told apart by `expired`, not by that signal.
    const shared = request.deadline !== undefined && request.deadline.remainingMs() <= this.timeoutMs ? request.deadline : undefined;
    const deadline = shared ?? startDeadline(this.timeoutMs, callerSignal);
    try {
      const completion = await this.complete(body, deadline, shared ? undefined : callerSignal);
      return this.toResult(completion, prepared.allowed, request.cacheKey);
    } finally {
      if (!shared) deadline.dispose();
    }
  }

  private preparedFor(intents: readonly IntentCandidate[]): PreparedChatRequest {
    let prepared = this.prepared.get(intents);
    if (prepared === undefined) {
      prepared = prepareChatRequest(intents, { model: this.model, tokenLimitParam: this.tokenLimitParam });
      this.prepared.set(intents, prepared);
    }
    return prepared;
  }

  /** One completion, with retries while they fit in the deadline. */
  private async complete(
    body: ChatCompletionCreateParamsNonStreaming,
    deadline: Deadline,
    callerSignal: AbortSignal | undefined,
  ): Promise<ChatCompletion> {
    for (let attempt = 0; ; attempt += 1) {
      let failure: ClassifiedError;
      try {
        return await this.client.chat.completions.create(body, {
          signal: deadline.signal,
          timeout: Math.max(1, Math.ceil(deadline.remainingMs())),
          maxRetries: 0,
        });
      } catch (error) {
        callerSignal?.throwIfAborted();
        if (deadline.expired) throw new IntentFailure('timeout', `no answer within ${this.timeoutMs} ms`, { cause: error });
        failure = classifyOpenAiError(error, this.clock);
        if (failure.reason === 'config_error') this.reportConfigError(failure);
        const wait = this.retryWait(failure, attempt, deadline);
        if (wait === undefined) throw new IntentFailure(failure.reason, failure.message, { cause: error });
        try {
          await sleep(wait, undefined, { signal: deadline.signal });
        } catch {
          callerSignal?.throwIfAborted();
          throw new IntentFailure('timeout', `no answer within ${this.timeoutMs} ms`, { cause: error });
        }
      }
    }
  }

  /** How long to wait before the next attempt, or undefined to give up now. */
  private retryWait(failure: ClassifiedError, attempt: number, deadline: Deadline): number | undefined {
    if (!failure.retryable || attempt >= this.maxRetries) return undefined;
    // Same schedule as the SDK: exponential with up to 25 % jitter, unless the server says when.
    const backoff = this.retryBaseDelayMs * 2 ** attempt * (1 - Math.random() * 0.25);
    const wait = failure.retryAfterMs ?? backoff;
    // Waiting past the deadline only delays the fallback: fail now with the real reason instead.
    return wait < deadline.remainingMs() ? wait : undefined;
  }

  private toResult(completion: ChatCompletion, allowed: readonly string[], cacheKey: string): IntentResult {
    const answer = parseIntentAnswer(completion, allowed);
    if (!answer.ok) throw new IntentFailure(answer.reason, answer.detail);
    if (answer.outsideOptions && !this.outsideOptionsLogged) {
      this.outsideOptionsLogged = true;
      this.logger.warn(
        { provider: 'openai', model: this.model, cacheKey },
        'OpenAI intent detection: the model answered an id outside the options (read as none); does the server enforce strict json_schema? Logged once',
      );
    }
    return { intent: answer.intent, provider: 'openai' };
  }

  /** Loud, but once: every later detection fails the same way and would flood the log. */
  private reportConfigError(failure: ClassifiedError): void {
    if (this.configErrorLogged) return;
    this.configErrorLogged = true;
    this.logger.error(
      { provider: 'openai', model: this.model, status: failure.status, error: failure.message },
      `OpenAI intent detection is misconfigured (HTTP ${failure.status ?? '?'}): check the API key, model and base URL. ` +
        'The local classifier answers instead. Logged once',
    );
  }
}
