import type { FlowProblem } from './flow/problems';

/**
 * An operational error with a stable machine-readable code and the HTTP status it maps to. Services throw
 * these; the HTTP error handler and the WebSocket gateway turn them into the one error shape:
 * `{ code, message, errors? }`. Anything else that escapes is a bug and answers 500 `internal_error`.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: FlowProblem[],
  ) {
    super(message);
    this.name = 'AppError';
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, ...(this.errors ? { errors: this.errors } : {}) };
  }
}

export interface ErrorBody {
  code: string;
  message: string;
  errors?: FlowProblem[];
}

export const notFound = (what: string): AppError => new AppError(404, 'not_found', `${what} not found`);
