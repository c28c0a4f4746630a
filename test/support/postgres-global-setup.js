// Fails the whole `npm run test:pg` run, saying why, when the test PostgreSQL does not answer: a run
// without a database must never pass by skipping.
const { Client } = require('pg');

module.exports = async function checkTestDatabase() {
  const url = process.env.FLOWBOT_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new Error(`npm run test:pg needs PostgreSQL at ${url} (set FLOWBOT_TEST_DATABASE_URL or run .ci/postgres.sh): ${err.message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
};
