import os from 'node:os';
import { loadSettings, selectedProvider, SettingsError } from '../../src/config/settings';

describe('loadSettings', () => {
  it('has the documented defaults', () => {
    expect(loadSettings({})).toEqual({
      port: 8080,
      host: '127.0.0.1',
      databasePath: 'db/flowbot.sqlite',
      database: { url: undefined, poolSize: 10, statementTimeoutMs: 10000 },
      instanceId: `${os.hostname()}-${process.pid}`,
      intentProvider: 'auto',
      openai: { apiKey: undefined, baseURL: undefined, model: 'gpt-4.1-mini' },
      intentTimeoutMs: 8000,
      apiToken: undefined,
      logLevel: 'info',
      limits: {
        maxBodyBytes: 1048576,
        maxFlowBlocks: 5000,
        maxIntentsPerBlock: 50,
        maxTextChars: 4000,
        wsMaxPayloadBytes: 65536,
        maxMessageChars: 2000,
        messagesPerSecond: 5,
        messageBurst: 10,
        maxConnections: 20000,
        maxBufferedBytes: 1048576,
      },
      idleTimeoutMs: 1800000,
      corsOrigins: [],
      heartbeatMs: 30000,
      http: { allowedHosts: expect.objectContaining({ entries: [] }), maxTimeoutMs: 30000, maxResponseBytes: 65536, maxConcurrent: 64 },
      secrets: {},
    });
  });

  it('reads the PostgreSQL settings and INSTANCE_ID, and names what is wrong without echoing the URL', () => {
    const settings = loadSettings({
      DATABASE_URL: 'postgres://flowbot:secret@db.internal:5432/flowbot',
      DATABASE_POOL_SIZE: '25',
      DATABASE_STATEMENT_TIMEOUT_MS: '2500',
      INSTANCE_ID: 'web-1',
    });
    expect(settings.database).toEqual({
      url: 'postgres://flowbot:secret@db.internal:5432/flowbot',
      poolSize: 25,
      statementTimeoutMs: 2500,
    });
    expect(settings.instanceId).toBe('web-1');
    expect(Object.isFrozen(settings.database)).toBe(true);
    expect(loadSettings({ DATABASE_URL: 'postgresql://localhost/x' }).database.url).toBe('postgresql://localhost/x');
    let error: unknown;
    try {
      loadSettings({
        DATABASE_URL: 'mysql://root:hunter2@x/db',
        DATABASE_POOL_SIZE: '0',
        DATABASE_STATEMENT_TIMEOUT_MS: '5',
        INSTANCE_ID: 'has space',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SettingsError);
    const problems = (error as SettingsError).problems;
    expect(problems).toEqual([
      'DATABASE_URL: must be a PostgreSQL URL like postgres://user:password@host:5432/database',
      'DATABASE_POOL_SIZE="0": must be a whole number from 2 to 1000',
      'DATABASE_STATEMENT_TIMEOUT_MS="5": must be a whole number from 100 to 600000',
      'INSTANCE_ID="has space": must be 1 to 128 printable characters without spaces',
    ]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it("refuses a PostgreSQL URL that names no database (it would install into the user's default one)", () => {
    for (const url of ['postgres://postgres:hunter2@127.0.0.1:5432/', 'postgresql://postgres@db']) {
      let error: unknown;
      try {
        loadSettings({ DATABASE_URL: url });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(SettingsError);
      expect((error as SettingsError).problems).toEqual([
        'DATABASE_URL: must name the database, like postgres://user:password@host:5432/flowbot',
      ]);
    }
    expect(loadSettings({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/flowbot%2Dprod' }).database.url).toBe(
      'postgres://postgres@127.0.0.1:5432/flowbot%2Dprod',
    );
  });

  it('freezes what it read', () => {
    const settings = loadSettings({});
    expect(Object.isFrozen(settings)).toBe(true);
    expect(Object.isFrozen(settings.limits)).toBe(true);
    expect(Object.isFrozen(settings.openai)).toBe(true);
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadSettings({ PORT: '80a', INTENT_PROVIDER: 'gpt', OPENAI_BASE_URL: 'ftp://x', LOG_LEVEL: 'loud', INTENT_TIMEOUT_MS: '5' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SettingsError);
    const problems = (error as SettingsError).problems.join('\n');
    for (const name of ['PORT', 'INTENT_PROVIDER', 'OPENAI_BASE_URL', 'LOG_LEVEL', 'INTENT_TIMEOUT_MS']) expect(problems).toContain(name);
  });

  it('reads CORS origins and rejects what is not an origin', () => {
    expect(loadSettings({ CORS_ORIGINS: 'https://a.example, http://localhost:3000' }).corsOrigins).toEqual([
      'https://a.example',
      'http://localhost:3000',
    ]);
    expect(() => loadSettings({ CORS_ORIGINS: 'https://a.example/path' })).toThrow('CORS_ORIGINS');
  });

  it('requires a key when INTENT_PROVIDER=openai', () => {
    expect(() => loadSettings({ INTENT_PROVIDER: 'openai' })).toThrow('OPENAI_API_KEY');
  });

  it('selects OpenAI in auto mode only when a key is set', () => {
    expect(selectedProvider(loadSettings({}))).toBe('local');
    expect(selectedProvider(loadSettings({ OPENAI_API_KEY: 'sk-test' }))).toBe('openai');
    expect(selectedProvider(loadSettings({ OPENAI_API_KEY: 'sk-test', INTENT_PROVIDER: 'local' }))).toBe('local');
  });
});
