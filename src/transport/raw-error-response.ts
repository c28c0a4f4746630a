import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AppError } from '../errors';
import { SECURITY_HEADERS } from './security-headers';

const SECURITY_LINES = Object.entries(SECURITY_HEADERS)
  .map(([name, value]) => `${name}: ${value}\r\n`)
  .join('');

/**
 * Answers on a bare socket, where no response object exists (a refused WebSocket upgrade, a request
 * Node's HTTP parser rejected), in the same JSON error shape and with the same security headers as
 * every other answer, then closes it.
 */
export function endWithError(socket: Duplex, error: AppError): void {
  const { status } = error;
  const json = JSON.stringify(error.toBody());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      SECURITY_LINES +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
  );
}
