import type { CompiledFlow } from '../compile';
import { toDiagram } from './diagram';
import { toMermaid } from './mermaid';

export const EXPORT_FORMATS = ['json', 'js', 'mermaid', 'diagram'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === 'string' && (EXPORT_FORMATS as readonly string[]).includes(value);
}

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  json: 'application/json; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mermaid: 'text/plain; charset=utf-8',
  diagram: 'application/json; charset=utf-8',
};

/** The machine config as JSON text, exactly what `createMachine()` accepts. */
export function toJson(compiled: CompiledFlow): string {
  return JSON.stringify(compiled.config, null, 2);
}

/**
 * JavaScript that pastes into the Stately visualizer (stately.ai/viz) or runs as a module. Behaviour is
 * referenced by name, as in the JSON; the visualizer draws states, transitions, guards and actions.
 */
export function toJavaScript(compiled: CompiledFlow): string {
  return [
    `// ${compiled.flow.name.replace(/[\r\n]+/g, ' ')}: compiled by flowbot. Paste into https://stately.ai/viz`,
    `import { createMachine } from 'xstate';`,
    '',
    `export const machine = createMachine(${toJson(compiled)});`,
    '',
  ].join('\n');
}

/** The whole flow in `format` (the `diagram` format's neighbourhood form is `toDiagram`). */
export function exportMachine(compiled: CompiledFlow, format: ExportFormat): string {
  switch (format) {
    case 'json':
      return toJson(compiled);
    case 'js':
      return toJavaScript(compiled);
    case 'mermaid':
      return toMermaid(compiled);
    case 'diagram':
      return JSON.stringify(toDiagram(compiled));
  }
}

export { toMermaid };
export { DEFAULT_DIAGRAM_DEPTH, MAX_DIAGRAM_DEPTH, MAX_NEIGHBOURHOOD_BLOCKS, type Neighbourhood, toDiagram } from './diagram';
