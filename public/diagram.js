// The flow diagram: the server's own Mermaid export of the conversation's flow version, drawn by the
// mermaid bundle the server serves from node_modules, with the conversation's current block
// highlighted. The highlight is part of the Mermaid source (a `current` class), so it survives any
// change in how Mermaid lays out or names the SVG it draws.

import { apiGet, errorMessage, setToken } from './api.js';

/** `state "<blockId> (<type>)" as bN`: how the export names each block's node. */
const STATE_LINE = /^\s*state "(.+) \(([a-z]+)\)" as (b\d+)\s*$/;
/** Dark text on amber: 12:1 contrast, and the thick border still marks it in greyscale. */
const CURRENT_CLASS = 'classDef current fill:#ffd43b,stroke:#7a4b00,stroke-width:4px,color:#1a1300,font-weight:bold';

let mermaidReady;

/** Loads /vendor/mermaid.min.js on first use: 3.5 MB that a chat-only visit never needs. */
function loadMermaid() {
  mermaidReady ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/vendor/mermaid.min.js';
    script.onload = () => (window.mermaid ? resolve(window.mermaid) : reject(new Error('mermaid did not load')));
    script.onerror = () => {
      mermaidReady = undefined; // let the next attempt try again
      reject(new Error('the diagram library could not be loaded'));
    };
    document.head.append(script);
  }).then((mermaid) => {
    // strict: labels are text, no click handlers or HTML; nothing is fetched from elsewhere.
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default', fontFamily: 'system-ui, sans-serif' });
    return mermaid;
  });
  return mermaidReady;
}

function parseNodes(source) {
  const nodes = new Map();
  for (const line of source.split('\n')) {
    const match = STATE_LINE.exec(line);
    if (match) nodes.set(match[1], { node: match[3], type: match[2] });
  }
  return nodes;
}

/** The source with `blockId`'s node in the `current` class instead of its usual one. */
export function withHighlight(source, nodes, blockId) {
  const entry = blockId ? nodes.get(blockId) : undefined;
  if (!entry) return source;
  const ownClass = new RegExp(`^\\s*class ${entry.node}\\s`);
  const lines = source
    .trimEnd()
    .split('\n')
    .filter((line) => !ownClass.test(line));
  lines.push(`  ${CURRENT_CLASS}`, `  class ${entry.node} current`);
  return `${lines.join('\n')}\n`;
}

/** @param ui DOM elements of the diagram panel */
export function createDiagram(ui) {
  let version = 'current'; // a flow version number, or 'current' before the conversation says
  let loadedVersion = null;
  let source = null;
  let nodes = new Map();
  let currentBlock = null;
  let open = false;
  let loadSeq = 0;
  let rendering = false;
  let renderAgain = false;
  let renderCount = 0;
  /** Fit to the panel (Mermaid's default), or the diagram's own size with scrolling. */
  let actualSize = false;

  /** Wide flows shrink to unreadable text when fitted to a narrow panel; actual size scrolls instead. */
  function applyZoom() {
    ui.zoom.setAttribute('aria-pressed', String(actualSize));
    const svg = ui.canvas.querySelector('svg');
    const width = Math.ceil(svg?.viewBox.baseVal?.width ?? 0);
    if (!svg || !width) return;
    svg.setAttribute('width', actualSize ? String(width) : '100%');
    svg.style.maxWidth = actualSize ? 'none' : `${width}px`;
  }

  const setStatus = (text) => {
    ui.status.textContent = text;
  };

  function describeCurrent() {
    const entry = currentBlock ? nodes.get(currentBlock) : undefined;
    if (!currentBlock) ui.current.textContent = 'Current block: not started';
    else ui.current.textContent = `Current block: ${currentBlock}${entry ? ` (${entry.type})` : ''}`;
  }

  function askForToken(rejected) {
    ui.tokenForm.hidden = false;
    ui.tokenMessage.textContent = rejected
      ? 'The API token was not accepted (401 Unauthorized). Check it and try again.'
      : 'This server protects its API with a token (API_TOKEN) and the diagram is read from the API. Enter the token to see it; chatting works without it.';
    ui.canvas.replaceChildren();
    setStatus('');
  }

  async function load() {
    const seq = ++loadSeq;
    setStatus('Loading the diagram…');
    let res;
    try {
      res = await apiGet(`/api/flows/${version}/machine?format=mermaid`);
    } catch {
      if (seq === loadSeq) setStatus('The server cannot be reached; the diagram loads when it is back.');
      return;
    }
    if (seq !== loadSeq) return; // the version changed meanwhile
    if (res.status === 401) return askForToken(res.usedToken);
    if (res.status !== 200) return setStatus(`The diagram could not be loaded: ${errorMessage(res.text, `HTTP ${res.status}`)}`);
    ui.tokenForm.hidden = true;
    source = res.text;
    nodes = parseNodes(source);
    loadedVersion = res.flowVersion;
    ui.version.textContent = loadedVersion ? `· version ${loadedVersion}` : '';
    describeCurrent();
    await render();
  }

  /** Renders the latest state; calls that arrive during a render are folded into one more render. */
  async function render() {
    if (!source || !open) return;
    if (rendering) {
      renderAgain = true;
      return;
    }
    rendering = true;
    try {
      do {
        renderAgain = false;
        const mermaid = await loadMermaid();
        const { svg } = await mermaid.render(`flow-diagram-${++renderCount}`, withHighlight(source, nodes, currentBlock));
        // Mermaid's output is markup; parsing it into an inert document and moving the <svg> node over
        // keeps innerHTML out of the page. (securityLevel strict has already sanitised the labels.)
        const element = new DOMParser().parseFromString(svg, 'text/html').body.querySelector('svg');
        if (!element) throw new Error('no SVG was produced');
        element.setAttribute('role', 'img');
        element.setAttribute(
          'aria-label',
          `Flow diagram${loadedVersion ? ` of version ${loadedVersion}` : ''}. ${ui.current.textContent}.`,
        );
        ui.canvas.replaceChildren(document.adoptNode(element));
        applyZoom();
        ui.canvas.dataset.currentBlock = currentBlock ?? '';
        setStatus('');
      } while (renderAgain);
    } catch (err) {
      setStatus(`The diagram could not be drawn: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      rendering = false;
    }
  }

  async function copyJs() {
    ui.copyFallback.hidden = true;
    ui.copyFallbackLabel.hidden = true;
    ui.copyStatus.textContent = 'Copying…';
    let res;
    try {
      res = await apiGet(`/api/flows/${version}/machine?format=js`);
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
  ui.zoom.addEventListener('click', () => {
    actualSize = !actualSize;
    applyZoom();
  });

  return {
    setOpen(value) {
      open = value;
      ui.panel.hidden = !value;
      if (!open) return;
      if (source) void render();
      else void load();
    },
    /** The conversation's flow version (null: none yet, use the current one). */
    setFlowVersion(value) {
      const next = value ?? 'current';
      if (next === version) return;
      version = next;
      // 'current' already loaded as this very version: nothing to fetch again.
      if (source && String(next) === loadedVersion) return;
      source = null;
      if (open) void load();
    },
    setCurrentBlock(blockId) {
      if (blockId === currentBlock) return;
      currentBlock = blockId || null;
      describeCurrent();
      void render();
    },
  };
}
