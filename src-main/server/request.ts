/**
 * Reading what a client sent. Any web page the user visits can reach the loopback server, so the
 * request target and the body are untrusted bytes: reading them never throws; a malformed one
 * becomes an answer (a status and a message) instead (issue #12).
 */
import type { IncomingMessage } from 'node:http';

export const MAX_BODY = 1 << 20;
export const BODY_TOO_LARGE = 'Request body is larger than 1 MiB.';
/** Longer targets are refused (414) before parsing; Node itself refuses a header block over 16 KiB (431). */
export const MAX_TARGET = 8 * 1024;

export interface Refusal {
  status: number;
  message: string;
}

/**
 * The request target as a URL, or why it cannot be one. Only origin-form ("/path?query") is taken:
 * browsers send nothing else to a server that is not a proxy, and `new URL(target, base)` would read
 * a target such as "//name/api/x" as a host name plus a path.
 */
export function parseTarget(target: string | undefined): URL | Refusal {
  if (target === undefined || target === '') return { status: 400, message: 'Missing request target.' };
  if (target.length > MAX_TARGET) return { status: 414, message: `The address is longer than ${MAX_TARGET} characters.` };
  if (!target.startsWith('/')) return { status: 400, message: 'Malformed request target: it must start with "/".' };
  try {
    return new URL(`http://localhost${target}`);
  } catch {
    return { status: 400, message: 'Malformed request target.' };
  }
}

/** A percent-encoded path segment decoded, or undefined when its encoding is malformed (e.g. "%E0%A4%A"). */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * The body as text, or undefined once it is over MAX_BODY (declared by Content-Length, or grown
 * past it while chunked). Then reading stops: the caller answers 413 and closes the connection,
 * rather than reading megabytes it will discard.
 */
export function readBody(req: IncomingMessage): Promise<string | undefined> {
  if (Number(req.headers['content-length']) > MAX_BODY) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) return void chunks.push(chunk);
      req.off('data', onData);
      req.pause();
      resolve(undefined);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    // A client gone before the end of its body: nothing will answer, but the handler must finish.
    req.on('close', () => reject(new Error('The connection closed before the request body ended.')));
  });
}
