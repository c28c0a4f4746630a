import type { Logger, LogLevel } from '../../src/util/logger';

export interface LogLine {
  level: LogLevel;
  fields: Record<string, unknown>;
  message: string;
}

/** A Logger that keeps every line, for tests that check what an operator would read. */
export class RecordingLogger implements Logger {
  readonly lines: LogLine[] = [];
  debug(fields: object, message?: string): void {
    this.record('debug', fields, message);
  }
  info(fields: object, message?: string): void {
    this.record('info', fields, message);
  }
  warn(fields: object, message?: string): void {
    this.record('warn', fields, message);
  }
  error(fields: object, message?: string): void {
    this.record('error', fields, message);
  }
  at(level: LogLevel): LogLine[] {
    return this.lines.filter((line) => line.level === level);
  }
  private record(level: LogLevel, fields: object, message = ''): void {
    this.lines.push({ level, fields: fields as Record<string, unknown>, message });
  }
}
