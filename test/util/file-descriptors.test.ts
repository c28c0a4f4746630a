import { connectionBudget, openFileCount, openFileLimit } from '../../src/util/file-descriptors';

describe('file descriptor budget', () => {
  it('keeps a reserve of 5% of the limit, at least 16 and at most 256', () => {
    expect(connectionBudget(64, 30)).toBe(64 - 30 - 16);
    expect(connectionBudget(1024, 30)).toBe(1024 - 30 - 52);
    expect(connectionBudget(1_048_576, 30)).toBe(1_048_576 - 30 - 256);
    expect(connectionBudget(40, 39)).toBe(1);
  });

  it('is unknown when the limit or the count is', () => {
    expect(connectionBudget(undefined, 10)).toBeUndefined();
    expect(connectionBudget(100, undefined)).toBeUndefined();
    expect(connectionBudget(Infinity, 10)).toBeUndefined();
  });

  (process.platform === 'linux' ? it : it.skip)('reads the limit and the count from /proc on Linux', () => {
    const limit = openFileLimit();
    const open = openFileCount();
    expect(limit).toBeGreaterThan(0);
    expect(open).toBeGreaterThan(2);
    expect(open).toBeLessThanOrEqual(limit as number);
  });
});
