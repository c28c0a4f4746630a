/**
 * The slice of a logger the intent strategies need. Pino-compatible (`logger.warn(obj, msg)`), so
 * the server passes its pino instance (or a child) straight in; tests pass a jest.fn() pair.
 */
export interface IntentLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export const silentLogger: IntentLogger = {
  warn: () => undefined,
  error: () => undefined,
};
