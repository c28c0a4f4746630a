import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientLimitsOf, flowLimitsOf, WHOLE_NUMBER_SETTINGS } from '../../src/config/limits';
import { loadSettings } from '../../src/config/settings';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The rows of the README's settings table, by variable: [default cell, meaning cell]. */
function settingsTable(): Map<string, [string, string]> {
  const section = readme.slice(readme.indexOf('## Settings'), readme.indexOf('## The flow format'));
  const rows = new Map<string, [string, string]>();
  for (const line of section.split('\n')) {
    const cells = /^\| `([A-Z_]+)` \| (.+?) \| (.+) \|$/.exec(line);
    if (cells) rows.set(cells[1] as string, [cells[2] as string, cells[3] as string]);
  }
  return rows;
}

describe('limits and defaults', () => {
  it('are the defaults loadSettings uses', () => {
    const settings = loadSettings({});
    expect(settings.port).toBe(WHOLE_NUMBER_SETTINGS.PORT.default);
    expect(settings.intentTimeoutMs).toBe(WHOLE_NUMBER_SETTINGS.INTENT_TIMEOUT_MS.default);
    expect(settings.limits.maxMessageChars).toBe(WHOLE_NUMBER_SETTINGS.MAX_MESSAGE_CHARS.default);
    expect(flowLimitsOf(settings)).toEqual({ maxBlocks: 5000, maxIntentsPerBlock: 50, maxTextChars: 4000, maxHttpTimeoutMs: 30000 });
    expect(clientLimitsOf(settings)).toEqual({ maxMessageChars: 2000 });
  });

  it('bound what loadSettings accepts, naming the range', () => {
    for (const [name, { min, max }] of Object.entries(WHOLE_NUMBER_SETTINGS)) {
      expect(() => loadSettings({ [name]: String(max + 1) })).toThrow(`${name}="${max + 1}": must be a whole number from ${min} to ${max}`);
      if (min > 0) expect(() => loadSettings({ [name]: String(min - 1) })).toThrow(name);
      expect(() => loadSettings({ [name]: String(min) })).not.toThrow();
    }
  });

  it('hands the flow limits of the environment to validation', () => {
    expect(flowLimitsOf(loadSettings({ MAX_FLOW_BLOCKS: '9', MAX_INTENTS_PER_BLOCK: '3', MAX_TEXT_CHARS: '80' }))).toEqual({
      maxBlocks: 9,
      maxIntentsPerBlock: 3,
      maxTextChars: 80,
      maxHttpTimeoutMs: 30000,
    });
  });

  it('are documented: the README table gives every default and range', () => {
    const rows = settingsTable();
    for (const [name, spec] of Object.entries(WHOLE_NUMBER_SETTINGS)) {
      const row = rows.get(name);
      expect({ name, documented: row !== undefined }).toEqual({ name, documented: true });
      const [defaultCell, meaning] = row as [string, string];
      expect({ name, default: defaultCell.startsWith(`\`${spec.default}\``) }).toEqual({ name, default: true });
      expect({ name, range: meaning.includes(`(${spec.min}-${spec.max}`) }).toEqual({ name, range: true });
    }
  });
});
