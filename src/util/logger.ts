/**
 * The one logger type: pino's call shape (`logger.warn({ ...fields }, 'message')`, fields first, as
 * pino wants on hot paths), so the server passes its pino instance (or a child) everywhere and tests
 * pass a recording fake. A module that needs less asks for a Pick of it (`Pick<Logger, 'warn'>`),
 * never for a logger interface of its own.
 */
export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

export type LogLevel = keyof Logger;

const ignore = (): void => undefined;

/** Drops everything: the default where logging is optional. */
export const silentLogger: Logger = Object.freeze({ debug: ignore, info: ignore, warn: ignore, error: ignore });
