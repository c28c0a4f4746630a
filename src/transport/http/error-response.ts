import { AppError, type ErrorBody, InvalidCursorError, StorageUnavailableError } from '../../errors';

export interface ErrorLogger {
  error(obj: object, msg?: string): void;
}

/** Restify's own errors (no route, wrong method...) carry a status and a name like "ResourceNotFoundError". */
interface RestifyHttpError {
  statusCode: number;
  name: string;
}

function isRestifyError(err: unknown): err is RestifyHttpError {
  return err instanceof Error && typeof (err as Partial<RestifyHttpError>).statusCode === 'number';
}

const RESTIFY_CODES: Record<string, [string, string]> = {
  ResourceNotFoundError: ['not_found', 'no such endpoint'],
  MethodNotAllowedError: ['method_not_allowed', 'method not allowed on this endpoint'],
  NotAcceptableError: ['not_acceptable', 'cannot answer in an acceptable media type'],
  UnsupportedMediaTypeError: ['unsupported_media_type', 'unsupported media type'],
  BadRequestError: ['bad_request', 'bad request'],
};

/**
 * The one place that turns any error into the one error shape `{code, message, errors?}`. Operational
 * errors keep their message; anything unexpected is logged and answered as a bare 500: no stack traces
 * or internal paths ever reach a client.
 */
export function toErrorResponse(err: unknown, logger: ErrorLogger): { status: number; body: ErrorBody } {
  if (err instanceof AppError) return { status: err.status, body: err.toBody() };
  if (err instanceof StorageUnavailableError) {
    return { status: 503, body: { code: 'storage_unavailable', message: 'storage is unavailable; try again later' } };
  }
  if (err instanceof InvalidCursorError) return { status: 400, body: { code: 'invalid_cursor', message: 'the cursor is invalid' } };
  if (err instanceof URIError) return { status: 400, body: { code: 'invalid_url', message: 'the URL has invalid percent-encoding' } };
  if (isRestifyError(err) && err.statusCode >= 400 && err.statusCode < 500) {
    const [code, message] = RESTIFY_CODES[err.name] ?? ['bad_request', 'bad request'];
    return { status: err.statusCode, body: { code, message } };
  }
  logger.error({ err }, 'unexpected error while handling a request');
  return { status: 500, body: { code: 'internal_error', message: 'internal error' } };
}
