// @ts-check
// Traffic on the flow diagram: the statistics of the version shown (GET .../flows/{v}/stats) written
// into the diagram's Mermaid text before it is drawn (how often each arrow was taken, how many
// conversations entered each block and stopped at each wait block), and the texts each intent block
// did not understand, listed under the diagram. Only the page's own diagram text is rewritten, line
// by line: its format is the server's export (src/flow/export/mermaid.ts), so nothing is parsed blind.

/** @typedef {import('../src/flow/export/diagram-format').FlowDiagram} FlowDiagram */

/**
 * What the page reads of the statistics answer (the README's "GET /api/flows/{version}/stats").
 * @typedef {object} FlowStats
 * @property {number} version
 * @property {{ total: number, active: number, completed: number, abandoned: number }} conversations
 * @property {Array<{ id: string, entered: number, droppedHere: number }>} blocks
 * @property {Array<{ from: string, to: string, event: string, count: number }>} transitions
 * @property {Array<{ block: string, matched: Record<string, number>, noMatch: number, errors: number }>} intents
 * @property {Array<{ block: string, text: string, count: number, lastAt: string }>} misunderstood
 */

const isCount = (/** @type {unknown} */ n) => Number.isInteger(n) && Number(n) >= 0;
const isObject = (/** @type {unknown} */ v) => typeof v === 'object' && v !== null;

/**
 * The statistics answer, checked: it comes from the network.
 * @param {string} text
 * @returns {FlowStats}
 */
export function parseStats(text) {
  /** @type {unknown} */
  const value = JSON.parse(text);
  if (!isObject(value)) throw new Error('the statistics are not an object');
  const s = /** @type {Record<string, unknown>} */ (value);
  const conversations = /** @type {Record<string, unknown>} */ (s.conversations);
  const list = (/** @type {unknown} */ v, /** @type {(item: Record<string, unknown>) => boolean} */ ok) =>
    Array.isArray(v) && v.every((item) => isObject(item) && ok(/** @type {Record<string, unknown>} */ (item)));
  const ok =
    isCount(s.version) &&
    isObject(conversations) &&
    ['total', 'active', 'completed', 'abandoned'].every((k) => isCount(conversations[k])) &&
    list(s.blocks, (b) => typeof b.id === 'string' && isCount(b.entered) && isCount(b.droppedHere)) &&
    list(s.transitions, (t) => typeof t.from === 'string' && typeof t.to === 'string' && isCount(t.count)) &&
    list(s.intents, (i) => typeof i.block === 'string' && isCount(i.noMatch) && isCount(i.errors)) &&
    list(s.misunderstood, (m) => typeof m.block === 'string' && typeof m.text === 'string' && isCount(m.count));
  if (!ok) throw new Error('the statistics have an unexpected shape');
  return /** @type {FlowStats} */ (value);
}

/** @param {number} n */
const plural = (n, /** @type {string} */ one, /** @type {string} */ many) => `${n} ${n === 1 ? one : many}`;

/**
 * The diagram's Mermaid text with the traffic written in: each arrow's label ends with how often it
 * was taken, `(5)` (parallel ways between two blocks are one arrow: their counts add up), the start
 * arrow says how many conversations began, and each block's name says how many times it was entered,
 * how many conversations stopped waiting there (wait blocks) and how many answers were not understood
 * (intent blocks).
 * @param {FlowDiagram} diagram
 * @param {FlowStats} stats
 */
export function trafficMermaid(diagram, stats) {
  /** @type {Map<string, string>} */
  const blockOfNode = new Map(Object.entries(diagram.nodes).map(([blockId, { node }]) => [node, blockId]));
  /** @type {Map<string, number>} */
  const taken = new Map();
  for (const t of stats.transitions) taken.set(`${t.from}\u0000${t.to}`, (taken.get(`${t.from}\u0000${t.to}`) ?? 0) + t.count);
  const blocks = new Map(stats.blocks.map((b) => [b.id, b]));
  const intents = new Map(stats.intents.map((i) => [i.block, i]));
  return diagram.mermaid
    .split('\n')
    .map((line) => {
      const state = /^(\s*)state "([^"]*)" as (\S+)$/.exec(line);
      if (state) {
        const blockId = blockOfNode.get(/** @type {string} */ (state[3]));
        const block = blockId === undefined ? undefined : blocks.get(blockId);
        if (!block || blockId === undefined) return line;
        const parts = [`${block.entered} in`];
        if (diagram.nodes[blockId]?.type === 'wait') parts.push(`${block.droppedHere} dropped off`);
        const intent = intents.get(blockId);
        if (intent) parts.push(`${intent.noMatch + intent.errors} not understood`);
        return `${state[1]}state "${state[2]} · ${parts.join(' · ')}" as ${state[3]}`;
      }
      if (/^\s*\[\*\] --> \S+$/.test(line)) return `${line} : (${plural(stats.conversations.total, 'conversation', 'conversations')})`;
      const edge = /^(\s*)(\S+) --> (\S+?)(?: : (.*))?$/.exec(line);
      if (edge && edge[3] !== '[*]') {
        const from = blockOfNode.get(/** @type {string} */ (edge[2]));
        const to = blockOfNode.get(/** @type {string} */ (edge[3]));
        if (from === undefined || to === undefined) return line;
        const count = taken.get(`${from}\u0000${to}`) ?? 0;
        return `${edge[1]}${edge[2]} --> ${edge[3]} : ${edge[4] ? `${edge[4]} ` : ''}(${count})`;
      }
      return line;
    })
    .join('\n');
}

/** `2026-01-03 10:01 UTC` @param {string} iso */
const when = (iso) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso);

/**
 * One line about the version's conversations, for the panel.
 * @param {FlowStats} stats
 */
export function trafficSummary(stats) {
  const c = stats.conversations;
  return (
    `Traffic of version ${stats.version}: ${plural(c.total, 'conversation', 'conversations')} ` +
    `(${c.active} active, ${c.completed} completed, ${c.abandoned} abandoned). ` +
    'Numbers on arrows: times taken; in blocks: times entered, conversations that dropped off waiting there, answers not understood.'
  );
}

/**
 * The texts each intent block did not understand, most frequent first, as a list per block (text
 * only: user texts never become markup).
 * @param {HTMLElement} container
 * @param {FlowStats} stats
 */
export function showMisunderstood(container, stats) {
  /** @type {HTMLElement[]} */
  const sections = [];
  for (const intent of stats.intents) {
    const section = document.createElement('section');
    section.className = 'misunderstood-block';
    section.dataset.block = intent.block;
    const title = document.createElement('h4');
    title.textContent = `${intent.block}: ${plural(intent.noMatch, 'no match', 'no matches')}, ${plural(intent.errors, 'error', 'errors')}`;
    section.append(title);
    const texts = stats.misunderstood.filter((m) => m.block === intent.block);
    if (texts.length === 0) {
      const none = document.createElement('p');
      none.className = 'muted';
      none.textContent = 'No message was misunderstood here.';
      section.append(none);
    } else {
      const list = document.createElement('ul');
      for (const m of texts) {
        const item = document.createElement('li');
        const quote = document.createElement('q');
        quote.textContent = m.text;
        item.append(quote, ` ${plural(m.count, 'time', 'times')}, last ${when(m.lastAt)}`);
        list.append(item);
      }
      section.append(list);
    }
    sections.push(section);
  }
  if (sections.length === 0) {
    const none = document.createElement('p');
    none.className = 'muted';
    none.textContent = 'This flow has no intent block.';
    sections.push(none);
  }
  container.replaceChildren(...sections);
}
