import { compileFlow } from '../../src/flow/compile';
import type { Flow } from '../../src/flow/types';
import type { IntentDetector } from '../../src/intent/detector';
import { Conversation } from '../../src/runtime/conversation';
import type { ConversationEvent, Turn } from '../../src/runtime/events';
import { createFlowMachine } from '../../src/runtime/flow-machine';
import type { HttpCallSettings } from '../../src/runtime/http-call';

/** Drives a Conversation in tests and collects its turns. */
export class Harness {
  readonly turns: Turn[] = [];
  readonly conversation: Conversation;
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  /** `http`: how the flow's http blocks call out (without it they fail with `network`). */
  constructor(flow: Flow, detector: IntentDetector, snapshot?: unknown, options: { parkAfterMs?: number; http?: HttpCallSettings } = {}) {
    const { http, ...conversationOptions } = options;
    const machine = createFlowMachine(compileFlow(flow), { detector, ...(http ? { http } : {}) });
    this.conversation = new Conversation({
      machine,
      ...conversationOptions,
      origin: snapshot !== undefined ? { kind: 'restore', snapshot } : { kind: 'start' },
      onTurn: (turn) => {
        this.turns.push(turn);
        this.waiters = this.waiters.filter((w) => (this.turns.length >= w.count ? (w.resolve(), false) : true));
      },
    });
  }

  /** Resolves once `count` turns in total have been delivered. */
  untilTurns(count: number): Promise<void> {
    if (this.turns.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Sends a message and waits for the turn it produces. */
  async say(text: string): Promise<Turn> {
    const before = this.turns.length;
    this.conversation.send(text);
    await this.untilTurns(before + 1);
    return this.turns[before] as Turn;
  }

  get last(): Turn {
    return this.turns[this.turns.length - 1] as Turn;
  }
}

export function botTexts(turn: Turn): string[] {
  return turn.events.filter((e): e is Extract<ConversationEvent, { type: 'bot_message' }> => e.type === 'bot_message').map((e) => e.text);
}

export function steps(turn: Turn): Array<[string | null, string, string]> {
  return turn.events
    .filter((e): e is Extract<ConversationEvent, { type: 'step' }> => e.type === 'step')
    .map((e) => [e.step.from, e.step.to, e.step.event]);
}
