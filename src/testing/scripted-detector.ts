import type { IntentDetector, IntentRequest, IntentResult } from '../intent/detector';
import { NO_INTENT } from '../flow/types';

/** What a scripted detection answers: an intent id (or `none`), or a failure of the detection. */
export type ScriptedAnswer = { intent: string } | { error: string };

/** A detection the test did not script, or scripted with an id the block does not have. */
export class ScriptProblem {
  constructor(readonly message: string) {}
}

/**
 * The detector of `"intents": "scripted"` tests: each detection takes the next answer the test
 * scripted, so that flow logic is tested without a classifier. Problems (no answer scripted, an id
 * that is not one of the block's) are noted for the runner to report at the step that caused them.
 */
export class ScriptedDetector implements IntentDetector {
  readonly name = 'local' as const;
  private answers: ScriptedAnswer[] = [];
  problem: ScriptProblem | undefined;

  script(answers: ScriptedAnswer[]): void {
    this.answers = [...answers];
  }

  /** Answers scripted and not used. */
  get unused(): number {
    return this.answers.length;
  }

  detect(request: IntentRequest): Promise<IntentResult> {
    const answer = this.answers.shift();
    const ids = request.intents.map((i) => i.id);
    if (answer === undefined) {
      this.problem ??= new ScriptProblem(`the flow detected an intent (options: ${ids.join(', ')}) but no intent step scripts the answer`);
      return Promise.reject(new Error('no scripted answer'));
    }
    if ('error' in answer) return Promise.reject(new Error(answer.error));
    if (answer.intent !== NO_INTENT && !ids.includes(answer.intent)) {
      this.problem ??= new ScriptProblem(
        `scripted intent "${answer.intent}" is not an option here (options: ${ids.join(', ')}, ${NO_INTENT})`,
      );
      return Promise.reject(new Error('unknown scripted intent'));
    }
    return Promise.resolve({ intent: answer.intent, provider: 'local', confidence: 1, ranking: [{ intent: answer.intent, score: 1 }] });
  }
}
