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

/** Thrown by repositories for operational storage faults (read-only file, disk full, locked). */
export class StorageUnavailableError extends Error {
  readonly code = 'storage_unavailable';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StorageUnavailableError';
  }
}

/** A `cursor` that the repository did not hand out (or that was tampered with). Maps to HTTP 400. */
export class InvalidCursorError extends Error {
  readonly code = 'invalid_cursor';
  constructor(message = 'invalid cursor') {
    super(message);
    this.name = 'InvalidCursorError';
  }
}
