import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CpuProfile } from '../../bench/lib/cpuprofile';
import { categoriseProfile } from '../../bench/lib/profile-categories';

/** A profile whose nodes are given as chains of [functionName, url] from the root down, each sampled `us`. */
function profileOf(chains: Array<{ frames: Array<[string, string]>; us: number }>): CpuProfile {
  const nodes: CpuProfile['nodes'] = [{ id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [] }];
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  for (const chain of chains) {
    let parent = nodes[0] as CpuProfile['nodes'][number];
    for (const [functionName, url] of chain.frames) {
      const node = { id: nodes.length + 1, callFrame: { functionName, url, lineNumber: 0 }, children: [] as number[] };
      nodes.push(node);
      parent.children?.push(node.id);
      parent = node;
    }
    samples.push(parent.id);
    timeDeltas.push(chain.us);
  }
  return { nodes, startTime: 0, endTime: 1, samples, timeDeltas };
}

describe('categoriseProfile', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'flowbot-profile-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function categorise(profile: CpuProfile): Record<string, number> {
    const file = join(dir, 'p.cpuprofile');
    writeFileSync(file, JSON.stringify(profile));
    return Object.fromEntries(categoriseProfile(file).map((c) => [c.category, c.share]));
  }

  it('tells storage and the classifier by any frame of the stack, the rest by the function on top, idle left out', () => {
    const xstate = 'file:///x/node_modules/xstate/dist/raise.cjs.js';
    const shares = categorise(
      profileOf([
        // SQLite's native work: a native frame under flowbot's storage code.
        {
          frames: [
            ['flush', 'file:///x/dist-bench/src/storage/sqlite/conversation-repository.js'],
            ['run', ''],
          ],
          us: 400,
        },
        // The classifier inside an XState action, its time in a wink-nlp function.
        {
          frames: [
            ['macrostep', xstate],
            ['classify', 'file:///x/dist-bench/src/intent/local/local-classifier.js'],
            ['readDoc', 'file:///x/node_modules/wink-nlp/src/wink-nlp.js'],
          ],
          us: 200,
        },
        { frames: [['macrostep', xstate]], us: 100 },
        { frames: [['send', 'file:///x/dist-bench/src/runtime/conversation.js']], us: 100 },
        {
          frames: [
            ['uncork', 'node:internal/streams/writable'],
            ['writev', ''],
          ],
          us: 100,
        },
        { frames: [['(garbage collector)', '']], us: 100 },
        { frames: [['(idle)', '']], us: 5000 },
      ]),
    );
    expect(shares).toEqual({
      'storage (SQLite or PostgreSQL driver, flowbot storage)': 0.4,
      'local classifier': 0.2,
      XState: 0.1,
      'flowbot runtime': 0.1,
      'socket writes': 0.1,
      'garbage collection': 0.1,
    });
  });

  it('shows the profiler’s own calls apart', () => {
    const shares = categorise(
      profileOf([
        {
          frames: [
            ['post', 'node:inspector'],
            ['dispatch', ''],
          ],
          us: 1,
        },
        { frames: [['onMessage', 'file:///x/node_modules/ws/lib/receiver.js']], us: 3 },
      ]),
    );
    expect(shares).toEqual({ 'the profiler itself (starting and stopping it)': 0.25, 'ws library': 0.75 });
  });
});
