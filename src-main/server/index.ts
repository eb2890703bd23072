/**
 * Web mode: the same renderer and the same contract as the Electron app, served to a browser by a
 * local HTTP server. `POST /api/<method>` with a JSON body answers JSON (errors as
 * `{ error: ApiErrorShape }`), `GET /api/events` upgrades to a WebSocket carrying JobEvents, and
 * `GET /api/download/<jobId>` sends the file an export job wrote (download.ts).
 * Guarded by Host/Origin checks and a per-start token (see guard.ts). Any web page can reach it, so
 * every request, however malformed, gets an answer and nothing a client sends can end the process.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { toApiError } from '../api/jobs';
import type { Service } from '../api/service';
import { ApiError, type ErrorCode } from '../api/contracts/common';
import { allowedHosts, bindRefusal, hostAllowed, newToken, originAllowed, TOKEN_HEADER, tokenMatches } from './guard';
import { BODY_TOO_LARGE, decodeSegment, parseTarget, readBody, type Refusal } from './request';
import { refuseSocket, securityHeaders, sendError, sendErrorAndClose, sendJson } from './respond';
import { sendJobFile } from './download';
import { serveStatic } from './static';

export interface WebServerOptions {
  service: Service;
  /** Folder with the built renderer (index.html and assets/). */
  rendererDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  /** Where unexpected errors are reported (default: stderr). */
  log?: (line: string) => void;
}

export interface WebServer {
  /** The address to open, token included. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const statusFor: Record<ErrorCode, number> = {
  validation: 400,
  bad_input: 400,
  not_found: 404,
  conflict: 409,
  cancelled: 409,
  unavailable: 503,
  internal: 500,
};

const INTERNAL = { code: 'internal', message: 'Internal server error (details are in the server log).' } as const;

const refuse = (res: ServerResponse, refusal: Refusal) => sendError(res, refusal.status, { code: 'validation', message: refusal.message });

const describeError = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error));

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { service, rendererDir } = options;
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  const refusal = bindRefusal(host, token);
  if (refusal) throw new ApiError('validation', refusal);
  let hosts = new Set<string>();

  const log = options.log ?? ((line: string) => console.error(line));

  /** Host and Origin, checked before anything in the request is parsed. */
  function peerRefusal(req: IncomingMessage): Refusal | undefined {
    if (!hostAllowed(req.headers.host, hosts)) return { status: 403, message: `Refused: unexpected Host "${req.headers.host ?? ''}".` };
    if (!originAllowed(req.headers.origin, hosts)) return { status: 403, message: `Refused: requests from ${req.headers.origin} are not allowed.` };
    return undefined;
  }

  function tokenRefusal(given: unknown): Refusal | undefined {
    if (tokenMatches(given, token)) return undefined;
    return { status: 401, message: 'Refused: missing or wrong access token. Open the address printed by "llmdirec serve".' };
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendError(res, 405, { code: 'validation', message: 'Use POST with a JSON body.' });
    }
    const type = req.headers['content-type'] ?? '';
    // Requiring JSON also forces a CORS preflight for any cross-site fetch (which is never answered).
    if (!/^application\/json\b/i.test(type)) return sendError(res, 415, { code: 'validation', message: 'Content-Type must be application/json.' });
    const text = await readBody(req).catch(() => null);
    // The client went away in the middle of its body: nobody is left to answer.
    if (text === null) return;
    if (text === undefined) return sendErrorAndClose(res, 413, { code: 'validation', message: BODY_TOO_LARGE });
    let payload: unknown;
    try {
      payload = text.trim() === '' ? {} : JSON.parse(text);
    } catch (error) {
      return sendError(res, 400, new ApiError('validation', `Malformed JSON body: ${(error as Error).message}`).toJSON());
    }
    try {
      sendJson(res, 200, await service.invoke(method, payload));
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError.code === 'internal') log(`POST /api/${method} failed: ${describeError(error)}`);
      sendError(res, statusFor[apiError.code], apiError.toJSON());
    }
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const peer = peerRefusal(req);
    if (peer) return refuse(res, peer);
    const url = parseTarget(req.url);
    if (!(url instanceof URL)) return refuse(res, url);
    if (url.pathname.startsWith('/api/')) {
      const noToken = tokenRefusal(req.headers[TOKEN_HEADER]);
      if (noToken) return refuse(res, noToken);
      const method = decodeSegment(url.pathname.slice('/api/'.length));
      if (method === undefined) return refuse(res, { status: 400, message: 'Malformed percent-encoding in the address.' });
      if (req.method === 'GET' && method.startsWith('download/')) return sendJobFile(service, method.slice('download/'.length), res);
      return handleApi(req, res, method);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, { code: 'validation', message: 'Method not allowed.' });
    if (!(await serveStatic(rendererDir, url.pathname, res, securityHeaders))) {
      sendError(res, 404, { code: 'not_found', message: `No such page: ${url.pathname}` });
    }
  }

  // One guard around the whole request: a throw that escaped here would end the process (issue #12).
  const server = createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      log(`${req.method} ${req.url} failed: ${describeError(error)}`);
      if (res.headersSent) res.destroy();
      else sendError(res, 500, INTERNAL);
    });
  });
  // Node drops a CONNECT nobody listens for without a word; answer it like any unsupported method.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    refuseSocket(socket, 405, 'CONNECT is not supported.');
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 });

  function subscribe(ws: WebSocket): void {
    const unsubscribe = service.onEvent((event) => {
      // A stalled browser tab must not make the server buffer without bound: drop progress ticks.
      if (ws.readyState !== WebSocket.OPEN || (event.type === 'progress' && ws.bufferedAmount > 4 << 20)) return;
      ws.send(JSON.stringify(event));
    });
    ws.on('close', unsubscribe);
    ws.on('error', unsubscribe);
    ws.on('message', () => undefined);
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = parseTarget(req.url);
    const refused =
      peerRefusal(req) ??
      (!(url instanceof URL) ? url : url.pathname === '/api/events' ? tokenRefusal(url.searchParams.get('token')) : { status: 404, message: 'Not found.' });
    if (refused) return refuseSocket(socket, refused.status, refused.message);
    sockets.handleUpgrade(req, socket, head, (ws) => {
      // The socket is a WebSocket by now: a failure is reported as a close code, not an HTTP status.
      try {
        subscribe(ws);
      } catch (error) {
        log(`WebSocket ${req.url} failed: ${describeError(error)}`);
        ws.close(1011, 'Internal server error');
      }
    });
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node leaves an upgrade socket's errors to this listener: a client's reset must not crash the process.
    socket.on('error', () => socket.destroy());
    try {
      upgrade(req, socket, head);
    } catch (error) {
      log(`Upgrade ${req.url} failed: ${describeError(error)}`);
      refuseSocket(socket, 500, INTERNAL.message);
    }
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
