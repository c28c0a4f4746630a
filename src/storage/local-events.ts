import type { StorageEvent, StorageEvents } from './repositories';

/**
 * The signals of one process (SQLite: a database file has one server process). Delivered on a later
 * microtask, as a network round trip would be: a publisher never runs its listeners inside its own call.
 * Listeners are also the entry point a networked backend feeds what it hears (see deliver).
 */
export class LocalStorageEvents implements StorageEvents {
  private readonly listeners = new Set<(event: StorageEvent) => void>();
  private readonly resyncListeners = new Set<() => void>();

  publish(event: StorageEvent): Promise<void> {
    queueMicrotask(() => this.deliver(event));
    return Promise.resolve();
  }

  subscribe(listener: (event: StorageEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  /** Hands an event to every listener; one that throws does not keep it from the others. */
  deliver(event: StorageEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's bug must not stop the signal; listeners log their own failures.
      }
    }
  }

  /** Tells every listener that signals may have been missed. */
  resync(): void {
    for (const listener of [...this.resyncListeners]) {
      try {
        listener();
      } catch {
        // As in deliver.
      }
    }
  }
}

/** Parses an event off the wire (a NOTIFY payload); undefined for anything that is not one. */
export function parseStorageEvent(text: string): StorageEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const event = value as Record<string, unknown>;
  if (event.type === 'conversation_claimed') {
    const { conversationId, owner, epoch } = event;
    if (typeof conversationId === 'string' && typeof owner === 'string' && typeof epoch === 'number') {
      return { type: 'conversation_claimed', conversationId, owner, epoch };
    }
  } else if (event.type === 'conversation_erased') {
    if (typeof event.conversationId === 'string') return { type: 'conversation_erased', conversationId: event.conversationId };
  } else if (event.type === 'flow_changed') {
    const { bot, change, version } = event;
    if (typeof bot === 'string' && (change === 'uploaded' || change === 'activated' || change === 'deleted')) {
      return { type: 'flow_changed', bot, change, ...(typeof version === 'number' ? { version } : {}) };
    }
  }
  return undefined;
}
