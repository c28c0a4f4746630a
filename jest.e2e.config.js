/** The browser test in headless Chromium (npm run test:e2e). */
const base = require('./jest.config');
module.exports = { ...base, roots: ['<rootDir>/test/e2e'], testPathIgnorePatterns: ['/node_modules/'], testTimeout: 120000, maxWorkers: 1 };
