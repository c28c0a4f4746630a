import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLOW_SCHEMA_CAPS } from '../../src/flow/schema-caps';
import { validateFlow } from '../../src/flow/validate';
import { defaultFlow } from '../support/flows';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The README's "Limits of the format" table, by first cell. */
function limitsTable(): Map<string, string> {
  const start = readme.indexOf('Limits of the format');
  const rows = new Map<string, string>();
  for (const line of readme.slice(start, readme.indexOf('\nRules', start)).split('\n')) {
    const cells = /^\| (.+?) \| (.+) \|$/.exec(line);
    if (cells) rows.set(cells[1] as string, cells[2] as string);
  }
  return rows;
}

describe('the schema caps', () => {
  it('are read from the schema', () => {
    expect(FLOW_SCHEMA_CAPS).toEqual({
      nameChars: 200,
      descriptionChars: 2000,
      idChars: 64,
      variableNameChars: 64,
      textChars: 4000,
      intentsPerBlock: 50,
      intentDescriptionChars: 500,
      examplesPerIntent: 100,
      exampleChars: 500,
      maxNoMatch: 100,
      httpTimeoutMs: 120000,
    });
  });

  it('are what validation enforces: one more is an error', () => {
    const over = defaultFlow() as unknown as Record<string, unknown> & { blocks: Array<Record<string, unknown>> };
    const route = over.blocks[2] as { intents: Array<Record<string, unknown>>; maxNoMatch: number };
    over.name = 'n'.repeat(FLOW_SCHEMA_CAPS.nameChars + 1);
    over.description = 'd'.repeat(FLOW_SCHEMA_CAPS.descriptionChars + 1);
    (over.blocks[0] as { text: string }).text = 't'.repeat(FLOW_SCHEMA_CAPS.textChars + 1);
    (over.blocks[1] as { saveAs: string }).saveAs = 'v'.repeat(FLOW_SCHEMA_CAPS.variableNameChars + 1);
    over.blocks[3]!.id = 'i'.repeat(FLOW_SCHEMA_CAPS.idChars + 1);
    route.intents[0]!.description = 'x'.repeat(FLOW_SCHEMA_CAPS.intentDescriptionChars + 1);
    route.intents[1]!.examples = Array.from({ length: FLOW_SCHEMA_CAPS.examplesPerIntent + 1 }, (_, i) => `e${i}`);
    route.intents[2]!.examples = ['x'.repeat(FLOW_SCHEMA_CAPS.exampleChars + 1)];
    route.maxNoMatch = FLOW_SCHEMA_CAPS.maxNoMatch + 1;
    const paths = validateFlow(over).errors.map((e) => `${e.path} ${e.code}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/name too_long',
        '/description too_long',
        '/blocks/0/text too_long',
        '/blocks/1/saveAs invalid_format',
        '/blocks/3/id invalid_format',
        '/blocks/2/intents/0/description too_long',
        '/blocks/2/intents/1/examples too_many_items',
        '/blocks/2/intents/2/examples/0 too_long',
        '/blocks/2/maxNoMatch out_of_range',
      ]),
    );
  });

  it('are documented in the README table', () => {
    const rows = limitsTable();
    const c = FLOW_SCHEMA_CAPS;
    expect(rows.get('flow `name`')).toBe(`1-${c.nameChars} characters`);
    expect(rows.get('flow `description`')).toBe(`up to ${c.descriptionChars} characters`);
    expect(rows.get('block and intent ids')).toBe(`1-${c.idChars} characters`);
    expect(rows.get('`saveAs` variable names')).toBe(`1-${c.variableNameChars} characters`);
    expect(rows.get('`message` and `end` text')).toMatch(new RegExp(`^1-${c.textChars} characters`));
    expect(rows.get('intents in one intent block')).toMatch(new RegExp(`^1-${c.intentsPerBlock} `));
    expect(rows.get("an intent's `description`")).toBe(`1-${c.intentDescriptionChars} characters`);
    expect(rows.get("an intent's `examples`")).toBe(`up to ${c.examplesPerIntent}, each 1-${c.exampleChars} characters`);
    expect(rows.get('`maxNoMatch`')).toBe(`1-${c.maxNoMatch}`);
    expect(rows.get("an http block's `timeoutMs`")).toBe(`1-${c.httpTimeoutMs} ms (and at most HTTP_MAX_TIMEOUT_MS)`);
  });
});
