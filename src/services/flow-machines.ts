import type { AnyStateMachine } from 'xstate';
import { compileFlow, type CompiledFlow } from '../flow/compile';
import type { Flow } from '../flow/types';
import type { IntentDetector } from '../intent/detector';
import { createFlowMachine } from '../runtime/flow-machine';
import type { HttpCallSettings } from '../runtime/http-call';
import { type Clock, systemClock } from '../util/clock';
import { LruCache } from '../util/lru';

export interface FlowMachine {
  version: number;
  compiled: CompiledFlow;
  machine: AnyStateMachine;
}

/**
 * Compiled machines, one per flow version, shared by every conversation on that version: compiling
 * and setting up a machine happens once per version, never per connection. Versions are immutable,
 * so entries never go stale; the cache is bounded to keep a server with many uploads from growing.
 */
export class FlowMachineCache {
  private readonly entries: LruCache<number, FlowMachine>;

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
  peek(version: number): FlowMachine | undefined {
    return this.entries.get(version);
  }

  get(version: number, flow: Flow, compiled?: CompiledFlow): FlowMachine {
    return this.entries.getOrCreate(version, () => {
      const ready = compiled ?? compileFlow(flow);
      return {
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
}
