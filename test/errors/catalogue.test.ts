import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, CLOSE_CODES, ERROR_CATALOGUE, errors } from '../../src/errors';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

describe('the error catalogue', () => {
  it('declares every code once', () => {
    const codes = ERROR_CATALOGUE.map((definition) => definition.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it('is documented: every code appears in the README', () => {
    const missing = ERROR_CATALOGUE.map((d) => d.code).filter((code) => !readme.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });

  it('documents every close code the catalogue uses next to its error', () => {
    const rows = readme.split('\n').filter((line) => line.startsWith('|'));
    for (const definition of ERROR_CATALOGUE) {
      if (definition.closeCode === undefined) continue;
      const row = rows.find((line) => line.includes(`\`${definition.code}\``) && line.includes(String(definition.closeCode)));
      expect({ code: definition.code, row }).toEqual({ code: definition.code, row: expect.any(String) });
    }
  });

  it('creates errors that carry status, close code and the public message', () => {
    const err = errors.storageUnavailable('storage unavailable during turn: SQLITE_FULL: database or disk is full', new Error('disk'));
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'storage_unavailable', status: 503, closeCode: CLOSE_CODES.unavailable });
    // The SQLite detail stays in the message for the logs; the client is told something it can act on.
    expect(err.message).toContain('SQLITE_FULL');
    expect(JSON.stringify(err.toBody())).not.toContain('SQLITE');
    expect(errors.storageUnavailable.is(err)).toBe(true);
    expect(errors.noFlow.is(err)).toBe(false);
    expect(errors.invalidFlow([{ path: '/start', code: 'unknown_block', message: 'x' }]).toBody()).toEqual({
      code: 'invalid_flow',
      message: 'the flow has 1 error(s)',
      errors: [{ path: '/start', code: 'unknown_block', message: 'x' }],
    });
  });
});
