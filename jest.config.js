/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Long fault/crash tests and the browser test have their own scripts (test:long, test:e2e).
  // PostgreSQL suites (*.pg.test.ts) run in `npm run test:pg`: npm test needs no database server.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/long/', '<rootDir>/test/e2e/', '\\.pg\\.test\\.ts$'],
  // Fails a test whose HTTP answers or WebSocket frames the API descriptions do not allow.
  setupFilesAfterEnv: ['<rootDir>/test/support/jest-setup.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // Integration tests start real servers; keep CI predictable on 2 cores.
  maxWorkers: 2,
  testTimeout: 20000,
};
