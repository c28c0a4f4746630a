import { closestMatch, osaDistance } from '../../src/util/edit-distance';

describe('osaDistance', () => {
  it.each([
    ['ask', 'ask', 0],
    ['aks', 'ask', 1], // one swap of neighbours
    ['recieve', 'receive', 1],
    ['wether', 'weather', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
    ['abc', '', 3],
  ])('%s → %s is %i', (a, b, expected) => {
    expect(osaDistance(a, b, 10)).toBe(expected);
    expect(osaDistance(b, a, 10)).toBe(expected);
  });

  it('gives up with max + 1 once the distance must exceed max', () => {
    expect(osaDistance('kitten', 'sitting', 2)).toBe(3);
    expect(osaDistance('a', 'abcdef', 1)).toBe(2);
    expect(osaDistance('abcdef', 'uvwxyz', 0)).toBe(1);
  });
});

describe('closestMatch', () => {
  const ids = ['welcome', 'ask', 'route', 'clarify'];

  it('finds the nearest candidate within max edits, ignoring case', () => {
    expect(closestMatch('aks', ids, 1)).toBe('ask');
    expect(closestMatch('Clarify', ids, 1)).toBe('clarify');
    expect(closestMatch('welcom', ids, 2)).toBe('welcome');
  });

  it('answers undefined when nothing is close enough', () => {
    expect(closestMatch('somewhere-else', ids, 2)).toBeUndefined();
    expect(closestMatch('ask', ids, -1)).toBeUndefined();
    expect(closestMatch('ask', [], 2)).toBeUndefined();
  });

  it('prefers the closer candidate, then the earlier one', () => {
    expect(closestMatch('rute', ['rate', 'route'], 2)).toBe('rate');
    expect(closestMatch('abcd', ['abcx', 'abcy'], 1)).toBe('abcx');
    expect(closestMatch('routee', ['rate', 'route'], 2)).toBe('route');
  });
});
