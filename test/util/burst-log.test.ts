import { BurstLog } from '../../src/util/burst-log';
import { ManualClock } from '../support/manual-clock';

function setup(windowMs = 1000) {
  const clock = new ManualClock();
  const lines: Array<{ fields: Record<string, unknown>; message: string }> = [];
  const log = new BurstLog({
    logger: { warn: (fields, message) => lines.push({ fields: fields as Record<string, unknown>, message: message ?? '' }) },
    windowMs,
    clock,
    summary: ({ count, byKind, sinceMs }) => ({ fields: { count, byKind, sinceMs }, message: `${count} more` }),
  });
  return { clock, lines, log };
}

describe('BurstLog', () => {
  afterEach(() => jest.useRealTimers());

  it('logs the first occurrence at once and only counts the rest of the window', () => {
    const { lines, log } = setup();
    for (let i = 0; i < 1000; i++) log.report(i % 2 ? 'a' : 'b', { i }, `event ${i}`);
    expect(lines).toEqual([{ fields: { i: 0 }, message: 'event 0' }]);
    log.close();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toEqual({ fields: { count: 999, byKind: { a: 500, b: 499 }, sinceMs: 0 }, message: '999 more' });
  });

  it('writes the summary when the window closes, then counts the next window the same way', () => {
    jest.useFakeTimers();
    const { clock, lines, log } = setup(1000);
    log.report('a', {}, 'first');
    clock.advance(400);
    log.report('a', {}, 'second');
    log.report('a', {}, 'third');
    expect(lines).toHaveLength(1);
    clock.advance(600);
    jest.advanceTimersByTime(600);
    expect(lines.map((l) => l.message)).toEqual(['first', '2 more']);
    expect(lines[1]?.fields).toMatchObject({ count: 2, sinceMs: 1000 });
    // Right after a summary the problem is still "ongoing": counted, not logged at once.
    clock.advance(10);
    log.report('a', {}, 'fourth');
    expect(lines).toHaveLength(2);
    log.close();
    expect(lines.map((l) => l.message)).toEqual(['first', '2 more', '1 more']);
  });

  it('logs at once again after a quiet window, and writes nothing when nothing was counted', () => {
    jest.useFakeTimers();
    const { clock, lines, log } = setup(1000);
    log.report('a', {}, 'first');
    clock.advance(5000);
    jest.advanceTimersByTime(5000);
    expect(lines).toHaveLength(1);
    log.report('a', {}, 'again');
    expect(lines.map((l) => l.message)).toEqual(['first', 'again']);
    log.close();
    expect(lines).toHaveLength(2);
  });

  it('accounts for a window whose timer has not fired yet before logging the next burst', () => {
    const { clock, lines, log } = setup(1000);
    log.report('a', {}, 'first');
    log.report('a', {}, 'counted');
    clock.advance(2000); // the event loop was busy: no timer ran
    log.report('a', {}, 'next burst');
    expect(lines.map((l) => l.message)).toEqual(['first', '1 more', 'next burst']);
    log.close();
  });
});
