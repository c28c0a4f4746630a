import { Cluster } from '../support/cluster/cluster';
import { counterFlow } from '../support/cluster/flows';
import { counterProblems, isSubsequence, sequenceProblems, storedConversation } from '../support/cluster/history';
import type { Instance } from '../support/cluster/instance';
import { Talker } from '../support/cluster/talker';
import { checkedFetch } from '../support/http-client';
import { until } from '../support/logged-process';

/**
 * kill -9 of one instance of three under 300 live conversations, all through nginx: its clients'
 * sockets drop, they resume through nginx (which sends them to the two others), and at the end every
 * frame any client was shown is stored, no bot reply is stored or shown twice, and every
 * conversation's turns and steps form one unbroken chain.
 */

const CONVERSATIONS = 300;
/** The most any conversation says before "bye"; they are told to finish well before. */
const MESSAGES = 10_000;

// Real processes on two shared cores: starting a cluster and its load take longer than a unit test.
jest.setTimeout(180_000);

let cluster: Cluster;

beforeAll(async () => {
  cluster = await Cluster.start({ instances: 3, storage: 'postgres', label: 'kill' });
  const post = (path: string, body: unknown): Promise<Response> =>
    checkedFetch(`${cluster.lb.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  expect((await post('/api/bots', { id: 'counter' })).status).toBe(201);
  expect((await post('/api/bots/counter/flows', counterFlow())).status).toBe(201);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('kill -9 of one instance under load', () => {
  it(`loses nothing any of ${CONVERSATIONS} clients was shown and duplicates no reply`, async () => {
    const victim = cluster.instances[0] as Instance;
    const talkers = Array.from({ length: CONVERSATIONS }, (_, i) => new Talker(`c${i}`, MESSAGES));
    const runs = talkers.map((t) => t.run(`${cluster.lb.wsUrl}?bot=counter`));
    // Kill once every conversation is live and the victim runs its share of them, mid-traffic.
    await until(() => talkers.every((t) => t.replies >= 2), 'every conversation to be under way', 120_000);
    const health = await victim.health();
    expect(Number(health.liveConversations)).toBeGreaterThan(CONVERSATIONS / 6);
    const atKill = talkers.map((t) => t.replies);
    const status = await victim.kill();
    expect(status.signal).toBe('SIGKILL');
    // Every conversation goes on (the victim's on another instance) for a few more turns, then ends.
    await until(
      () => talkers.every((t, i) => t.failure !== undefined || t.replies >= (atKill[i] ?? 0) + 3),
      'every conversation to go on',
      120_000,
    );
    for (const talker of talkers) talker.finish();
    await Promise.all(runs);

    const failed = talkers.filter((t) => t.failure !== undefined).map((t) => t.failure);
    expect(failed).toEqual([]);
    const resumed = talkers.filter((t) => t.sockets.length > 1);
    // The victim's clients (about a third) had to resume elsewhere.
    expect(resumed.length).toBeGreaterThan(CONVERSATIONS / 6);

    const problems: string[] = [];
    for (const talker of talkers) {
      const id = talker.id as string;
      const stored = await storedConversation(cluster.lb.url, id);
      expect(stored.status).toBe('completed');
      const storedBot = stored.messages.filter((m) => m.from === 'bot').map((m) => m.text);
      const shown = talker.shownTexts();
      if (new Set(shown).size !== shown.length) problems.push(`${id}: shown twice: ${JSON.stringify(shown)}`);
      if (!isSubsequence(shown, storedBot)) problems.push(`${id}: shown ${JSON.stringify(shown)}, stored ${JSON.stringify(storedBot)}`);
      problems.push(...counterProblems(stored), ...(await sequenceProblems(cluster.database!, id)));
    }
    expect(problems).toEqual([]);
    console.log(
      `kill: ${CONVERSATIONS} conversations, ${resumed.length} resumed after the kill, ` +
        `${talkers.reduce((n, t) => n + t.shownTexts().length, 0)} bot messages shown and found stored`,
    );
  });
});
