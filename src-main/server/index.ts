/**
 * Web mode: the same renderer and the same contract as the Electron app, served to a browser by a
 * local HTTP server. `POST /api/<method>` with a JSON body answers JSON (errors as
 * `{ error: ApiErrorShape }`), and `GET /api/events` upgrades to a WebSocket carrying JobEvents.
 * Guarded by Host/Origin checks and a per-start token (see guard.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { toApiError } from '../api/jobs';
import type { Service } from '../api/service';
import { ApiError, type ApiErrorShape, type ErrorCode } from '../api/contracts/common';
import { contentSecurityPolicy } from '../electron/security';
import { allowedHosts, hostAllowed, newToken, originAllowed, TOKEN_HEADER, tokenMatches } from './guard';
import { serveStatic } from './static';

export interface WebServerOptions {
  service: Service;
  /** Folder with the built renderer (index.html and assets/). */
  rendererDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
}

export interface WebServer {
  /** The address to open, token included. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

const statusFor: Record<ErrorCode, number> = {
  validation: 400,
  bad_input: 400,
  not_found: 404,
  conflict: 409,
  cancelled: 409,
  unavailable: 503,
  internal: 500,
};

const securityHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': contentSecurityPolicy(),
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body === undefined ? null : body);
  res.writeHead(status, { ...securityHeaders, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, error: ApiErrorShape): void {
  sendJson(res, status, { error });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new ApiError('validation', 'Request body is larger than 1 MiB'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { service, rendererDir } = options;
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  let hosts = new Set<string>();

  /** The checks every request passes; returns a refusal message or undefined. */
  function refusal(req: IncomingMessage, needsToken: boolean, givenToken?: string | null): [number, string] | undefined {
    if (!hostAllowed(req.headers.host, hosts)) return [403, `Refused: unexpected Host "${req.headers.host ?? ''}".`];
    if (!originAllowed(req.headers.origin, hosts)) return [403, `Refused: requests from ${req.headers.origin} are not allowed.`];
    if (needsToken && !tokenMatches(givenToken, token)) return [401, 'Refused: missing or wrong access token. Open the address printed by "llmdirec serve".'];
    return undefined;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendError(res, 405, { code: 'validation', message: 'Use POST with a JSON body.' });
    }
    const type = req.headers['content-type'] ?? '';
    // Requiring JSON also forces a CORS preflight for any cross-site fetch (which is never answered).
    if (!/^application\/json\b/i.test(type)) return sendError(res, 415, { code: 'validation', message: 'Content-Type must be application/json.' });
    let payload: unknown;
    try {
      const text = await readBody(req);
      payload = text.trim() === '' ? {} : JSON.parse(text);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError('validation', `Malformed JSON body: ${(error as Error).message}`);
      return sendError(res, 400, apiError.toJSON());
    }
    try {
      sendJson(res, 200, await service.invoke(method, payload));
    } catch (error) {
      const apiError = toApiError(error);
      sendError(res, statusFor[apiError.code], apiError.toJSON());
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const isApi = url.pathname.startsWith('/api/');
    const refused = refusal(req, isApi, req.headers[TOKEN_HEADER] as string | undefined);
    if (refused) return sendError(res, refused[0], { code: 'validation', message: refused[1] });
    if (isApi) {
      void handleApi(req, res, decodeURIComponent(url.pathname.slice('/api/'.length))).catch((error) => {
        if (!res.headersSent) sendError(res, 500, toApiError(error).toJSON());
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, { code: 'validation', message: 'Method not allowed.' });
    void serveStatic(rendererDir, url.pathname, res, securityHeaders).then((served) => {
      if (!served) sendError(res, 404, { code: 'not_found', message: `No such page: ${url.pathname}` });
    });
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refused = url.pathname === '/api/events' ? refusal(req, true, url.searchParams.get('token')) : [404, 'Not found'];
    if (refused) {
      socket.end(`HTTP/1.1 ${refused[0]} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => {
      const unsubscribe = service.onEvent((event) => {
        // A stalled browser tab must not make the server buffer without bound: drop progress ticks.
        if (event.type === 'progress' && ws.bufferedAmount > 4 << 20) return;
        ws.send(JSON.stringify(event));
      });
      ws.on('close', unsubscribe);
      ws.on('error', unsubscribe);
      ws.on('message', () => undefined);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 5174, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(host, port);
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
