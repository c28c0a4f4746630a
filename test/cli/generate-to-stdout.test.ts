import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_FLOW_PATH } from '../support/flows';
import { runCli as run } from './run-cli';

describe('flowbot test --generate to stdout', () => {
  it('names the flow as seen from beside it, so the output saved there runs as it is', async () => {
    const g = await run(['test', '--generate', DEFAULT_FLOW_PATH]);
    expect(g.code).toBe(0);
    const document = JSON.parse(g.stdout) as { flow: string };
    expect(document.flow).toBe('travel-assistant.json');
    expect(g.stderr).toContain(`its "flow" is "travel-assistant.json": save it beside ${DEFAULT_FLOW_PATH}`);
    // Saved beside the flow (as a user redirecting stdout into flows/ does), it finds the flow.
    const beside = join(DEFAULT_FLOW_PATH, '..', 'generated-by-stdout-test.test.json');
    const dir = mkdtempSync(join(tmpdir(), 'flowbot-generate-'));
    writeFileSync(join(dir, 'elsewhere.test.json'), g.stdout);
    try {
      writeFileSync(beside, g.stdout);
      expect((await run(['test', beside])).code).toBe(0);
      // Anywhere else it fails plainly (usage exit), not as a failed test.
      expect((await run(['test', join(dir, 'elsewhere.test.json')])).code).toBe(2);
    } finally {
      rmSync(beside, { force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
