// @ts-check
// The flow diagram: the server's diagram export of the conversation's flow version (Mermaid text and
// the block-to-node map), drawn by the Mermaid bundle the server serves, with the current block
// highlighted.
//
// Drawing is slow (Mermaid lays a diagram out on the main thread: ~15 ms a block here, 20 s for 300
// blocks), so the page draws as little and as late as it can, and the chat never waits for it:
// - a diagram is drawn once; moving the highlight only changes classes on the SVG already drawn;
// - a drawing starts only while the bot is not busy (no frames on their way) and after the page has
//   painted what the chat just showed;
// - a flow too large to draw whole shows the neighbourhood of the current block instead, drawn again
//   when the conversation moves out of it (or to its edge).

import { flowsPath } from './target.js';
import { apiGet, errorMessage, setToken } from './api.js';
import { parseStats, showMisunderstood, trafficMermaid, trafficSummary } from './traffic.js';

/** @typedef {import('../src/flow/export/diagram-format').FlowDiagram} FlowDiagram */
/** @typedef {import('./traffic.js').FlowStats} FlowStats */

/**
 * What the page uses of Mermaid's API (the bundle sets `window.mermaid`).
 * @typedef {object} Mermaid
 * @property {(config: Record<string, unknown>) => void} initialize
 * @property {(id: string, text: string) => Promise<{ svg: string }>} render
 */

/**
 * @typedef {object} DiagramElements
 * @property {HTMLElement} panel
 * @property {HTMLElement} canvas
 * @property {HTMLElement} version
 * @property {HTMLElement} current
 * @property {HTMLElement} status
 * @property {HTMLElement} note
 * @property {HTMLFormElement} tokenForm
 * @property {HTMLElement} tokenMessage
 * @property {HTMLInputElement} tokenInput
 * @property {HTMLButtonElement} copyButton
 * @property {HTMLButtonElement} zoom
 * @property {HTMLElement} copyStatus
 * @property {HTMLTextAreaElement} copyFallback
 * @property {HTMLElement} copyFallbackLabel
 * @property {HTMLButtonElement} trafficButton
 * @property {HTMLElement} trafficSummary
 * @property {HTMLElement} misunderstood
 * @property {HTMLElement} misunderstoodList
 */

/**
 * A diagram on the canvas.
 * @typedef {object} Drawn
 * @property {FlowDiagram} diagram
 * @property {SVGSVGElement} svg
 * @property {Map<string, SVGGraphicsElement>} elements the node drawn for each block id
 * @property {SVGGraphicsElement | null} current the highlighted node
 * @property {FlowStats | null} traffic the statistics written into it, if any
 */

/** Flows up to this size are drawn whole (about a second here); larger ones as neighbourhoods. */
const WHOLE_MAX_BLOCKS = 60;
const WHOLE_MAX_CHARS = 20000;
/** Mermaid's own limit (maxTextSize): beyond it, it draws an error message instead of the diagram. */
const MERMAID_MAX_TEXT = 50000;
/** Steps forward from the current block that a neighbourhood shows. */
const AROUND_DEPTH = 3;
/** "Fit" is the initial view when the whole diagram stays readable at this scale; else actual size. */
const MIN_FIT_SCALE = 0.6;
/**
 * The current block: dark text on amber (12:1 contrast) with a thick border that still marks it in
 * greyscale. Set as inline `!important` styles because Mermaid writes each class's colours that way
 * onto the shapes, and no stylesheet rule outranks those.
 */
const CURRENT_STYLE = { fill: '#ffd43b', stroke: '#7a4b00', 'stroke-width': '4px' };

/** @type {Promise<Mermaid> | undefined} */
let mermaidReady;

/** Loads /vendor/mermaid.min.js on first use: 3.5 MB that a chat-only visit never needs. */
function loadMermaid() {
  mermaidReady ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/vendor/mermaid.min.js';
    script.onload = () => {
      const mermaid = /** @type {{ mermaid?: Mermaid }} */ (/** @type {unknown} */ (window)).mermaid;
      if (mermaid) resolve(mermaid);
      else reject(new Error('the diagram library did not load'));
    };
    script.onerror = () => {
      mermaidReady = undefined; // let the next attempt try again
      reject(new Error('the diagram library could not be loaded'));
    };
    document.head.append(script);
  }).then((mermaid) => {
    // strict: labels are text, no click handlers or HTML; nothing is fetched from elsewhere. Errors
    // are thrown to this page, which says what went wrong in words, instead of drawn as Mermaid's box.
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme: 'default',
      fontFamily: 'system-ui, sans-serif',
      suppressErrorRendering: true,
    });
    return mermaid;
  });
  return mermaidReady;
}

/**
 * The diagram export, checked: it comes from the network.
 * @param {string} text
 * @returns {FlowDiagram}
 */
export function parseDiagram(text) {
  /** @type {unknown} */
  const value = JSON.parse(text);
  if (typeof value !== 'object' || value === null) throw new Error('the diagram export is not an object');
  const d = /** @type {Record<string, unknown>} */ (value);
  const ok =
    typeof d.mermaid === 'string' &&
    typeof d.nodes === 'object' &&
    d.nodes !== null &&
    typeof d.blockCount === 'number' &&
    typeof d.start === 'string' &&
    (d.around === null || typeof d.around === 'string');
  if (!ok) throw new Error('the diagram export has an unexpected shape');
  return /** @type {FlowDiagram} */ (value);
}

/**
 * The node entry of a block (own properties only: block ids such as "constructor" are allowed).
 * @param {FlowDiagram | null | undefined} diagram
 * @param {string | null} blockId
 */
function nodeOf(diagram, blockId) {
  if (!diagram || !blockId || !Object.hasOwn(diagram.nodes, blockId)) return undefined;
  return diagram.nodes[blockId];
}

/** @param {FlowDiagram} whole */
const drawsWhole = (whole) => whole.blockCount <= WHOLE_MAX_BLOCKS && whole.mermaid.length <= WHOLE_MAX_CHARS;

/** Resolves after the page has painted what is on it now (rAF runs before a paint, the timeout after it). */
const afterPaint = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

/**
 * The SVG nodes Mermaid drew, by block id. Mermaid names a state's group `<render id>-state-<node>-<n>`
 * where <node> is the id the export chose (`b12`), so the server's map leads from block to element.
 * @param {SVGSVGElement} svg
 * @param {string} renderId
 * @param {FlowDiagram} diagram
 */
function nodeElements(svg, renderId, diagram) {
  const blockOfNode = new Map(Object.entries(diagram.nodes).map(([blockId, { node }]) => [`${renderId}-state-${node}-`, blockId]));
  /** @type {Map<string, SVGGraphicsElement>} */
  const elements = new Map();
  for (const g of svg.querySelectorAll('g.node')) {
    const prefix = g.id.slice(0, g.id.lastIndexOf('-') + 1);
    const blockId = blockOfNode.get(prefix);
    if (blockId === undefined || !(g instanceof SVGGraphicsElement)) continue;
    g.dataset.blockId = blockId;
    elements.set(blockId, g);
  }
  return elements;
}

/** @param {SVGGraphicsElement} node */
const shapesOf = (node) => node.querySelectorAll(':scope > rect, :scope > path, :scope > polygon, :scope > circle');

/**
 * @param {SVGGraphicsElement} node
 * @param {boolean} on
 */
function markCurrent(node, on) {
  node.classList.toggle('current', on);
  for (const shape of shapesOf(node)) {
    if (!(shape instanceof SVGElement)) continue;
    if (on) {
      shape.dataset.ownStyle = shape.getAttribute('style') ?? '';
      for (const [name, value] of Object.entries(CURRENT_STYLE)) shape.style.setProperty(name, value, 'important');
    } else {
      const own = shape.dataset.ownStyle ?? '';
      if (own) shape.setAttribute('style', own);
      else shape.removeAttribute('style');
      delete shape.dataset.ownStyle;
    }
  }
}

/** @param {DiagramElements} ui */
export function createDiagram(ui) {
  /** A flow version number, or 'current' before the conversation says. @type {number | 'current'} */
  let version = 'current';
  /** The whole-flow export of `version` (its node map names every block). @type {FlowDiagram | null} */
  let whole = null;
  /** @type {string | null} the X-Flow-Version that `whole` came with */
  let loadedVersion = null;
  /** @type {Drawn | null} */
  let drawn = null;
  /** The next diagram to draw, and the load it belongs to. @type {{ diagram: FlowDiagram, seq: number } | null} */
  let wanted = null;
  /** @type {string | null} */
  let currentBlock = null;
  let open = false;
  let chatBusy = false;
  /** @type {Array<() => void>} */
  let idleWaiters = [];
  /** Bumped by every (re)load of the whole export: late answers and drawings of an older one are dropped. */
  let loadSeq = 0;
  /** @type {string | null} the block whose neighbourhood is being fetched */
  let fetchingAround = null;
  let drawing = false;
  /** What the drawing under way shows (it highlights the current block when done). @type {{ diagram: FlowDiagram, traffic: FlowStats | null } | null} */
  let inFlight = null;
  let renderCount = 0;
  /** The user's choice of the zoom button; null until they press it (then each drawing decides). @type {boolean | null} */
  let fitChoice = null;
  let fit = false;
  /** The "Traffic" toggle (off by default: the statistics are read only when someone asks). */
  let trafficOn = false;
  /** The statistics of the version shown, while the toggle is on. @type {FlowStats | null} */
  let traffic = null;

  /** @param {string} text */
  const setStatus = (text) => {
    ui.status.textContent = text;
  };

  function describeCurrent() {
    const entry = nodeOf(whole, currentBlock);
    if (!currentBlock) ui.current.textContent = 'Current block: not started';
    else ui.current.textContent = `Current block: ${currentBlock}${entry ? ` (${entry.type})` : ''}`;
  }

  /** @param {boolean} rejected */
  function askForToken(rejected) {
    ui.tokenForm.hidden = false;
    ui.tokenMessage.textContent = rejected
      ? 'The API token was not accepted (401 Unauthorized). Check it and try again.'
      : 'This server protects its API with a token (API_TOKEN) and the diagram is read from the API. Enter the token to see it; chatting works without it.';
    ui.canvas.replaceChildren();
    drawn = null;
    setStatus('');
  }

  /** The canvas's inner size (without its padding). */
  function canvasSize() {
    const style = getComputedStyle(ui.canvas);
    return {
      width: ui.canvas.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
      height: ui.canvas.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom),
    };
  }

  /** The scale at which the whole drawing fits the canvas, width and height (never above 1). @param {DOMRect} box */
  function fitScale(box) {
    const { width, height } = canvasSize();
    if (width <= 0 || height <= 0) return 1;
    return Math.min(1, width / box.width, height / box.height);
  }

  /** "Fit": the whole diagram inside the canvas; otherwise its own size, and the canvas scrolls. */
  function applyZoom() {
    ui.zoom.setAttribute('aria-pressed', String(fit));
    const svg = drawn?.svg;
    const box = svg?.viewBox.baseVal;
    if (!svg || !box || !box.width || !box.height) return;
    const scale = fit ? fitScale(box) : 1;
    svg.setAttribute('width', String(Math.floor(box.width * scale)));
    svg.setAttribute('height', String(Math.floor(box.height * scale)));
    svg.style.maxWidth = 'none';
  }

  /** Scrolls the canvas (only the canvas) so that the current block is in view, centred when it was not. */
  function scrollToCurrent() {
    const node = drawn?.current;
    if (!node || !open) return;
    const box = node.getBoundingClientRect();
    const view = ui.canvas.getBoundingClientRect();
    const inView = box.top >= view.top && box.bottom <= view.bottom && box.left >= view.left && box.right <= view.right;
    if (inView) return;
    const reduce = matchMedia('(prefers-reduced-motion: reduce)').matches;
    ui.canvas.scrollTo({
      top: ui.canvas.scrollTop + box.top - view.top - (view.height - box.height) / 2,
      left: ui.canvas.scrollLeft + box.left - view.left - (view.width - box.width) / 2,
      behavior: reduce ? 'auto' : 'smooth',
    });
  }

  /** Moves the highlight on the drawing as it is: no drawing again. */
  function highlight() {
    if (!drawn) return;
    const node = (currentBlock && drawn.elements.get(currentBlock)) || null;
    if (node !== drawn.current) {
      if (drawn.current) markCurrent(drawn.current, false);
      if (node) markCurrent(node, true);
      drawn.current = node;
    }
    ui.canvas.dataset.currentBlock = node && currentBlock ? currentBlock : '';
    drawn.svg.setAttribute('aria-label', `Flow diagram${loadedVersion ? ` of version ${loadedVersion}` : ''}. ${ui.current.textContent}.`);
    scrollToCurrent();
  }

  /** @param {FlowDiagram} diagram */
  function describeView(diagram) {
    if (diagram.around === null) {
      ui.note.textContent = '';
      return;
    }
    const shown = Object.keys(diagram.nodes).length;
    ui.note.textContent =
      `This flow has ${diagram.blockCount} blocks, too many to draw at once without holding up the page. ` +
      `Shown: the ${shown} blocks around ${diagram.around}. The view moves along with the conversation.`;
  }

  /** @returns {Promise<void>} */
  async function whenChatIdle() {
    while (chatBusy) await new Promise((resolve) => idleWaiters.push(() => resolve(undefined)));
  }

  /** @param {FlowDiagram} diagram */
  function want(diagram) {
    wanted = { diagram, seq: loadSeq };
    void drawLoop();
  }

  /** Draws the latest wanted diagram, one drawing at a time, never while the chat expects frames. */
  async function drawLoop() {
    if (drawing) return;
    drawing = true;
    try {
      while (wanted && open) {
        do {
          await whenChatIdle();
          await afterPaint();
        } while (chatBusy);
        const next = wanted;
        wanted = null;
        if (next && open && next.seq === loadSeq) {
          inFlight = { diagram: next.diagram, traffic };
          try {
            await draw(next.diagram, next.seq);
          } finally {
            inFlight = null;
          }
        }
      }
    } finally {
      drawing = false;
    }
  }

  /**
   * @param {FlowDiagram} diagram
   * @param {number} seq
   */
  async function draw(diagram, seq) {
    const shownTraffic = traffic;
    const text = shownTraffic ? trafficMermaid(diagram, shownTraffic) : diagram.mermaid;
    if (text.length > MERMAID_MAX_TEXT) {
      setStatus('This part of the flow is too large to draw here (too many branches around this block).');
      return;
    }
    if (!drawn) setStatus('Drawing the diagram…');
    let svgText;
    const renderId = `flow-diagram-${++renderCount}`;
    try {
      const mermaid = await loadMermaid();
      ({ svg: svgText } = await mermaid.render(renderId, text));
    } catch (err) {
      if (seq === loadSeq) setStatus(`The diagram could not be drawn: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (seq !== loadSeq) return;
    // Mermaid's output is markup; parsing it into an inert document and moving the <svg> node over
    // keeps innerHTML out of the page. (securityLevel strict has already sanitised the labels.)
    const svg = new DOMParser().parseFromString(svgText, 'text/html').body.querySelector('svg');
    if (!svg) {
      setStatus('The diagram could not be drawn: no SVG was produced');
      return;
    }
    svg.setAttribute('role', 'img');
    ui.canvas.replaceChildren(document.adoptNode(svg));
    drawn = { diagram, svg, elements: nodeElements(svg, renderId, diagram), current: null, traffic: shownTraffic };
    ui.canvas.dataset.traffic = shownTraffic ? 'on' : 'off';
    fit = fitChoice ?? fitScale(svg.viewBox.baseVal) >= MIN_FIT_SCALE;
    ui.canvas.dataset.view = diagram.around === null ? 'whole' : 'around';
    applyZoom();
    describeView(diagram);
    setStatus('');
    highlight();
  }

  /** Makes what is drawn show the current block: the highlight alone when it is there, else another drawing. */
  async function follow() {
    if (!open || !whole) return;
    if (drawsWhole(whole)) {
      if (drawn?.diagram === whole && drawn.traffic === traffic) highlight();
      // Being drawn right now (the move came while Mermaid worked): that drawing highlights when done.
      else if (inFlight?.diagram === whole && inFlight.traffic === traffic && !wanted) return;
      else if (wanted?.diagram === whole)
        void drawLoop(); // e.g. the panel was closed before it was drawn
      else want(whole);
      return;
    }
    const target = nodeOf(whole, currentBlock) ? /** @type {string} */ (currentBlock) : whole.start;
    const shown = nodeOf(drawn?.diagram, target);
    // At the view's edge (it leads on to blocks not shown) a neighbourhood is drawn around it anew.
    if (drawn && shown && (!shown.more || drawn.diagram.around === target)) {
      highlight();
      if (drawn.traffic !== traffic && wanted?.diagram !== drawn.diagram) want(drawn.diagram);
      return;
    }
    highlight(); // the old view stays until the new one is drawn, without a highlight it cannot show
    if (wanted?.diagram.around === target) return void drawLoop();
    if (fetchingAround === target) return;
    fetchingAround = target;
    const seq = loadSeq;
    let res;
    try {
      const query = `format=diagram&around=${encodeURIComponent(target)}&depth=${AROUND_DEPTH}`;
      res = await apiGet(`${flowsPath()}/${loadedVersion ?? version}/machine?${query}`);
    } catch {
      res = undefined;
    } finally {
      fetchingAround = null;
    }
    if (seq !== loadSeq) return;
    if (!res) return setStatus('The server cannot be reached; the diagram follows again when it is back.');
    if (res.status === 401) return askForToken(res.usedToken);
    if (res.status !== 200) return setStatus(`The diagram could not be loaded: ${errorMessage(res.text, `HTTP ${res.status}`)}`);
    want(parseDiagram(res.text));
    // The conversation may have moved on while this was fetched.
    const now = nodeOf(whole, currentBlock) ? currentBlock : whole.start;
    if (now !== target) void follow();
  }

  async function load() {
    const seq = ++loadSeq;
    whole = null;
    wanted = null;
    traffic = null; // another version's: read again once this one has loaded
    setStatus('Loading the diagram…');
    let res;
    try {
      res = await apiGet(`${flowsPath()}/${version}/machine?format=diagram`);
    } catch {
      if (seq === loadSeq) setStatus('The server cannot be reached; the diagram loads when it is back.');
      return;
    }
    if (seq !== loadSeq) return; // the version changed meanwhile
    if (res.status === 401) return askForToken(res.usedToken);
    if (res.status !== 200) return setStatus(`The diagram could not be loaded: ${errorMessage(res.text, `HTTP ${res.status}`)}`);
    try {
      whole = parseDiagram(res.text);
    } catch (err) {
      return setStatus(`The diagram could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
    }
    ui.tokenForm.hidden = true;
    loadedVersion = res.flowVersion;
    ui.version.textContent = loadedVersion ? `· version ${loadedVersion}` : '';
    if (drawn) {
      ui.canvas.replaceChildren();
      drawn = null;
    }
    describeCurrent();
    setStatus(drawsWhole(whole) ? 'Drawing the diagram…' : '');
    if (trafficOn) void loadTraffic();
    void follow();
  }

  /** Shows (or hides) what the toggle says, without any drawing. */
  function showTrafficPanel() {
    ui.trafficButton.setAttribute('aria-pressed', String(trafficOn));
    ui.trafficSummary.hidden = !trafficOn;
    ui.misunderstood.hidden = !(trafficOn && traffic);
    if (!trafficOn) {
      ui.trafficSummary.textContent = '';
      ui.misunderstoodList.replaceChildren();
    }
  }

  /**
   * Reads the statistics of the version shown and draws them in. Never on the chat's way: it runs only
   * once the toggle is on, and the drawing it asks for waits, like every drawing, for the chat to be idle.
   */
  async function loadTraffic() {
    const seq = loadSeq;
    const of = loadedVersion ?? version;
    ui.trafficSummary.textContent = 'Loading the traffic…';
    let res;
    try {
      res = await apiGet(`${flowsPath()}/${of}/stats`);
    } catch {
      res = undefined;
    }
    if (seq !== loadSeq || !trafficOn) return;
    if (!res) return void (ui.trafficSummary.textContent = 'The server cannot be reached; press Traffic again when it is back.');
    if (res.status === 401) return askForToken(res.usedToken);
    if (res.status !== 200) {
      ui.trafficSummary.textContent = `The traffic could not be loaded: ${errorMessage(res.text, `HTTP ${res.status}`)}`;
      return;
    }
    try {
      traffic = parseStats(res.text);
    } catch (err) {
      ui.trafficSummary.textContent = `The traffic could not be loaded: ${err instanceof Error ? err.message : String(err)}`;
      return;
    }
    ui.trafficSummary.textContent = trafficSummary(traffic);
    showMisunderstood(ui.misunderstoodList, traffic);
    showTrafficPanel();
    redraw();
  }

  /** The drawing again (the same diagram, with or without traffic), or whatever follow() decides before the first. */
  function redraw() {
    if (drawn) want(drawn.diagram);
    else void follow();
  }

  async function copyJs() {
    ui.copyFallback.hidden = true;
    ui.copyFallbackLabel.hidden = true;
    ui.copyStatus.textContent = 'Copying…';
    let res;
    try {
      res = await apiGet(`${flowsPath()}/${version}/machine?format=js`);
    } catch {
      ui.copyStatus.textContent = 'The server cannot be reached.';
      return;
    }
    if (res.status === 401) {
      askForToken(res.usedToken);
      ui.copyStatus.textContent = 'Copying needs the API token: enter it above.';
      return;
    }
    if (res.status !== 200) {
      ui.copyStatus.textContent = `The export could not be loaded: ${errorMessage(res.text, `HTTP ${res.status}`)}`;
      return;
    }
    const what = `the JavaScript export of flow version ${res.flowVersion ?? version}`;
    try {
      // Only secure contexts (https, localhost) have the clipboard API; elsewhere this throws.
      await navigator.clipboard.writeText(res.text);
      ui.copyStatus.textContent = `Copied ${what}. Paste it into the Stately visualizer.`;
    } catch {
      ui.copyFallback.value = res.text;
      ui.copyFallback.hidden = false;
      ui.copyFallbackLabel.hidden = false;
      ui.copyFallback.focus();
      ui.copyFallback.select();
      ui.copyStatus.textContent = `The browser did not allow copying, so ${what} is selected below: press Ctrl+C (⌘C on a Mac).`;
    }
  }

  ui.tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = ui.tokenInput.value.trim();
    if (!token) {
      ui.tokenInput.focus();
      return;
    }
    setToken(token);
    ui.tokenInput.value = '';
    void load();
  });
  ui.copyButton.addEventListener('click', () => void copyJs());
  ui.trafficButton.addEventListener('click', () => {
    trafficOn = !trafficOn;
    traffic = null;
    showTrafficPanel();
    // On: read the statistics afresh (they grow while the page is open); off: draw the plain diagram.
    if (trafficOn) {
      if (whole) void loadTraffic();
    } else redraw();
  });
  ui.zoom.addEventListener('click', () => {
    fitChoice = !fit;
    fit = fitChoice;
    applyZoom();
    scrollToCurrent();
  });
  // The fitted size follows the panel's (window resized, panel opened beside the chat).
  new ResizeObserver(() => {
    if (fit) applyZoom();
    scrollToCurrent();
  }).observe(ui.canvas);

  return {
    /** @param {boolean} value */
    setOpen(value) {
      open = value;
      ui.panel.hidden = !value;
      if (!open) return;
      if (whole) void follow();
      else void load();
    },
    /** The conversation's flow version (null: none yet, use the current one). @param {number | null} value */
    setFlowVersion(value) {
      // No conversation yet (a new one is starting): keep what is shown; its first frame names the version.
      if (value === null && whole) return;
      const next = value ?? 'current';
      if (next === version) return;
      version = next;
      // 'current' already loaded as this very version: nothing to fetch again.
      if (whole && String(next) === loadedVersion) return;
      whole = null;
      loadSeq += 1;
      if (open) void load();
    },
    /** @param {string | null} blockId */
    setCurrentBlock(blockId) {
      if ((blockId || null) === currentBlock) return;
      currentBlock = blockId || null;
      describeCurrent();
      void follow();
    },
    /** While the bot is busy its frames are on their way: no drawing starts then. @param {boolean} busy */
    setChatBusy(busy) {
      chatBusy = busy;
      if (busy) return;
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const wake of waiters) wake();
    },
  };
}
