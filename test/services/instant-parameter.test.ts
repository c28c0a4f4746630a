import { instantParameter } from '../../src/services/instant-parameter';

const SHAPE =
  'is not an ISO-8601 date or date-time: write it like 2026-12-01 (midnight UTC) or 2026-12-01T13:00:00Z ' +
  '(Z or an offset like +02:00 may end it; without one it is UTC)';

const read = (value: string): string | undefined => instantParameter('since', value);

describe('instantParameter', () => {
  it('is undefined for a parameter that is not given', () => {
    expect(instantParameter('since', undefined)).toBeUndefined();
  });

  it('reads a date as its midnight UTC, and a date-time without a zone as UTC', () => {
    expect(read('2026-12-01')).toBe('2026-12-01T00:00:00.000Z');
    expect(read('2026-12-01T13:05')).toBe('2026-12-01T13:05:00.000Z');
    expect(read('2026-12-01T13:05:09')).toBe('2026-12-01T13:05:09.000Z');
    expect(read('2024-02-29')).toBe('2024-02-29T00:00:00.000Z');
  });

  it('takes Z or an offset, a space for the offset `+` (an unencoded + in a query string)', () => {
    expect(read('2026-12-01T13:00:00Z')).toBe('2026-12-01T13:00:00.000Z');
    expect(read('2026-12-01T13:00:00+02:00')).toBe('2026-12-01T11:00:00.000Z');
    expect(read('2026-12-01T13:00:00 02:00')).toBe('2026-12-01T11:00:00.000Z');
    expect(read('2026-12-01T01:30:00-02:30')).toBe('2026-12-01T04:00:00.000Z');
    expect(read('2026-12-01T00:30+01:00')).toBe('2026-11-30T23:30:00.000Z');
    expect(read('2026-12-01T13:00:00-00:00')).toBe('2026-12-01T13:00:00.000Z');
  });

  it('keeps a fraction of any length to the millisecond, cut rather than rounded', () => {
    expect(read('2026-12-01T13:00:00.5Z')).toBe('2026-12-01T13:00:00.500Z');
    expect(read('2026-12-01T13:00:00.123456+00:00')).toBe('2026-12-01T13:00:00.123Z');
    expect(read('2026-12-01T13:00:00.999999999Z')).toBe('2026-12-01T13:00:00.999Z');
  });

  it('takes what RFC 3339 allows besides: lower-case t and z, a space for the T', () => {
    expect(read('2026-12-01t13:00:00z')).toBe('2026-12-01T13:00:00.000Z');
    expect(read('2026-12-01 13:00:00Z')).toBe('2026-12-01T13:00:00.000Z');
    expect(read('2026-12-01 13:00')).toBe('2026-12-01T13:00:00.000Z');
    // Both spaces, as `2026-12-01+13:00:00+02:00` arrives: the first is the T, the last the offset's +.
    expect(read('2026-12-01 13:00:00 02:00')).toBe('2026-12-01T11:00:00.000Z');
  });

  it("takes 24:00 as ISO 8601's end of a day, the next midnight, and nothing later in that hour", () => {
    expect(read('2026-12-31T24:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(read('2026-12-01T24:00')).toBe('2026-12-02T00:00:00.000Z');
    expect(read('2026-12-01T24:00:00.000+01:00')).toBe('2026-12-01T23:00:00.000Z');
    for (const late of ['2026-12-01T24:00:01Z', '2026-12-01T24:01Z', '2026-12-01T24:00:00.0001Z', '2026-12-01T25:00:00Z']) {
      expect(() => read(late)).toThrow(`since=${JSON.stringify(late)} ${SHAPE}`);
    }
  });

  it('refuses days, times and offsets that do not exist, and other shapes, saying what an instant looks like', () => {
    for (const value of [
      '2026',
      'yesterday',
      '2026-02-30',
      '2025-02-29',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '2026-12-00',
      '2026-12-01T10',
      '2026-12-01T10:60',
      '2026-12-01T10:00:60Z',
      '2026-12-01T10:00:00+24:00',
      '2026-12-01T10:00:00+01:60',
      '2026-02-01T00:00:00+0100',
      '2026-12-01T13:00:00X',
      '2026-12-01T13:00:00.Z',
      '2026-12-01x13:00:00Z',
      '2026-12-01  13:00:00Z',
      ' 2026-12-01',
      '2026-12-01Z',
      '',
    ]) {
      expect(() => read(value)).toThrow(`since=${JSON.stringify(value)} ${SHAPE}`);
    }
  });

  it('names the parameter it reads, with a 400 invalid_parameter', () => {
    expect(() => instantParameter('until', 'soon')).toThrow(expect.objectContaining({ code: 'invalid_parameter', status: 400 }));
    expect(() => instantParameter('until', 'soon')).toThrow('until="soon" is not');
  });

  it('reads a year below 100 as that year, not as one of the 1900s', () => {
    expect(read('0050-03-01T00:00:00Z')).toBe('0050-03-01T00:00:00.000Z');
    expect(() => read('0100-02-29')).toThrow(SHAPE);
  });

  it('holds an instant past year 9999 to its last millisecond, so that it still sorts after stored ones', () => {
    expect(read('9999-12-31T24:00Z')).toBe('9999-12-31T23:59:59.999Z');
    expect(read('9999-12-31T23:00-02:00')).toBe('9999-12-31T23:59:59.999Z');
  });
});
