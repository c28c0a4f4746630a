import type { PoolClient } from 'pg';
import { SchemaDamagedError } from '../schema';
import { SchemaTooNewError } from '../sqlite/migrations';

/**
 * PostgreSQL schema migrations, applied in one transaction under a transaction-scoped advisory lock:
 * instances starting together on one database wait for each other, the first applies what is
 * pending and the others find nothing left (the lock goes with the transaction, even when its
 * connection dies). Applied versions are rows of `schema_migrations`.
 *
 * Versions follow the SQLite schema they match (src/storage/sqlite/migrations.ts): 8 is the schema
 * SQLite reaches with its migrations 1-8, created at once (there is no older PostgreSQL data to
 * convert), 9 adds ownership as SQLite's 9 does. Append only, never edit a released migration.
 *
 * Same types and constraints as SQLite, so that both backends store and answer the same: timestamps
 * are ISO-8601 UTC text compared as text, JSON is kept as text byte for byte (jsonb would reorder
 * keys), and every text column sorts bytewise (COLLATE "C", SQLite's BINARY) so that paging and
 * every ORDER BY agree with SQLite whatever the database's locale.
 */
export interface PgMigration {
  version: number;
  name: string;
  up: string;
}

/** Every text column of the schema: bytewise order, as SQLite. */
const TEXT = 'TEXT COLLATE "C"';

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 8,
    name: 'schema of SQLite migrations 1-8',
    up: `
      CREATE TABLE bots (
        id               ${TEXT} PRIMARY KEY,
        name             ${TEXT} NOT NULL,
        current_version  INTEGER,
        created_at       ${TEXT} NOT NULL
      );
      INSERT INTO bots (id, name, current_version, created_at)
      VALUES ('default', 'Default bot', NULL, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));

      CREATE TABLE flow_versions (
        bot_id      ${TEXT} NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
        version     INTEGER NOT NULL CHECK (version > 0),
        name        ${TEXT} NOT NULL,
        source      ${TEXT} NOT NULL,
        created_at  ${TEXT} NOT NULL,
        PRIMARY KEY (bot_id, version)
      );

      CREATE TABLE conversations (
        id             ${TEXT} PRIMARY KEY,
        bot_id         ${TEXT} NOT NULL,
        flow_version   INTEGER NOT NULL,
        status         ${TEXT} NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'abandoned')),
        variables      ${TEXT} NOT NULL DEFAULT '{}',
        current_block  ${TEXT},
        snapshot       ${TEXT},
        created_at     ${TEXT} NOT NULL,
        updated_at     ${TEXT} NOT NULL,
        FOREIGN KEY (bot_id, flow_version) REFERENCES flow_versions (bot_id, version) ON DELETE CASCADE
      );
      CREATE INDEX conversations_newest ON conversations (created_at DESC, id DESC);
      CREATE INDEX conversations_bot_newest ON conversations (bot_id, created_at DESC, id DESC);
      CREATE INDEX conversations_status_newest ON conversations (status, created_at DESC, id DESC);
      CREATE INDEX conversations_bot_status_newest ON conversations (bot_id, status, created_at DESC, id DESC);
      CREATE INDEX conversations_status_updated ON conversations (status, updated_at);
      CREATE INDEX conversations_version_stats ON conversations (bot_id, flow_version, created_at, status, current_block);

      CREATE TABLE messages (
        conversation_id  ${TEXT} NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        seq              INTEGER NOT NULL CHECK (seq > 0),
        sender           ${TEXT} NOT NULL CHECK (sender IN ('user', 'bot')),
        text             ${TEXT} NOT NULL,
        block_id         ${TEXT} NOT NULL,
        at               ${TEXT} NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      );

      CREATE TABLE steps (
        conversation_id  ${TEXT} NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        seq              INTEGER NOT NULL CHECK (seq > 0),
        from_block       ${TEXT},
        to_block         ${TEXT} NOT NULL,
        event            ${TEXT} NOT NULL,
        intent           ${TEXT},
        provider         ${TEXT},
        fallback_reason  ${TEXT},
        latency_ms       INTEGER,
        at               ${TEXT} NOT NULL,
        confidence       DOUBLE PRECISION,
        error            ${TEXT},
        runner_up        ${TEXT},
        runner_up_score  DOUBLE PRECISION,
        case_index       INTEGER,
        choice           ${TEXT},
        http_method      ${TEXT},
        http_url         ${TEXT},
        http_status      INTEGER,
        http_error       ${TEXT},
        PRIMARY KEY (conversation_id, seq)
      );

      CREATE TABLE health_probe (
        id  INTEGER PRIMARY KEY CHECK (id = 1),
        at  ${TEXT} NOT NULL
      );

      -- Statistics, as SQLite's migration 8 keeps them: hourly counts by the database itself.
      CREATE TABLE stats_moves (
        bot_id        ${TEXT} NOT NULL,
        flow_version  INTEGER NOT NULL,
        hour          ${TEXT} NOT NULL,
        from_block    ${TEXT} NOT NULL,
        to_block      ${TEXT} NOT NULL,
        event         ${TEXT} NOT NULL,
        intent        ${TEXT} NOT NULL,
        count         INTEGER NOT NULL,
        fallbacks     INTEGER NOT NULL,
        PRIMARY KEY (bot_id, flow_version, hour, from_block, to_block, event, intent),
        FOREIGN KEY (bot_id, flow_version) REFERENCES flow_versions (bot_id, version) ON DELETE CASCADE
      );
      CREATE TABLE stats_latency (
        bot_id        ${TEXT} NOT NULL,
        flow_version  INTEGER NOT NULL,
        hour          ${TEXT} NOT NULL,
        block         ${TEXT} NOT NULL,
        latency_ms    INTEGER NOT NULL,
        count         INTEGER NOT NULL,
        PRIMARY KEY (bot_id, flow_version, hour, block, latency_ms),
        FOREIGN KEY (bot_id, flow_version) REFERENCES flow_versions (bot_id, version) ON DELETE CASCADE
      );
      CREATE TABLE stats_misunderstood (
        bot_id           ${TEXT} NOT NULL,
        flow_version     INTEGER NOT NULL,
        hour             ${TEXT} NOT NULL,
        block            ${TEXT} NOT NULL,
        text             ${TEXT} NOT NULL,
        conversation_id  ${TEXT} NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        count            INTEGER NOT NULL,
        last_at          ${TEXT} NOT NULL,
        PRIMARY KEY (bot_id, flow_version, hour, block, text, conversation_id)
      );
      CREATE INDEX stats_misunderstood_conversation ON stats_misunderstood (conversation_id);
      CREATE TABLE stats_misunderstood_totals (
        bot_id        ${TEXT} NOT NULL,
        flow_version  INTEGER NOT NULL,
        hour          ${TEXT} NOT NULL,
        block         ${TEXT} NOT NULL,
        text          ${TEXT} NOT NULL,
        count         INTEGER NOT NULL,
        last_at       ${TEXT} NOT NULL,
        PRIMARY KEY (bot_id, flow_version, hour, block, text),
        FOREIGN KEY (bot_id, flow_version) REFERENCES flow_versions (bot_id, version) ON DELETE CASCADE
      );

      -- Once per statement over the steps it inserted (a batch of turns is one statement): each count
      -- is upserted once per batch, in key order, so that two instances' batches take the rows' locks
      -- in the same order instead of deadlocking. The text of a no-match is the conversation's last
      -- user message (every message of the statement is visible here: after-triggers see all of it).
      CREATE FUNCTION steps_count_stats() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        INSERT INTO stats_moves AS m (bot_id, flow_version, hour, from_block, to_block, event, intent, count, fallbacks)
          SELECT c.bot_id, c.flow_version, substr(s.at, 1, 13), coalesce(s.from_block, ''), s.to_block, s.event,
                 coalesce(s.intent, ''), COUNT(*), COUNT(s.fallback_reason)
          FROM new_steps s JOIN conversations c ON c.id = s.conversation_id
          GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
          ON CONFLICT (bot_id, flow_version, hour, from_block, to_block, event, intent)
          DO UPDATE SET count = m.count + excluded.count, fallbacks = m.fallbacks + excluded.fallbacks;
        INSERT INTO stats_latency AS l (bot_id, flow_version, hour, block, latency_ms, count)
          SELECT c.bot_id, c.flow_version, substr(s.at, 1, 13), s.from_block, s.latency_ms, COUNT(*)
          FROM new_steps s JOIN conversations c ON c.id = s.conversation_id
          WHERE s.latency_ms IS NOT NULL AND s.from_block IS NOT NULL AND s.event LIKE 'intent.%'
          GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
          ON CONFLICT (bot_id, flow_version, hour, block, latency_ms) DO UPDATE SET count = l.count + excluded.count;
        WITH missed AS (
          SELECT c.bot_id, c.flow_version, substr(s.at, 1, 13) AS hour, s.from_block AS block, s.conversation_id, s.at,
                 (SELECT m.text FROM messages m WHERE m.conversation_id = s.conversation_id AND m.sender = 'user'
                  ORDER BY m.seq DESC LIMIT 1) AS text
          FROM new_steps s JOIN conversations c ON c.id = s.conversation_id
          WHERE s.from_block IS NOT NULL AND s.event IN ('intent.noMatch', 'intent.maxNoMatch')
        ), per_conversation AS (
          INSERT INTO stats_misunderstood AS p (bot_id, flow_version, hour, block, text, conversation_id, count, last_at)
            SELECT bot_id, flow_version, hour, block, text, conversation_id, COUNT(*), MAX(at) FROM missed
            WHERE text IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
            ON CONFLICT (bot_id, flow_version, hour, block, text, conversation_id)
            DO UPDATE SET count = p.count + excluded.count, last_at = greatest(p.last_at, excluded.last_at)
        )
        INSERT INTO stats_misunderstood_totals AS t (bot_id, flow_version, hour, block, text, count, last_at)
          SELECT bot_id, flow_version, hour, block, text, COUNT(*), MAX(at) FROM missed
          WHERE text IS NOT NULL GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
          ON CONFLICT (bot_id, flow_version, hour, block, text)
          DO UPDATE SET count = t.count + excluded.count, last_at = greatest(t.last_at, excluded.last_at);
        RETURN NULL;
      END
      $fn$;
      CREATE TRIGGER steps_count_stats AFTER INSERT ON steps REFERENCING NEW TABLE AS new_steps
        FOR EACH STATEMENT EXECUTE FUNCTION steps_count_stats();

      -- An erased conversation takes its steps and texts out of the counts (as SQLite's trigger does).
      -- Skipped when its whole version is being deleted (a bot deleted): the counts go with the version.
      CREATE FUNCTION conversations_uncount_stats() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM flow_versions WHERE bot_id = OLD.bot_id AND version = OLD.flow_version) THEN
          RETURN OLD;
        END IF;
        UPDATE stats_moves m SET count = m.count - d.n, fallbacks = m.fallbacks - d.f
          FROM (SELECT substr(at, 1, 13) AS hour, coalesce(from_block, '') AS from_block, to_block, event,
                       coalesce(intent, '') AS intent, COUNT(*) AS n, COUNT(fallback_reason) AS f
                FROM steps WHERE conversation_id = OLD.id GROUP BY 1, 2, 3, 4, 5) d
          WHERE m.bot_id = OLD.bot_id AND m.flow_version = OLD.flow_version AND m.hour = d.hour AND m.from_block = d.from_block
            AND m.to_block = d.to_block AND m.event = d.event AND m.intent = d.intent;
        UPDATE stats_latency l SET count = l.count - d.n
          FROM (SELECT substr(at, 1, 13) AS hour, from_block AS block, latency_ms, COUNT(*) AS n
                FROM steps WHERE conversation_id = OLD.id AND latency_ms IS NOT NULL AND from_block IS NOT NULL AND event LIKE 'intent.%'
                GROUP BY 1, 2, 3) d
          WHERE l.bot_id = OLD.bot_id AND l.flow_version = OLD.flow_version AND l.hour = d.hour AND l.block = d.block
            AND l.latency_ms = d.latency_ms;
        UPDATE stats_misunderstood_totals t SET count = t.count - p.count
          FROM stats_misunderstood p
          WHERE p.conversation_id = OLD.id AND t.bot_id = p.bot_id AND t.flow_version = p.flow_version AND t.hour = p.hour
            AND t.block = p.block AND t.text = p.text;
        DELETE FROM stats_moves WHERE bot_id = OLD.bot_id AND flow_version = OLD.flow_version AND count <= 0;
        DELETE FROM stats_latency WHERE bot_id = OLD.bot_id AND flow_version = OLD.flow_version AND count <= 0;
        DELETE FROM stats_misunderstood_totals WHERE bot_id = OLD.bot_id AND flow_version = OLD.flow_version AND count <= 0;
        RETURN OLD;
      END
      $fn$;
      CREATE TRIGGER conversations_uncount_stats BEFORE DELETE ON conversations
        FOR EACH ROW EXECUTE FUNCTION conversations_uncount_stats();
    `,
  },
  {
    version: 9,
    name: 'conversation ownership and sequence counters',
    up: `
      -- As SQLite's migration 9: the owner (INSTANCE_ID) and the epoch of its ownership, for fencing.
      ALTER TABLE conversations ADD COLUMN owner ${TEXT};
      ALTER TABLE conversations ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
      -- How many messages and steps are stored: a turn's write bumps them in the UPDATE that fences it
      -- (which also locks the row), and numbers its rows from there. No SELECT MAX(seq), no race.
      ALTER TABLE conversations ADD COLUMN message_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE conversations ADD COLUMN step_count INTEGER NOT NULL DEFAULT 0;
      UPDATE conversations c SET
        message_count = (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id),
        step_count = (SELECT COUNT(*) FROM steps s WHERE s.conversation_id = c.id);
    `,
  },
];

/** What an operator does about a damaged schema (SchemaDamagedError). */
export const PG_REMEDY = 'restore it from a backup, or point DATABASE_URL at a new, empty database (flowbot creates the schema there)';

/** Both keys of every advisory lock flowbot takes: 'flow' in ASCII, then what it guards. */
export const LOCK_CLASS = 0x666c6f77;
export const MIGRATION_LOCK = 0;

export function latestPgVersion(migrations: readonly PgMigration[] = PG_MIGRATIONS): number {
  return migrations.at(-1)?.version ?? 0;
}

/** Applies what is pending; returns the versions applied (empty when already current). */
export async function applyPgMigrations(client: PoolClient, migrations: readonly PgMigration[] = PG_MIGRATIONS): Promise<number[]> {
  const latest = latestPgVersion(migrations);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, MIGRATION_LOCK]);
    // The record of migrations dropped by hand, the tables left: migrating again would fail on the first CREATE TABLE.
    const { rows: orphaned } = await client.query<{ orphaned: boolean }>(
      "SELECT to_regclass('schema_migrations') IS NULL AND to_regclass('bots') IS NOT NULL AS orphaned",
    );
    if (orphaned[0]?.orphaned) {
      throw new SchemaDamagedError(['table schema_migrations (the record of applied migrations)'], undefined, PG_REMEDY);
    }
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version     INTEGER PRIMARY KEY,
      name        TEXT NOT NULL,
      applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
    const current = rows[0]?.version ?? 0;
    if (current > latest) throw new SchemaTooNewError(current, latest);
    const pending = migrations.filter((migration) => migration.version > current);
    for (const migration of pending) {
      await client.query(migration.up);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
    }
    await client.query('COMMIT');
    return pending.map((migration) => migration.version);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
