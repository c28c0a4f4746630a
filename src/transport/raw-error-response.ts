import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AppError } from '../errors';

/**
 * Answers on a bare socket, where no response object exists (a refused WebSocket upgrade, a request
 * Node's HTTP parser rejected), in the same JSON error shape as every other answer, then closes it.
 */
export function endWithError(socket: Duplex, error: AppError): void {
  const { status } = error;
  const json = JSON.stringify(error.toBody());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
  );
}
