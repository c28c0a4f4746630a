/**
 * `npm run test:pg`: the suites that need PostgreSQL (files named *.pg.test.ts), against
 * FLOWBOT_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test). Each file creates a
 * database of its own. With no server answering they fail (globalSetup says why): they never skip.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['**/*.pg.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/test/support/postgres-global-setup.js',
  maxWorkers: 1,
  testTimeout: 60000,
};
