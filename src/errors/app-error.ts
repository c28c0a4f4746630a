import type { FlowProblem } from '../flow/problems';

/** The one error shape every transport answers with. */
export interface ErrorBody {
  code: string;
  message: string;
  errors?: FlowProblem[];
}

/**
 * An operational error: a stable machine-readable code, the HTTP status and WebSocket close code it
 * maps to, and a message meant for the client. Only the catalogue (./catalogue.ts) creates them, so
 * every code is declared once; anything else that escapes is a bug and answers 500 `internal_error`.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    /** Close code when the error ends a WebSocket connection; undefined when the socket stays open. */
    readonly closeCode: number | undefined,
    message: string,
    options: { errors?: FlowProblem[]; cause?: unknown; publicMessage?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.errors = options.errors;
    this.publicMessage = options.publicMessage ?? message;
  }

  /** Every problem found, for `invalid_flow`. */
  readonly errors: FlowProblem[] | undefined;
  /** What the client is told; `message` may hold details only the logs may see (a SQLite code, a path). */
  readonly publicMessage: string;

  toBody(): ErrorBody {
    return { code: this.code, message: this.publicMessage, ...(this.errors ? { errors: this.errors } : {}) };
  }
}
