/**
 * Every setting, read and checked in one place at start. A bad value stops the process with a message
 * that names the variable; nothing else in the code reads process.env.
 */

export type IntentProviderSetting = 'auto' | 'openai' | 'local';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Settings {
  port: number;
  host: string;
  databasePath: string;
  intentProvider: IntentProviderSetting;
  openai: { apiKey: string | undefined; baseURL: string | undefined; model: string };
  intentTimeoutMs: number;
  apiToken: string | undefined;
  logLevel: LogLevel;
  limits: {
    /** Largest request body (a flow upload), bytes. */
    maxBodyBytes: number;
    /** Largest WebSocket frame, bytes; bigger ones close the connection with 1009. */
    wsMaxPayloadBytes: number;
  };
  /** WebSocket ping interval; a peer that misses one is dropped. */
  heartbeatMs: number;
}

export const DEFAULT_OPENAI_MODEL = 'gpt-4.1-mini';

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid settings:\n  ${problems.join('\n  ')}`);
    this.name = 'SettingsError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  /** The trimmed value, or undefined when unset or empty. */
  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      this.problems.push(`${name}=${JSON.stringify(value)}: must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return parsed;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name}=${JSON.stringify(value)}: must be one of ${allowed.join(', ')}`);
      return fallback;
    }
    return value as T;
  }

  url(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      const url = new URL(value);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
      return value;
    } catch {
      this.problems.push(`${name}=${JSON.stringify(value)}: must be an http(s) URL`);
      return undefined;
    }
  }
}

/** Reads the settings from an environment (process.env by default); throws SettingsError listing every bad value. */
export function loadSettings(env: Env = process.env): Settings {
  const r = new Reader(env);
  const settings: Settings = {
    port: r.int('PORT', 8080, 0, 65535),
    host: r.raw('HOST') ?? '127.0.0.1',
    databasePath: r.raw('DATABASE_PATH') ?? 'db/flowbot.sqlite',
    intentProvider: r.oneOf('INTENT_PROVIDER', 'auto', ['auto', 'openai', 'local'] as const),
    openai: {
      apiKey: r.raw('OPENAI_API_KEY'),
      baseURL: r.url('OPENAI_BASE_URL'),
      model: r.raw('OPENAI_MODEL') ?? DEFAULT_OPENAI_MODEL,
    },
    intentTimeoutMs: r.int('INTENT_TIMEOUT_MS', 8000, 100, 120000),
    apiToken: r.raw('API_TOKEN'),
    logLevel: r.oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    limits: {
      maxBodyBytes: r.int('MAX_BODY_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
      wsMaxPayloadBytes: r.int('WS_MAX_PAYLOAD_BYTES', 64 * 1024, 1024, 16 * 1024 * 1024),
    },
    heartbeatMs: r.int('HEARTBEAT_MS', 30000, 1000, 3600000),
  };
  if (settings.intentProvider === 'openai' && !settings.openai.apiKey) {
    r.problems.push('OPENAI_API_KEY: required when INTENT_PROVIDER=openai');
  }
  if (r.problems.length) throw new SettingsError(r.problems);
  return settings;
}

/** Which intent provider the settings select: `auto` means OpenAI when a key is set. */
export function selectedProvider(settings: Settings): 'openai' | 'local' {
  if (settings.intentProvider === 'auto') return settings.openai.apiKey ? 'openai' : 'local';
  return settings.intentProvider;
}
