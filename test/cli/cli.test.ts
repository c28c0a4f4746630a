import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_FLOW_PATH, defaultFlow } from '../support/flows';
import { flowFiles, runCli as run } from './run-cli';

const file = flowFiles('flowbot-cli-');
const dir = join(file('probe.json', '{}'), '..');

describe('flowbot validate', () => {
  it('accepts the default flow with exit 0', async () => {
    const r = await run(['validate', DEFAULT_FLOW_PATH]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('valid');
  });

  it('prints each error on its own line with its pointer, exit 1', async () => {
    const flow = defaultFlow();
    (flow.blocks[0] as { next: string }).next = 'nowhere';
    (flow.blocks[1] as { id: string }).id = '1bad';
    const r = await run(['validate', file('broken.json', flow)]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toContain(
      '/blocks/1/id: must match ^[A-Za-z][A-Za-z0-9_-]{0,63}$ (a letter, then up to 63 letters, digits, "_" or "-") (invalid_format)',
    );
    expect(lines).toContain('/blocks/0/next: block "nowhere" does not exist (unknown_block)');
  });

  it('--json gives the machine-readable result', async () => {
    const flow = defaultFlow();
    flow.blocks.push({ id: 'orphan', type: 'end' });
    const r = await run(['validate', file('warn.json', flow), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      valid: true,
      errors: [],
      warnings: [
        {
          path: `/blocks/${flow.blocks.length - 1}`,
          code: 'unreachable_block',
          message: 'block "orphan" cannot be reached from the start',
        },
      ],
    });
  });

  it('treats malformed JSON as an invalid flow (1) and a missing file as unreadable (2)', async () => {
    const bad = await run(['validate', file('bad.json', '{"name": '), '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).errors[0].code).toBe('invalid_json');
    const missing = await run(['validate', join(dir, 'missing.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      `flowbot validate: cannot read ${join(dir, 'missing.json')}: no such file (ENOENT)\nrun "flowbot help validate" for usage\n`,
    );
    expect((await run(['export', dir])).stderr).toMatch(/^flowbot export: cannot read .*: it is a folder \(EISDIR\)\n/);
  });

  it('answers bad usage with exit 2', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
    expect((await run(['validate'])).code).toBe(2);
    expect((await run(['export', DEFAULT_FLOW_PATH, '--format', 'svg'])).code).toBe(2);
  });
});

describe('flowbot export', () => {
  it.each([
    ['json', '"initial": "welcome"'],
    ['js', 'createMachine('],
    ['mermaid', 'stateDiagram-v2'],
  ])('--format %s', async (format, expected) => {
    const r = await run(['export', DEFAULT_FLOW_PATH, '--format', format]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(expected);
  });

  it('refuses an invalid flow with exit 1', async () => {
    const r = await run([
      'export',
      file('e.json', { name: 'x', start: 'a', blocks: [{ id: 'a', type: 'message', text: 'x', next: 'b' }] }),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/blocks/0/next');
  });
});

/** The buttons of the default flow's first question, as `flowbot chat` prints them. */
const BUTTONS = ['  1) Weather forecast', '  2) Travel offers', '  3) Restaurant tips'];

describe('flowbot chat', () => {
  it('holds a real conversation with the default flow over a pipe, with the local classifier', async () => {
    const r = await run(['chat', DEFAULT_FLOW_PATH], 'will it rain tomorrow?\nI am starving, any good pizza?\nbye\n');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'bot> Hi! I can give you the weather, travel offers or restaurant tips. What would you like?',
      ...BUTTONS,
      'bot> It will be sunny, 24°C. Anything else? Travel offers or a restaurant tip?',
      ...BUTTONS,
      'bot> Try Casa Nostra, the best pasta in town. Anything else?',
      ...BUTTONS,
      'bot> Happy to help. Bye!',
    ]);
  });

  it('prints choices numbered and takes a number for a choice, read against the choices offered then', async () => {
    // 2: "Travel offers" at ask; then "2" at the nights question is two nights, not a choice.
    const r = await run(['chat', DEFAULT_FLOW_PATH], '2\nten\n2\n1\nbye\n');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'bot> Hi! I can give you the weather, travel offers or restaurant tips. What would you like?',
      ...BUTTONS,
      'bot> How many nights would you like to stay? (1 to 14)',
      'bot> Please answer with a number of nights from 1 to 14.',
      'bot> Offer 1: 2 nights in Lisbon, 69 EUR a night. Anything else?',
      ...BUTTONS,
      'bot> It will be sunny, 24°C. Anything else? Travel offers or a restaurant tip?',
      ...BUTTONS,
      'bot> Happy to help. Bye!',
    ]);
  });

  it('answers every piped line, then exits 0 when stdin closes before the flow ends', async () => {
    const r = await run(['chat', DEFAULT_FLOW_PATH], 'qwertyuiop\nhotel deals?\n');
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('bot> '));
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe('bot> Sorry, I did not get "qwertyuiop". I can help with the weather, travel offers or restaurants.');
    expect(lines[2]).toContain('Lisbon');
  });

  it('refuses an invalid flow (1) and a bad setting (2)', async () => {
    expect((await run(['chat', file('c.json', { name: 'x' })], '')).code).toBe(1);
    const bad = await run(['chat', DEFAULT_FLOW_PATH], '', { INTENT_TIMEOUT_MS: 'soon' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('INTENT_TIMEOUT_MS');
  });
});

describe("flowbot validate, with the server's checks", () => {
  const withWelcomeText = (text: string): string => {
    const flow = defaultFlow();
    (flow.blocks[0] as { text: string }).text = text;
    return file(`text-${text.length}.json`, flow);
  };

  it('accepts a file that starts with a UTF-8 byte order mark, exit 0', async () => {
    const r = await run(['validate', file('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(DEFAULT_FLOW_PATH)]))]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
  });

  it('applies MAX_FLOW_BLOCKS: 5,001 blocks are refused with too_many_blocks, exit 1', async () => {
    const blocks: unknown[] = [{ id: 'm0', type: 'wait', next: 'm1' }];
    for (let i = 1; i < 5000; i++) blocks.push({ id: `m${i}`, type: 'message', text: 'hi', next: `m${i + 1}` });
    blocks.push({ id: 'm5000', type: 'end' });
    const r = await run(['validate', file('huge.json', { name: 'huge', start: 'm0', blocks })]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('/blocks: a flow may have at most 5000 blocks (MAX_FLOW_BLOCKS); this one has 5001 (too_many_blocks)\n');
  });

  it('reads the operator limits from the same settings as the server', async () => {
    const r = await run(['validate', DEFAULT_FLOW_PATH, '--json'], undefined, { MAX_TEXT_CHARS: '80', MAX_INTENTS_PER_BLOCK: '3' });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).errors.map((e: { path: string; code: string }) => [e.path, e.code])).toEqual([
      ['/blocks/0/text', 'text_too_long'],
      ['/blocks/2/intents', 'too_many_intents'],
      ['/blocks/3/text', 'text_too_long'],
    ]);
    const bigger = await run(['validate', DEFAULT_FLOW_PATH], undefined, { MAX_BODY_BYTES: '1024' });
    expect(bigger.code).toBe(1);
    expect(bigger.stdout).toContain('(payload_too_large)');
  });

  it('refuses bytes that are not UTF-8 with invalid_encoding, exit 1', async () => {
    const r = await run(['validate', file('latin1.json', Buffer.from('{"name": "caf\xe9"}', 'latin1')), '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).errors).toEqual([{ path: '', code: 'invalid_encoding', message: 'the document is not valid UTF-8' }]);
  });

  it('warns about a placeholder naming no variable, with a suggestion, and still exits 0', async () => {
    const r = await run(['validate', withWelcomeText('Hi {{requst}}, and {{lastMessage}} / {{intent}}')]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'warning /blocks/0/text: no block sets the variable "requst", so {{requst}} renders as ""; did you mean "request"? (unknown_variable)',
      expect.stringMatching(/: valid \(1 warning\)$/),
      '',
    ]);
  });

  it('refuses an unclosed placeholder with invalid_template, exit 1', async () => {
    const r = await run(['validate', withWelcomeText('Hi {{nmae}} {{request}'), '--json']);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result.errors).toEqual([
      {
        path: '/blocks/0/text',
        code: 'invalid_template',
        message: 'placeholder "{{request}" at character 13 is not closed: write {{name}}',
      },
    ]);
    expect(result.warnings.map((w: { code: string }) => w.code)).toEqual(['unknown_variable']);
  });

  it('answers a bad setting with exit 2, naming the variable', async () => {
    const r = await run(['validate', DEFAULT_FLOW_PATH], undefined, { MAX_FLOW_BLOCKS: 'lots' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('MAX_FLOW_BLOCKS="lots"');
  });
});

describe('flowbot usage', () => {
  it('prints the version with --version, exit 0', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `flowbot ${version}\n`, stderr: '' });
  });

  it('prints help with `help`, `--help` and `help COMMAND`, exit 0', async () => {
    const general = await run(['help']);
    expect(general.code).toBe(0);
    for (const command of ['validate', 'export', 'chat', 'serve']) expect(general.stdout).toContain(`\n  ${command}`);
    expect((await run(['--help'])).stdout).toBe(general.stdout);
    // Not 'unknown command "help"; did you mean "help"?'.
    expect(await run(['help', 'help'])).toEqual({ code: 0, stdout: general.stdout, stderr: '' });
    const one = await run(['help', 'export']);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('usage: flowbot export FILE [--format json|js|mermaid|diagram]');
    expect((await run(['export', '--help'])).stdout).toBe(one.stdout);
  });

  it.each([
    [['validate', DEFAULT_FLOW_PATH, '--jsno'], 'flowbot validate: unknown option "--jsno"; did you mean "--json"?'],
    [['export', DEFAULT_FLOW_PATH, '--frmat', 'js'], 'flowbot export: unknown option "--frmat"; did you mean "--format"?'],
    [['chat', DEFAULT_FLOW_PATH, '--verbose'], 'flowbot chat: unknown option "--verbose"'],
    [['validate', DEFAULT_FLOW_PATH, '-x'], 'flowbot validate: unknown option "-x"'],
    [['validate', DEFAULT_FLOW_PATH, '--json=yes'], 'flowbot validate: option "--json" takes no value'],
    [['validate', DEFAULT_FLOW_PATH, DEFAULT_FLOW_PATH], 'flowbot validate: unexpected argument'],
    [['export', DEFAULT_FLOW_PATH, '--format'], 'flowbot export: option "--format" needs a value (json|js|mermaid|diagram)'],
    [['valdate', DEFAULT_FLOW_PATH], 'flowbot: unknown command "valdate"; did you mean "validate"?'],
    [['help', 'nope'], 'flowbot: unknown command "nope"'],
    [['--verbose'], 'flowbot: unknown option "--verbose"'],
  ])('refuses %j with exit 2 and a clear message', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(message)).toBe(true);
    expect(r.stderr).toContain('for usage');
  });
});

describe('flowbot chat limits', () => {
  it('refuses a line over MAX_MESSAGE_CHARS, as the server does, and answers the next one', async () => {
    const r = await run(['chat', DEFAULT_FLOW_PATH], `${'a'.repeat(11)}\nbye\n`, { MAX_MESSAGE_CHARS: '10' });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('error: the message is longer than 10 characters (MAX_MESSAGE_CHARS); not sent\n');
    expect(r.stdout.trim().split('\n').at(-1)).toBe('bot> Happy to help. Bye!');
  });
});
