import type { AnyStateMachine } from 'xstate';
import { compileFlow, type CompiledFlow } from '../flow/compile';
import type { Flow } from '../flow/types';
import type { IntentDetector } from '../intent/detector';
import { createFlowMachine } from '../runtime/flow-machine';
import type { HttpCallSettings } from '../runtime/http-call';
import { type Clock, systemClock } from '../util/clock';
import { LruCache } from '../util/lru';

export interface FlowMachine {
  bot: string;
  version: number;
  compiled: CompiledFlow;
  machine: AnyStateMachine;
}

/** Versions are numbered per bot, so a machine is named by both. */
const keyOf = (bot: string, version: number): string => `${bot}\u0000${version}`;

/**
 * Compiled machines, one per bot and flow version, shared by every conversation on that version:
 * compiling and setting up a machine happens once per version, never per connection. Versions are
 * immutable, so entries never go stale while their bot exists (a deleted bot's are forgotten, since
 * a new bot of the same id numbers its versions from 1 again); the cache is bounded to keep a server
 * with many uploads from growing.
 */
export class FlowMachineCache {
  private readonly entries: LruCache<string, FlowMachine>;
  /** The cached versions of each bot, to forget them all when the bot is deleted. */
  private readonly versions = new Map<string, Set<number>>();

  constructor(
    private readonly detector: IntentDetector,
    maxEntries = 64,
    private readonly clock: Clock = systemClock,
    /** How http blocks call out (the server's guarded client, or a test's mocks). */
    private readonly http?: HttpCallSettings,
  ) {
    this.entries = new LruCache({ maxEntries });
  }

  /** The cached machine of a version, if any, without reading the flow. */
  peek(bot: string, version: number): FlowMachine | undefined {
    return this.entries.get(keyOf(bot, version));
  }

  get(bot: string, version: number, flow: Flow, compiled?: CompiledFlow): FlowMachine {
    return this.entries.getOrCreate(keyOf(bot, version), () => {
      const ready = compiled ?? compileFlow(flow);
      let versions = this.versions.get(bot);
      if (!versions) this.versions.set(bot, (versions = new Set()));
      versions.add(version);
      return {
        bot,
        version,
        compiled: ready,
        machine: createFlowMachine(ready, {
          detector: this.detector,
          clock: this.clock,
          ...(this.http ? { http: this.http } : {}),
        }),
      };
    });
  }

  /** Drops every machine of a bot (it was deleted). */
  forgetBot(bot: string): void {
    for (const version of this.versions.get(bot) ?? []) this.entries.delete(keyOf(bot, version));
    this.versions.delete(bot);
  }
}
