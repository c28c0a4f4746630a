/** Flow texts with `{{name}}` placeholders: the syntax (parse) and how a text is rendered. */
export { renderTemplate } from './render';
export { parseTemplate, type ParsedTemplate, type Placeholder, type TemplateError, type TemplateFault, type TemplatePart } from './parse';
