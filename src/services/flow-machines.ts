import type { AnyStateMachine } from 'xstate';
import { compileFlow, type CompiledFlow } from '../flow/compile';
import type { Flow } from '../flow/types';
import type { IntentDetector } from '../intent/detector';
import { createFlowMachine } from '../runtime/flow-machine';

export interface FlowMachine {
  version: number;
  compiled: CompiledFlow;
  machine: AnyStateMachine;
}

/**
 * Compiled machines, one per flow version, shared by every conversation on that version: compiling
 * and setting up a machine happens once per version, never per connection. Versions are immutable,
 * so entries never go stale; the map is bounded to keep a server with many uploads from growing.
 */
export class FlowMachineCache {
  private readonly entries = new Map<number, FlowMachine>();

  constructor(
    private readonly detector: IntentDetector,
    private readonly maxEntries = 64,
  ) {}

  /** The cached machine of a version, if any, without reading the flow. */
  peek(version: number): FlowMachine | undefined {
    const cached = this.entries.get(version);
    if (cached) {
      // Refresh recency: Map iteration order is insertion order.
      this.entries.delete(version);
      this.entries.set(version, cached);
    }
    return cached;
  }

  get(version: number, flow: Flow, compiled?: CompiledFlow): FlowMachine {
    const cached = this.peek(version);
    if (cached) return cached;
    const ready = compiled ?? compileFlow(flow);
    const entry: FlowMachine = { version, compiled: ready, machine: createFlowMachine(ready, { detector: this.detector }) };
    this.entries.set(version, entry);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return entry;
  }
}
