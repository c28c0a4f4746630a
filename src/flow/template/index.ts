/** Flow texts with `{{name}}` placeholders: the syntax (parse) and how a text is rendered. */
export { renderTemplate, scalarText, variableValue, type SecretResolver, type Variables } from './render';
export {
  parseTemplate,
  SECRET_NAME_PATTERN,
  type ParsedTemplate,
  type Placeholder,
  type PlaceholderScope,
  type TemplateError,
  type TemplateFault,
  type TemplatePart,
} from './parse';
