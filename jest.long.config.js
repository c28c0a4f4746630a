/** Long tests: fuzzing, crash and fault injection (npm run test:long). */
const base = require('./jest.config');
module.exports = {
  ...base,
  roots: ['<rootDir>/test/long'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 300000,
  maxWorkers: 1,
};
