import { checkSync } from 'recheck';
import { RedosChecker } from '../../src/flow/regex/redos';

jest.mock('recheck', () => ({ checkSync: jest.fn() }));
const mockedCheck = checkSync as jest.MockedFunction<typeof checkSync>;

describe('RedosChecker budget', () => {
  it('gives recheck whole-millisecond timeouts (a fractional one is never answered and blocks the thread for good)', () => {
    let now = 0;
    jest.spyOn(performance, 'now').mockImplementation(() => now);
    mockedCheck.mockImplementation(() => {
      now += 1234.56;
      return { status: 'safe' } as ReturnType<typeof checkSync>;
    });
    const checker = new RedosChecker();
    const verdicts = [0, 1, 2, 3, 4, 5].map((i) => checker.check(`budget-${i}`));
    expect(mockedCheck.mock.calls.map((call) => call[2]?.timeout)).toEqual([2000, 2000, 2000, 1296, 61]);
    expect(verdicts.slice(0, 5).every((v) => v.safe)).toBe(true);
    expect(verdicts[5]).toEqual({ safe: false, reason: 'the patterns took more than 5000 ms to check; simplify them' });
  });

  it('stops at less than a millisecond left rather than pass recheck a timeout of 0', () => {
    let now = 0;
    jest.spyOn(performance, 'now').mockImplementation(() => now);
    mockedCheck.mockReset();
    mockedCheck.mockImplementation(() => {
      now += 2499.6;
      return { status: 'safe' } as ReturnType<typeof checkSync>;
    });
    const checker = new RedosChecker();
    [0, 1, 2].forEach((i) => checker.check(`tiny-${i}`));
    expect(mockedCheck.mock.calls.map((call) => call[2]?.timeout)).toEqual([2000, 2000]);
  });
});
