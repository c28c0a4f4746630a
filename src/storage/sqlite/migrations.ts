import type Database from 'better-sqlite3';
import { SchemaDamagedError } from '../schema';

/**
 * Schema migrations. The schema version lives in `PRAGMA user_version` (a header field that is
 * part of the transaction, so a migration and its version bump commit or roll back together).
 *
 * Rules: append only, never edit a released migration, versions strictly increasing from 1. Numbers
 * may skip one that a branch developed alongside has taken (6 is another branch's while 7 is written):
 * the list is merged in order, and a database only ever records the highest version it applied.
 *
 * Timestamps are ISO-8601 UTC strings as produced by `Date.prototype.toISOString()`; ordering and
 * the idle scan compare them as text, which is only correct because the format is fixed-width.
 * Tables are STRICT so that a wrong type is an error, not a silently coerced value.
 */
export interface Migration {
  version: number;
  name: string;
  up: string;
  /**
   * The migration rebuilds tables that others reference (SQLite cannot change a primary key or add a
   * table constraint in place). Foreign keys are then off while it runs, as SQLite's procedure for
   * schema changes says (sqlite.org/lang_altertable.html#otheralter): otherwise dropping the old
   * `conversations` would cascade into its messages and steps. Every foreign key is checked before
   * the transaction commits, so a rebuild that broke one rolls back.
   */
  rebuildsTables?: true;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    up: `
      CREATE TABLE flow_versions (
        version     INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,
        source      TEXT NOT NULL, -- the uploaded body, byte for byte
        created_at  TEXT NOT NULL
      ) STRICT;

      -- At most one row (id = 1): the version new conversations start on.
      CREATE TABLE current_flow (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        version  INTEGER NOT NULL REFERENCES flow_versions (version)
      ) STRICT;

      CREATE TABLE conversations (
        id             TEXT PRIMARY KEY,
        flow_version   INTEGER NOT NULL REFERENCES flow_versions (version),
        status         TEXT NOT NULL DEFAULT 'active'
                         CHECK (status IN ('active', 'completed', 'abandoned')),
        variables      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(variables)),
        current_block  TEXT,
        snapshot       TEXT CHECK (snapshot IS NULL OR json_valid(snapshot)),
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL
      ) STRICT;
      -- Newest-first paging: matches ORDER BY created_at DESC, id DESC and the keyset condition.
      CREATE INDEX conversations_newest ON conversations (created_at DESC, id DESC);
      -- Idle scan only ever looks at active conversations; the partial index stays small.
      CREATE INDEX conversations_idle ON conversations (updated_at) WHERE status = 'active';
      -- Lets the foreign key from conversations be checked without a full scan.
      CREATE INDEX conversations_flow_version ON conversations (flow_version);

      -- "from" is a keyword, hence sender. A rowid table: message text can be long, which
      -- WITHOUT ROWID handles poorly; the primary key index serves reads in seq order.
      CREATE TABLE messages (
        conversation_id  TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        seq              INTEGER NOT NULL CHECK (seq > 0),
        sender           TEXT NOT NULL CHECK (sender IN ('user', 'bot')),
        text             TEXT NOT NULL,
        block_id         TEXT NOT NULL,
        at               TEXT NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      ) STRICT;

      -- Small rows always read per conversation in seq order: clustered on the key.
      CREATE TABLE steps (
        conversation_id  TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        seq              INTEGER NOT NULL CHECK (seq > 0),
        from_block       TEXT,
        to_block         TEXT NOT NULL,
        event            TEXT NOT NULL,
        intent           TEXT,
        provider         TEXT,
        fallback_reason  TEXT,
        latency_ms       INTEGER,
        at               TEXT NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'health probe',
    up: `
      -- One row that /health rewrites: a read-only or full database fails the probe, not just a real turn.
      CREATE TABLE health_probe (
        id  INTEGER PRIMARY KEY CHECK (id = 1),
        at  TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 3,
    name: 'step confidence and error',
    up: `
      -- What detection produced and was not kept: how sure the answering strategy was (0..1), and
      -- why an intent.error step failed. NULL for steps written before, and where there is none.
      -- No CHECK on the range: a strategy's odd score must never make a whole turn unstorable.
      ALTER TABLE steps ADD COLUMN confidence REAL;
      ALTER TABLE steps ADD COLUMN error TEXT;
    `,
  },
  {
    version: 4,
    name: 'detection runner-up',
    up: `
      -- The second-best intent of a detection and its score, where the provider ranks its answers.
      ALTER TABLE steps ADD COLUMN runner_up TEXT;
      ALTER TABLE steps ADD COLUMN runner_up_score REAL;
    `,
  },
  {
    version: 5,
    name: 'step case and choice',
    up: `
      -- Which case of a condition block held (0-based), and the value of the choice a user picked:
      -- what moved the flow at condition.case and choice steps. NULL for every other step.
      ALTER TABLE steps ADD COLUMN case_index INTEGER;
      ALTER TABLE steps ADD COLUMN choice TEXT;
    `,
  },
  {
    version: 6,
    name: 'bots',
    rebuildsTables: true,
    up: `
      -- A bot is a named series of flow versions with its own current version. Plain types and
      -- constraints only, so that other backends (PostgreSQL) take the same schema.
      -- current_version has no foreign key: it would make bots and flow_versions reference each
      -- other; the repository only ever sets it to a version of that bot, in the same statement.
      CREATE TABLE bots (
        id               TEXT PRIMARY KEY,
        name             TEXT NOT NULL,
        current_version  INTEGER,
        created_at       TEXT NOT NULL
      ) STRICT;

      -- Everything stored so far belongs to the bot that always exists.
      INSERT INTO bots (id, name, current_version, created_at)
      SELECT 'default', 'Default bot', (SELECT version FROM current_flow WHERE id = 1),
             COALESCE((SELECT MIN(created_at) FROM flow_versions), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

      -- Versions are numbered per bot.
      CREATE TABLE flow_versions_new (
        bot_id      TEXT NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
        version     INTEGER NOT NULL CHECK (version > 0),
        name        TEXT NOT NULL,
        source      TEXT NOT NULL, -- the uploaded body, byte for byte
        created_at  TEXT NOT NULL,
        PRIMARY KEY (bot_id, version)
      ) STRICT;
      INSERT INTO flow_versions_new (bot_id, version, name, source, created_at)
      SELECT 'default', version, name, source, created_at FROM flow_versions;

      CREATE TABLE conversations_new (
        id             TEXT PRIMARY KEY,
        bot_id         TEXT NOT NULL,
        flow_version   INTEGER NOT NULL,
        status         TEXT NOT NULL DEFAULT 'active'
                         CHECK (status IN ('active', 'completed', 'abandoned')),
        variables      TEXT NOT NULL DEFAULT '{}',
        current_block  TEXT,
        snapshot       TEXT,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        FOREIGN KEY (bot_id, flow_version) REFERENCES flow_versions (bot_id, version) ON DELETE CASCADE
      ) STRICT;
      INSERT INTO conversations_new
        (id, bot_id, flow_version, status, variables, current_block, snapshot, created_at, updated_at)
      SELECT id, 'default', flow_version, status, variables, current_block, snapshot, created_at, updated_at
      FROM conversations;

      DROP TABLE conversations;
      DROP TABLE current_flow;
      DROP TABLE flow_versions;
      ALTER TABLE flow_versions_new RENAME TO flow_versions;
      ALTER TABLE conversations_new RENAME TO conversations;

      -- Newest-first paging, whole history and each filter: each matches ORDER BY created_at DESC,
      -- id DESC and the keyset condition after its equality columns.
      CREATE INDEX conversations_newest ON conversations (created_at DESC, id DESC);
      CREATE INDEX conversations_bot_newest ON conversations (bot_id, created_at DESC, id DESC);
      CREATE INDEX conversations_status_newest ON conversations (status, created_at DESC, id DESC);
      CREATE INDEX conversations_bot_status_newest ON conversations (bot_id, status, created_at DESC, id DESC);
      -- The idle scan (active, not updated since) and retention (completed or abandoned, not updated
      -- since), oldest first; also "does this bot have an active conversation" through the next one.
      CREATE INDEX conversations_status_updated ON conversations (status, updated_at);
      -- Lets the foreign key to flow_versions be checked (and cascade) without a full scan.
      CREATE INDEX conversations_flow_version ON conversations (bot_id, flow_version);
    `,
  },
  {
    version: 7,
    name: 'http calls',
    up: `
      -- What an http block's call did (http.ok and http.error steps): the method, the URL with every
      -- secret masked, the answer's status code (when there was one) and how it failed. Its latency
      -- goes into latency_ms and the reason of a failure into error, as for detection.
      ALTER TABLE steps ADD COLUMN http_method TEXT;
      ALTER TABLE steps ADD COLUMN http_url TEXT;
      ALTER TABLE steps ADD COLUMN http_status INTEGER;
      ALTER TABLE steps ADD COLUMN http_error TEXT;
    `,
  },
  {
    version: 8,
    name: 'flow statistics',
    up: `
      -- Statistics of a bot's flow version (GET .../flows/{version}/stats) without reading every step
      -- of it: counts kept per hour of the step, by the database itself (triggers), so that no write
      -- path of the application has to know. Keys use '' for "none" (a primary key column cannot
      -- usefully hold NULL). Every table references its version: deleting a bot takes its statistics.
      CREATE TABLE stats_moves (
        bot_id        TEXT NOT NULL,
        flow_version  INTEGER NOT NULL,
        hour          TEXT NOT NULL, -- substr(at, 1, 13): 2026-01-01T10
        from_block    TEXT NOT NULL, -- '' for the step into the start block
        to_block      TEXT NOT NULL,
        event         TEXT NOT NULL,
        intent        TEXT NOT NULL, -- '' where no intent was detected
        count         INTEGER NOT NULL,
        fallbacks     INTEGER NOT NULL,
        PRIMARY KEY (bot_id, flow_version, hour, from_block, to_block, event, intent),
        FOREIGN KEY (bot_id, flow_version) REFERENCES flow_versions (bot_id, version) ON DELETE CASCADE
      ) STRICT, WITHOUT ROWID;
      -- Detection latency as a histogram of whole milliseconds: percentiles are exact (nearest rank).
      CREATE TABLE stats_latency (
        bot_id        TEXT NOT NULL,
        flow_version  INTEGER NOT NULL,
        hour          TEXT NOT NULL,
        block         TEXT NOT NULL,
        latency_ms    INTEGER NOT NULL,
        count         INTEGER NOT NULL,
        PRIMARY KEY (bot_id, flow_version, hour, block, latency_ms),
        FOREIGN KEY (bot_id, flow_version) REFERENCES flow_versions (bot_id, version) ON DELETE CASCADE
      ) STRICT, WITHOUT ROWID;

      -- The texts no intent fitted, counted per conversation so that erasing a conversation erases
      -- its texts from the statistics too (the foreign key cascades).
      CREATE TABLE stats_misunderstood (
        bot_id           TEXT NOT NULL,
        flow_version     INTEGER NOT NULL,
        hour             TEXT NOT NULL,
        block            TEXT NOT NULL,
        text             TEXT NOT NULL,
        conversation_id  TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        count            INTEGER NOT NULL,
        last_at          TEXT NOT NULL,
        PRIMARY KEY (bot_id, flow_version, hour, block, text, conversation_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX stats_misunderstood_conversation ON stats_misunderstood (conversation_id);
      -- The same texts summed over conversations, which is what an answer reads; kept in step with the
      -- per-conversation rows by triggers (an erased conversation's rows take their counts with them).
      CREATE TABLE stats_misunderstood_totals (
        bot_id        TEXT NOT NULL,
        flow_version  INTEGER NOT NULL,
        hour          TEXT NOT NULL,
        block         TEXT NOT NULL,
        text          TEXT NOT NULL,
        count         INTEGER NOT NULL,
        last_at       TEXT NOT NULL,
        PRIMARY KEY (bot_id, flow_version, hour, block, text),
        FOREIGN KEY (bot_id, flow_version) REFERENCES flow_versions (bot_id, version) ON DELETE CASCADE
      ) STRICT, WITHOUT ROWID;
      CREATE TRIGGER stats_misunderstood_added AFTER INSERT ON stats_misunderstood BEGIN
        INSERT INTO stats_misunderstood_totals (bot_id, flow_version, hour, block, text, count, last_at)
          VALUES (NEW.bot_id, NEW.flow_version, NEW.hour, NEW.block, NEW.text, NEW.count, NEW.last_at)
          ON CONFLICT (bot_id, flow_version, hour, block, text)
          DO UPDATE SET count = count + excluded.count, last_at = max(last_at, excluded.last_at);
      END;
      CREATE TRIGGER stats_misunderstood_counted AFTER UPDATE OF count ON stats_misunderstood BEGIN
        UPDATE stats_misunderstood_totals SET count = count + NEW.count - OLD.count, last_at = max(last_at, NEW.last_at)
          WHERE bot_id = NEW.bot_id AND flow_version = NEW.flow_version AND hour = NEW.hour AND block = NEW.block AND text = NEW.text;
      END;
      CREATE TRIGGER stats_misunderstood_erased AFTER DELETE ON stats_misunderstood BEGIN
        UPDATE stats_misunderstood_totals SET count = count - OLD.count
          WHERE bot_id = OLD.bot_id AND flow_version = OLD.flow_version AND hour = OLD.hour AND block = OLD.block AND text = OLD.text;
        DELETE FROM stats_misunderstood_totals
          WHERE bot_id = OLD.bot_id AND flow_version = OLD.flow_version AND hour = OLD.hour AND block = OLD.block AND text = OLD.text
            AND count <= 0;
      END;

      CREATE TRIGGER steps_count_stats AFTER INSERT ON steps BEGIN
        INSERT INTO stats_moves (bot_id, flow_version, hour, from_block, to_block, event, intent, count, fallbacks)
          SELECT c.bot_id, c.flow_version, substr(NEW.at, 1, 13), coalesce(NEW.from_block, ''), NEW.to_block, NEW.event,
                 coalesce(NEW.intent, ''), 1, NEW.fallback_reason IS NOT NULL
          FROM conversations c WHERE c.id = NEW.conversation_id
          ON CONFLICT (bot_id, flow_version, hour, from_block, to_block, event, intent)
          DO UPDATE SET count = count + 1, fallbacks = fallbacks + excluded.fallbacks;
        INSERT INTO stats_latency (bot_id, flow_version, hour, block, latency_ms, count)
          SELECT c.bot_id, c.flow_version, substr(NEW.at, 1, 13), NEW.from_block, NEW.latency_ms, 1
          FROM conversations c
          WHERE c.id = NEW.conversation_id AND NEW.latency_ms IS NOT NULL AND NEW.from_block IS NOT NULL AND NEW.event LIKE 'intent.%'
          ON CONFLICT (bot_id, flow_version, hour, block, latency_ms) DO UPDATE SET count = count + 1;
        -- The text of a no-match: the conversation's last user message (a turn's messages are written before its steps).
        INSERT INTO stats_misunderstood (bot_id, flow_version, hour, block, text, conversation_id, count, last_at)
          SELECT c.bot_id, c.flow_version, substr(NEW.at, 1, 13), NEW.from_block, m.text, NEW.conversation_id, 1, NEW.at
          FROM conversations c
          JOIN (SELECT text FROM messages WHERE conversation_id = NEW.conversation_id AND sender = 'user' ORDER BY seq DESC LIMIT 1) m
          WHERE c.id = NEW.conversation_id AND NEW.from_block IS NOT NULL AND NEW.event IN ('intent.noMatch', 'intent.maxNoMatch')
          ON CONFLICT (bot_id, flow_version, hour, block, text, conversation_id)
          DO UPDATE SET count = count + 1, last_at = max(last_at, excluded.last_at);
      END;

      -- An erased conversation (DELETE /api/conversations/{id}, retention) takes its steps out of the
      -- counts, so that transitions and blocks entered stay the sums over the conversations counted.
      -- BEFORE: its steps are still there to subtract. Deleting a bot removes whole versions instead
      -- (the foreign keys above), and the counts go with them.
      CREATE TRIGGER conversations_uncount_stats BEFORE DELETE ON conversations BEGIN
        UPDATE stats_moves SET
          count = count - (SELECT COUNT(*) FROM steps s
                           WHERE s.conversation_id = OLD.id AND substr(s.at, 1, 13) = stats_moves.hour
                             AND coalesce(s.from_block, '') = stats_moves.from_block AND s.to_block = stats_moves.to_block
                             AND s.event = stats_moves.event AND coalesce(s.intent, '') = stats_moves.intent),
          fallbacks = fallbacks - (SELECT COUNT(*) FROM steps s
                           WHERE s.conversation_id = OLD.id AND substr(s.at, 1, 13) = stats_moves.hour
                             AND coalesce(s.from_block, '') = stats_moves.from_block AND s.to_block = stats_moves.to_block
                             AND s.event = stats_moves.event AND coalesce(s.intent, '') = stats_moves.intent
                             AND s.fallback_reason IS NOT NULL)
          WHERE bot_id = OLD.bot_id AND flow_version = OLD.flow_version
            AND (hour, from_block, to_block, event, intent) IN
              (SELECT substr(at, 1, 13), coalesce(from_block, ''), to_block, event, coalesce(intent, '') FROM steps WHERE conversation_id = OLD.id);
        UPDATE stats_latency SET
          count = count - (SELECT COUNT(*) FROM steps s
                           WHERE s.conversation_id = OLD.id AND substr(s.at, 1, 13) = stats_latency.hour
                             AND s.from_block = stats_latency.block AND s.latency_ms = stats_latency.latency_ms AND s.event LIKE 'intent.%')
          WHERE bot_id = OLD.bot_id AND flow_version = OLD.flow_version
            AND (hour, block, latency_ms) IN
              (SELECT substr(at, 1, 13), from_block, latency_ms FROM steps
               WHERE conversation_id = OLD.id AND latency_ms IS NOT NULL AND from_block IS NOT NULL AND event LIKE 'intent.%');
        DELETE FROM stats_moves WHERE bot_id = OLD.bot_id AND flow_version = OLD.flow_version AND count <= 0;
        DELETE FROM stats_latency WHERE bot_id = OLD.bot_id AND flow_version = OLD.flow_version AND count <= 0;
      END;

      -- What was stored before: counted once, here.
      INSERT INTO stats_moves (bot_id, flow_version, hour, from_block, to_block, event, intent, count, fallbacks)
        SELECT c.bot_id, c.flow_version, substr(s.at, 1, 13), coalesce(s.from_block, ''), s.to_block, s.event, coalesce(s.intent, ''),
               COUNT(*), SUM(s.fallback_reason IS NOT NULL)
        FROM steps s JOIN conversations c ON c.id = s.conversation_id
        GROUP BY 1, 2, 3, 4, 5, 6, 7;
      INSERT INTO stats_latency (bot_id, flow_version, hour, block, latency_ms, count)
        SELECT c.bot_id, c.flow_version, substr(s.at, 1, 13), s.from_block, s.latency_ms, COUNT(*)
        FROM steps s JOIN conversations c ON c.id = s.conversation_id
        WHERE s.latency_ms IS NOT NULL AND s.from_block IS NOT NULL AND s.event LIKE 'intent.%'
        GROUP BY 1, 2, 3, 4, 5;

      INSERT INTO stats_misunderstood (bot_id, flow_version, hour, block, text, conversation_id, count, last_at)
        SELECT bot_id, flow_version, hour, block, text, conversation_id, COUNT(*), MAX(at) FROM (
          SELECT c.bot_id, c.flow_version, substr(s.at, 1, 13) AS hour, s.from_block AS block, s.conversation_id, s.at,
                 (SELECT m.text FROM messages m
                  WHERE m.conversation_id = s.conversation_id AND m.sender = 'user' AND m.at <= s.at
                  ORDER BY m.seq DESC LIMIT 1) AS text
          FROM steps s JOIN conversations c ON c.id = s.conversation_id
          WHERE s.from_block IS NOT NULL AND s.event IN ('intent.noMatch', 'intent.maxNoMatch')
        ) WHERE text IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5, 6;

      -- Conversation counts by status and drop-off by block: answered from this index alone. It starts
      -- with (bot_id, flow_version), so the foreign key to flow_versions uses it too: the narrower
      -- index migration 6 made for that is one more to write on every conversation for nothing.
      CREATE INDEX conversations_version_stats ON conversations (bot_id, flow_version, created_at, status, current_block);
      DROP INDEX conversations_flow_version;
    `,
  },
  {
    version: 9,
    name: 'conversation ownership',
    up: `
      -- The instance that runs a conversation (its INSTANCE_ID) and the epoch of that ownership: a claim
      -- bumps it in one statement, and a turn is stored only with the epoch its writer claimed (fencing).
      -- Conversations stored before have epoch 0 and no owner; the first claim makes them 1.
      ALTER TABLE conversations ADD COLUMN owner TEXT;
      ALTER TABLE conversations ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
    `,
  },
];

/** The database was written by a newer flowbot; running older code on it could corrupt data. */
export class SchemaTooNewError extends Error {
  readonly code = 'schema_too_new';
  constructor(
    readonly databaseVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `database schema version ${databaseVersion} is newer than this flowbot knows (${knownVersion}); ` +
        'upgrade flowbot or restore a matching backup',
    );
    this.name = 'SchemaTooNewError';
  }
}

function checkOrder(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const migration of migrations) {
    if (!Number.isSafeInteger(migration.version) || migration.version <= previous) {
      throw new Error(`migration "${migration.name}" has version ${migration.version}, expected a whole number above ${previous}`);
    }
    previous = migration.version;
  }
}

/** The version a database has once every migration of the list is applied. */
export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.at(-1)?.version ?? 0;
}

/** What an operator does about a damaged schema (SchemaDamagedError). */
export const SQLITE_REMEDY = 'restore the file from a backup, or move it away (flowbot then creates a new database at DATABASE_PATH)';

/** Tables the first migration creates and every later one keeps: there, flowbot's schema was created. */
const ORPHANED_TABLES = "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name IN ('flow_versions', 'conversations') LIMIT 1";

export function schemaVersion(db: Database.Database): number {
  const version = db.pragma('user_version', { simple: true });
  if (typeof version !== 'number') throw new Error('PRAGMA user_version returned no number');
  return version;
}

/**
 * Brings the schema up to date; returns the versions applied (empty when already current).
 * One IMMEDIATE transaction takes the write lock before reading the version, so two processes
 * starting at once cannot both apply the same migration; if any step fails nothing is applied.
 */
export function applyMigrations(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  checkOrder(migrations);
  const latest = latestVersion(migrations);
  const migrate = db.transaction((): number[] => {
    const current = schemaVersion(db);
    if (current > latest) throw new SchemaTooNewError(current, latest);
    // The version reset by hand, the tables left: migrating again would fail on the first CREATE TABLE.
    if (current === 0 && db.prepare(ORPHANED_TABLES).get() !== undefined) {
      throw new SchemaDamagedError(["its schema version (PRAGMA user_version is 0, flowbot's tables are there)"], undefined, SQLITE_REMEDY);
    }
    const pending = migrations.filter((migration) => migration.version > current);
    for (const migration of pending) {
      db.exec(migration.up);
      // PRAGMA takes no bound parameters; the value is an integer we checked above.
      db.pragma(`user_version = ${migration.version}`);
    }
    if (pending.some((migration) => migration.rebuildsTables)) {
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) throw new Error(`a migration broke ${broken.length} foreign key reference(s): ${JSON.stringify(broken[0])}`);
    }
    return pending.map((migration) => migration.version);
  });
  // Only when a rebuild is pending (read outside the transaction: the pragma is a no-op inside one);
  // if another process migrates first, the transaction finds nothing pending and changes nothing.
  const rebuildPending = migrations.slice(schemaVersion(db)).some((migration) => migration.rebuildsTables);
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) === 1;
  if (rebuildPending && foreignKeys) db.pragma('foreign_keys = OFF');
  try {
    return migrate.immediate();
  } finally {
    if (rebuildPending && foreignKeys) db.pragma('foreign_keys = ON');
  }
}
