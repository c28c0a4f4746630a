/**
 * Every setting, read and checked in one place at start. A bad value stops the process with a message
 * that names the variable; nothing else in the code reads process.env. Defaults and ranges of the
 * numbers are in ./limits.ts.
 */
import os from 'node:os';
import { SECRET_NAME_PATTERN } from '../flow/template';
import { type AllowedHosts, parseAllowedHosts } from '../outbound/allowed-hosts';
import {
  OPTIONAL_WHOLE_NUMBER_SETTINGS,
  type OptionalWholeNumberSettingName,
  WHOLE_NUMBER_SETTINGS,
  type WholeNumberSettingName,
} from './limits';

export type IntentProviderSetting = 'auto' | 'openai' | 'local';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Settings {
  port: number;
  host: string;
  databasePath: string;
  /** DATABASE_URL: PostgreSQL instead of SQLite at databasePath when set. */
  database: {
    url: string | undefined;
    poolSize: number;
    statementTimeoutMs: number;
  };
  /** INSTANCE_ID: names this process among the instances sharing a database (owner of its conversations). */
  instanceId: string;
  intentProvider: IntentProviderSetting;
  openai: { apiKey: string | undefined; baseURL: string | undefined; model: string };
  intentTimeoutMs: number;
  apiToken: string | undefined;
  logLevel: LogLevel;
  limits: {
    /** Largest request body (a flow upload), bytes. */
    maxBodyBytes: number;
    /** Most blocks in one flow. */
    maxFlowBlocks: number;
    /** Most intents in one intent block (at most the schema's cap). */
    maxIntentsPerBlock: number;
    /** Longest message or end text in a flow (at most the schema's cap). */
    maxTextChars: number;
    /** Largest WebSocket frame, bytes; bigger ones close the connection with 1009. */
    wsMaxPayloadBytes: number;
    /** Longest user message, characters after trimming. */
    maxMessageChars: number;
    /** Sustained user messages per second per connection (token bucket refill rate). */
    messagesPerSecond: number;
    /** Messages a connection may send in a burst before the rate applies. */
    messageBurst: number;
    /** Open WebSocket connections in total; beyond it upgrades are refused with 503. */
    maxConnections: number;
    /** Bytes queued for a client that does not read before it is dropped. */
    maxBufferedBytes: number;
  };
  /** A conversation with no activity for this long is closed and marked abandoned. */
  idleTimeoutMs: number;
  /** Ended and abandoned conversations last active longer ago than this are erased; undefined: kept forever. */
  retentionDays: number | undefined;
  /** Origins allowed to call the REST API from a browser (CORS); empty: CORS off. */
  corsOrigins: string[];
  /** WebSocket ping interval; a peer that misses one is dropped. */
  heartbeatMs: number;
  /** What http blocks may call, and how much of the server they may use. */
  http: {
    /** HTTP_ALLOWED_HOSTS: hosts, host:port pairs and CIDR ranges let past the address guard. */
    allowedHosts: AllowedHosts;
    /** Largest `timeoutMs` of an http block. */
    maxTimeoutMs: number;
    /** Largest answer read, bytes; reading stops past it (`too_large`). */
    maxResponseBytes: number;
    /** Outbound calls in flight at once in this process; more wait their turn (within their timeout). */
    maxConcurrent: number;
  };
  /** `{{secret.NAME}}` values: every FLOWBOT_SECRET_NAME variable, by NAME. Never logged. */
  secrets: Readonly<Record<string, string>>;
}

/** Environment variables that hold the secrets of http blocks: `FLOWBOT_SECRET_ORDERS_TOKEN` is `{{secret.ORDERS_TOKEN}}`. */
export const SECRET_PREFIX = 'FLOWBOT_SECRET_';

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

  /** A whole-number setting, with its default and range from WHOLE_NUMBER_SETTINGS. */
  int(name: WholeNumberSettingName): number {
    const { default: fallback } = WHOLE_NUMBER_SETTINGS[name];
    return this.optionalInt(name, WHOLE_NUMBER_SETTINGS[name]) ?? fallback;
  }

  /** A whole-number setting that is off (undefined) unless set. */
  optionalInt(
    name: WholeNumberSettingName | OptionalWholeNumberSettingName,
    { min, max }: { min: number; max: number } = OPTIONAL_WHOLE_NUMBER_SETTINGS[name as OptionalWholeNumberSettingName],
  ): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const parsed = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      this.problems.push(`${name}=${JSON.stringify(value)}: must be a whole number from ${min} to ${max}`);
      return undefined;
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

  /** A comma-separated list of origins (`https://app.example.com`), or `*`. */
  origins(name: string): string[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    const origins = value
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
    for (const origin of origins) {
      if (origin === '*') continue;
      try {
        const url = new URL(origin);
        if (url.origin !== origin) throw new Error('not an origin');
      } catch {
        this.problems.push(`${name}: ${JSON.stringify(origin)} is not an origin like https://app.example.com (or *)`);
      }
    }
    return origins;
  }

  allowedHosts(name: string): AllowedHosts {
    const { hosts, problems } = parseAllowedHosts(this.raw(name) ?? '');
    for (const problem of problems) this.problems.push(`${name}: ${problem}`);
    return hosts;
  }

  /** Every set `PREFIXNAME` variable, by NAME; the values are kept exactly as set (not trimmed), and never shown. */
  secrets(prefix: string): Record<string, string> {
    const secrets: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.env)) {
      if (!name.startsWith(prefix) || value === undefined || value === '') continue;
      const key = name.slice(prefix.length);
      if (!SECRET_NAME_PATTERN.test(key)) {
        this.problems.push(`${name}: a secret's name is an upper-case letter, then up to 63 upper-case letters, digits or "_"`);
        continue;
      }
      secrets[key] = value;
    }
    return secrets;
  }

  /** A PostgreSQL connection URL (postgres:// or postgresql://); never echoed back, it may hold a password. */
  postgresUrl(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    let ok = false;
    let database = '';
    try {
      const url = new URL(value);
      ok = (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && (url.hostname !== '' || url.searchParams.has('host'));
      database = decodeURIComponent(url.pathname.slice(1));
    } catch {
      ok = false;
    }
    if (!ok) this.problems.push(`${name}: must be a PostgreSQL URL like postgres://user:password@host:5432/database`);
    // Without a name the driver connects to the user's own database (often the `postgres` system
    // database) and the migrations would create flowbot's tables there.
    else if (database === '') this.problems.push(`${name}: must name the database, like postgres://user:password@host:5432/flowbot`);
    return ok && database !== '' ? value : undefined;
  }

  /** A name of printable ASCII without spaces, at most 128 characters. */
  name(name: string, fallback: string): string {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^[\x21-\x7e]{1,128}$/.test(value)) {
      this.problems.push(`${name}=${JSON.stringify(value)}: must be 1 to 128 printable characters without spaces`);
      return fallback;
    }
    return value;
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

/** Reads the settings from an environment (process.env by default), frozen; throws SettingsError listing every bad value. */
export function loadSettings(env: Env = process.env): Settings {
  const r = new Reader(env);
  const settings: Settings = {
    port: r.int('PORT'),
    host: r.raw('HOST') ?? '127.0.0.1',
    databasePath: r.raw('DATABASE_PATH') ?? 'db/flowbot.sqlite',
    database: {
      url: r.postgresUrl('DATABASE_URL'),
      poolSize: r.int('DATABASE_POOL_SIZE'),
      statementTimeoutMs: r.int('DATABASE_STATEMENT_TIMEOUT_MS'),
    },
    instanceId: r.name('INSTANCE_ID', defaultInstanceId()),
    intentProvider: r.oneOf('INTENT_PROVIDER', 'auto', ['auto', 'openai', 'local'] as const),
    openai: {
      apiKey: r.raw('OPENAI_API_KEY'),
      baseURL: r.url('OPENAI_BASE_URL'),
      model: r.raw('OPENAI_MODEL') ?? DEFAULT_OPENAI_MODEL,
    },
    intentTimeoutMs: r.int('INTENT_TIMEOUT_MS'),
    apiToken: r.raw('API_TOKEN'),
    logLevel: r.oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    limits: {
      maxBodyBytes: r.int('MAX_BODY_BYTES'),
      maxFlowBlocks: r.int('MAX_FLOW_BLOCKS'),
      maxIntentsPerBlock: r.int('MAX_INTENTS_PER_BLOCK'),
      maxTextChars: r.int('MAX_TEXT_CHARS'),
      wsMaxPayloadBytes: r.int('WS_MAX_PAYLOAD_BYTES'),
      maxMessageChars: r.int('MAX_MESSAGE_CHARS'),
      messagesPerSecond: r.int('WS_MESSAGES_PER_SECOND'),
      messageBurst: r.int('WS_MESSAGE_BURST'),
      maxConnections: r.int('MAX_CONNECTIONS'),
      maxBufferedBytes: r.int('WS_MAX_BUFFERED_BYTES'),
    },
    idleTimeoutMs: r.int('IDLE_TIMEOUT_MS'),
    retentionDays: r.optionalInt('RETENTION_DAYS'),
    corsOrigins: r.origins('CORS_ORIGINS'),
    heartbeatMs: r.int('HEARTBEAT_MS'),
    http: {
      allowedHosts: r.allowedHosts('HTTP_ALLOWED_HOSTS'),
      maxTimeoutMs: r.int('HTTP_MAX_TIMEOUT_MS'),
      maxResponseBytes: r.int('HTTP_MAX_RESPONSE_BYTES'),
      maxConcurrent: r.int('HTTP_MAX_CONCURRENT'),
    },
    secrets: r.secrets(SECRET_PREFIX),
  };
  if (settings.intentProvider === 'openai' && !settings.openai.apiKey) {
    r.problems.push('OPENAI_API_KEY: required when INTENT_PROVIDER=openai');
  }
  if (r.problems.length) throw new SettingsError(r.problems);
  // Checked once, then frozen: no part of the code can change a setting behind another's back.
  Object.freeze(settings.openai);
  Object.freeze(settings.database);
  Object.freeze(settings.limits);
  Object.freeze(settings.corsOrigins);
  Object.freeze(settings.http);
  Object.freeze(settings.secrets);
  return Object.freeze(settings);
}

/** Host name and process id: unique among the processes of one machine, and readable in logs. */
export function defaultInstanceId(): string {
  const host = os.hostname().replace(/[^\x21-\x7e]/g, '') || 'host';
  return `${host.slice(0, 100)}-${process.pid}`;
}

/** Which intent provider the settings select: `auto` means OpenAI when a key is set. */
export function selectedProvider(settings: Settings): 'openai' | 'local' {
  if (settings.intentProvider === 'auto') return settings.openai.apiKey ? 'openai' : 'local';
  return settings.intentProvider;
}
