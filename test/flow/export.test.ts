import { runInNewContext } from 'node:vm';
import { createMachine } from 'xstate';
import { compileFlow } from '../../src/flow/compile';
import { exportMachine, isExportFormat, toMermaid } from '../../src/flow/export';
import { defaultFlow } from '../support/flows';

describe('machine exports', () => {
  const compiled = compileFlow(defaultFlow());

  it('json: parses back to the config, which createMachine() accepts', () => {
    const parsed = JSON.parse(exportMachine(compiled, 'json')) as never;
    expect(parsed).toEqual(compiled.config);
    expect(createMachine(parsed).id).toBe('flow');
  });

  it('js: is createMachine({...}) code that evaluates to the same machine', () => {
    const code = exportMachine(compiled, 'js');
    expect(code).toContain("import { createMachine } from 'xstate';");
    const body = code.replace(/^import .*$/m, '').replace('export const machine =', 'result =');
    const sandbox: { result?: { id: string; config: unknown }; createMachine: typeof createMachine } = { createMachine };
    runInNewContext(body, sandbox);
    expect(sandbox.result?.config).toEqual(compiled.config);
  });

  it('mermaid: a stateDiagram-v2 naming every block, eventless edges included', () => {
    const text = toMermaid(compiled);
    expect(text.startsWith('stateDiagram-v2\n')).toBe(true);
    for (const block of compiled.flow.blocks) expect(text).toContain(`state "${block.id} (${block.type})"`);
    expect(text).toContain('[*] --> b0');
    expect(text).toContain('b0 --> b1'); // welcome --> ask: an eventless edge
    expect(text).toContain('b2 --> b3 : no match / error'); // parallel edges merged
    expect(text).toContain('b2 --> b7 : 3 no matches');
    expect(text).toContain('b8 --> [*]');
  });

  it('mermaid: block ids that are Mermaid keywords or hold dashes stay safe', () => {
    const text = toMermaid(
      compileFlow({
        name: 'k',
        start: 'end',
        blocks: [
          { id: 'end', type: 'message', text: 'x', next: 'state-1' },
          { id: 'state-1', type: 'end' },
        ],
      }),
    );
    expect(text).toContain('state "end (message)" as b0');
    expect(text).toContain('b0 --> b1');
  });

  it('knows its formats', () => {
    expect(['json', 'js', 'mermaid'].every(isExportFormat)).toBe(true);
    expect(isExportFormat('svg')).toBe(false);
  });
});
