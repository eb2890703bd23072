/**
 * Writing answers. Every helper tolerates a client that is already gone, because a write that
 * throws or emits an unhandled 'error' would take the whole server down (issue #12).
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiErrorShape } from '../api/contracts/common';
import { contentSecurityPolicy } from '../content-security';

export const securityHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': contentSecurityPolicy(),
};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body === undefined ? null : body);
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...securityHeaders, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, error: ApiErrorShape, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error }, headers);
}

/**
 * Answers a request whose body is left unread, then closes the connection: Node ends the socket
 * once the answer is flushed, so the client receives it before the close (RFC 9112 §9.6).
 */
export function sendErrorAndClose(res: ServerResponse, status: number, error: ApiErrorShape): void {
  sendError(res, status, error, { Connection: 'close' });
}

/** Answers on a bare socket (a refused upgrade or CONNECT), where there is no ServerResponse. */
export function refuseSocket(socket: Duplex, status: number, message: string): void {
  if (socket.destroyed || !socket.writable) return void socket.destroy();
  const body = JSON.stringify({ error: { code: 'validation', message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Refused'}\r\nConnection: close\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
