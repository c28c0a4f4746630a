import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorBody } from '../errors';

/**
 * Answers on a bare socket, where no response object exists (a refused WebSocket upgrade, a request
 * Node's HTTP parser rejected), in the same JSON error shape as every other answer, then closes it.
 */
export function endWithError(socket: Duplex, status: number, body: ErrorBody): void {
  const json = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
  );
}
