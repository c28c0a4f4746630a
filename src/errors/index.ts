/** The error catalogue and the error type it creates. */
export { AppError, type ErrorBody } from './app-error';
export { errors, ERROR_CATALOGUE, CLOSE_CODES, type ErrorDefinition, type ErrorName } from './catalogue';
