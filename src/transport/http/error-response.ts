import { AppError, type ErrorBody, type ErrorDefinition, errors } from '../../errors';

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

const RESTIFY_ERRORS: Record<string, () => AppError> = {
  ResourceNotFoundError: () => errors.notFound(),
  MethodNotAllowedError: () => errors.methodNotAllowed(),
  NotAcceptableError: () => errors.notAcceptable(),
  UnsupportedMediaTypeError: () => errors.unsupportedMediaType(),
};

const answer = (err: AppError): { status: number; body: ErrorBody } => ({ status: err.status, body: err.toBody() });
const fixed = (definition: ErrorDefinition<[]>): { status: number; body: ErrorBody } => answer(definition());

/**
 * The one place that turns any error into the one error shape `{code, message, errors?}`. Operational
 * errors keep their message; anything unexpected is logged and answered as a bare 500: no stack traces
 * or internal paths ever reach a client.
 */
export function toErrorResponse(err: unknown, logger: ErrorLogger): { status: number; body: ErrorBody } {
  if (err instanceof AppError) return answer(err);
  if (err instanceof URIError) return fixed(errors.invalidUrl);
  if (isRestifyError(err) && err.statusCode >= 400 && err.statusCode < 500) {
    const known = RESTIFY_ERRORS[err.name];
    if (known) return answer(known());
    return { status: err.statusCode, body: { code: errors.badRequest.code, message: 'bad request' } };
  }
  logger.error({ err }, 'unexpected error while handling a request');
  return answer(errors.internalError());
}
