/**
 * Several real flowbot processes behind Debian's nginx running deploy/nginx.conf (npm run
 * test:cluster): needs /usr/sbin/nginx and, for the PostgreSQL files, the server at
 * FLOWBOT_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test). One file at a time:
 * each starts its own processes and they share two cores.
 */
const base = require('./jest.config');
module.exports = {
  ...base,
  roots: ['<rootDir>/test/cluster'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 180000,
  maxWorkers: 1,
};
