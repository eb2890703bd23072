/**
 * Raw TCP exchanges with the web-mode server, for requests no well-behaved HTTP client would send
 * (unparseable targets, broken headers, bodies past the limit). Only ever connects to 127.0.0.1.
 */
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  /** The first status code the server sent, or undefined when it sent none before closing or timing out. */
  status: number | undefined;
  text: string;
  /** How the exchange ended: the server closed, reset, or we stopped waiting. */
  ended: 'closed' | 'reset' | 'timeout' | 'answered';
}

/** True once `text` holds a whole response: the header block plus its body (none for HEAD). */
function wholeResponse(text: string, bodiless: boolean): boolean {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const head = text.slice(0, end);
  // An interim 100 Continue is not the answer; wait for what follows it.
  if (/^HTTP\/1\.[01] 100 /.test(head)) return wholeResponse(text.slice(end + 4), bodiless);
  if (bodiless) return true;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) return Buffer.byteLength(text.slice(end + 4), 'latin1') >= Number(length[1]);
  // A chunked body ends with its zero-length chunk.
  return /\r\ntransfer-encoding:\s*chunked/i.test(head) ? text.endsWith('\r\n0\r\n\r\n') : true;
}

function finalStatus(text: string): number | undefined {
  const codes = [...text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
  return codes.find((code) => code !== 100) ?? codes[0];
}

/**
 * Sends `data` (or lets `drive` write to the socket) and collects the reply until a whole response
 * came, the server closed or reset the connection, or `timeoutMs` passed.
 */
export function rawExchange(
  port: number,
  data: string | Buffer | ((socket: Socket, answered: () => boolean) => void),
  timeoutMs = 3000,
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const bodiless = typeof data !== 'function' && data.toString('latin1').startsWith('HEAD ');
    let text = '';
    let settled = false;
    const finish = (ended: RawAnswer['ended']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: finalStatus(text), text, ended });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (wholeResponse(text, bodiless)) finish('answered');
    });
    socket.on('end', () => finish('closed'));
    socket.on('close', () => finish('closed'));
    socket.on('error', () => finish(text ? 'closed' : 'reset'));
    socket.on('connect', () => {
      if (typeof data === 'function') data(socket, () => settled || text.length > 0);
      else socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
    });
  });
}
