/**
 * Any web page the user visits can reach the loopback server, so no request, however malformed,
 * may stop it (issue #12): every one gets an HTTP answer and the server keeps serving. The requests
 * go over raw sockets because a well-behaved HTTP client refuses to send most of them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../../src-main/api/service';
import { startWebServer, type WebServer } from '../../../src-main/server';
import { openWorkstation } from '../../../src-main/workstation';
import { rawExchange } from './raw-http';

let dir: string;
let service: Service;
let server: WebServer;
const logged: string[] = [];
/** Errors that escaped the server: in `llmdirec serve` each of these would have ended the process. */
const escaped: unknown[] = [];
const onEscape = (error: unknown) => void escaped.push(error);

beforeAll(async () => {
  process.on('uncaughtException', onEscape);
  process.on('unhandledRejection', onEscape);
  dir = mkdtempSync(join(tmpdir(), 'llmdirec-fuzz-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  service = openWorkstation({ dbFile: join(dir, 'db.sqlite') });
  server = await startWebServer({ service, rendererDir, port: 0, log: (line) => logged.push(line) });
});

afterAll(async () => {
  process.off('uncaughtException', onEscape);
  process.off('unhandledRejection', onEscape);
  await server?.close();
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

const host = () => `127.0.0.1:${server.port}`;
const upgradeHeaders = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';
/** A request with our Host; `headers` are extra raw header lines, each ending in \r\n. */
const raw = (line: string, headers = '', body = '') => `${line}\r\nHost: ${host()}\r\n${headers}\r\n${body}`;
const json = (line: string, body: string, extra = '') =>
  raw(line, `Content-Type: application/json\r\nX-LLMDiRec-Token: ${server.token}\r\nContent-Length: ${Buffer.byteLength(body, 'latin1')}\r\n${extra}`, body);

async function expectAnswered(request: string | Buffer, allowed?: number[]) {
  const answer = await rawExchange(server.port, request);
  const shown = JSON.stringify(String(request).slice(0, 120));
  expect(answer.status, `no answer to ${shown} (${answer.ended})`).toBeDefined();
  if (allowed) expect(allowed, `answer to ${shown}: ${answer.text.slice(0, 200)}`).toContain(answer.status);
  else expect(answer.status, `answer to ${shown}: ${answer.text.slice(0, 200)}`).toBeLessThan(500);
  return answer;
}

async function expectStillServing() {
  // Errors from a reset socket surface a moment after the exchange.
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(escaped.map((error) => String(error))).toEqual([]);
  const page = await rawExchange(server.port, raw('GET / HTTP/1.1', 'Connection: close\r\n'));
  expect(page.status).toBe(200);
  const list = await rawExchange(server.port, json('POST /api/datasets.list HTTP/1.1', '{}', 'Connection: close\r\n'));
  expect(list.status).toBe(200);
  expect(list.text).toMatch(/\r\n\[\]\r\n/);
}

/** mulberry32: a small seeded generator, so a failing fuzz case is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('malformed requests', () => {
  it('answers an unparseable target (//[) without a token, and keeps serving', async () => {
    await expectAnswered(raw('GET //[ HTTP/1.1'), [400, 404]);
    // A page in another origin, through a no-cors fetch: its POST carries the page's Origin.
    await expectAnswered(raw('POST //[ HTTP/1.1', 'Origin: http://evil.example\r\nContent-Length: 0\r\n'), [403]);
    await expectAnswered(raw('GET //[::1 HTTP/1.1'), [400, 404]);
    await expectStillServing();
  });

  it('answers a malformed percent-encoding in an API path with 400', async () => {
    const answer = await expectAnswered(json('POST /api/%E0%A4%A HTTP/1.1', '{}'), [400]);
    expect(answer.text).toMatch(/percent-encoding/);
    await expectAnswered(raw('GET /%E0%A4%A HTTP/1.1'), [400, 404]);
    await expectStillServing();
  });

  it('answers malformed WebSocket upgrades', async () => {
    const token = server.token;
    const cases = [
      raw('GET //[ HTTP/1.1', upgradeHeaders),
      raw('GET //[ HTTP/1.1', `Origin: http://evil.example\r\n${upgradeHeaders}`),
      raw(`GET /api/%E0%A4%A?token=${token} HTTP/1.1`, upgradeHeaders),
      raw(`GET /api/events?token=%E0%A4%A HTTP/1.1`, upgradeHeaders),
      raw('GET * HTTP/1.1', upgradeHeaders),
      raw(`GET /api/events?token=${token} HTTP/1.1`, 'Upgrade: websocket\r\nConnection: Upgrade\r\n'),
      raw(`GET /api/events?token=${token} HTTP/1.1`, 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 99\r\n'),
      raw(`POST /api/events?token=${token} HTTP/1.1`, `${upgradeHeaders}Content-Length: 3\r\n`, 'abc'),
      raw(`GET /api/events?token=${token} HTTP/1.1`, 'Upgrade: h2c\r\nConnection: Upgrade\r\n'),
      raw('GET / HTTP/1.1', upgradeHeaders),
      raw('CONNECT 127.0.0.1:1 HTTP/1.1'),
    ];
    for (const request of cases) await expectAnswered(request);
    const pickTarget = (i: number) => ['GET / HTTP/1.1', `GET /api/events?token=${token}x HTTP/1.1`, 'GET //[ HTTP/1.1'][i % 3] as string;
    // A client that resets the connection right after its upgrade request must not take the server down.
    for (let i = 0; i < 40; i += 1) {
      await rawExchange(server.port, (socket) => {
        socket.write(raw(pickTarget(i), `${'X-Pad: y\r\n'.repeat(i)}${upgradeHeaders}`));
        socket.resetAndDestroy();
      }, 500);
    }
    await expectStillServing();
  });

  it('answers malformed request lines, headers, encodings and bodies (fuzz)', async () => {
    const token = server.token;
    const curated: (string | Buffer)[] = [
      'GARBAGE\r\n\r\n',
      '\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n\r\n',
      'GET / HTTP/9.9\r\n\r\n',
      'GET /\r\n\r\n',
      'GET / HTTP/1.1\r\n\r\n', // no Host
      raw('GET * HTTP/1.1'),
      raw('OPTIONS * HTTP/1.1'),
      raw('GET http://[ HTTP/1.1'),
      raw(`GET http://${'127.0.0.1'}:1/ HTTP/1.1`),
      raw('GET ////// HTTP/1.1'),
      raw('GET /%00 HTTP/1.1'),
      raw('GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1'),
      raw('GET /%ZZ HTTP/1.1'),
      raw('GET /% HTTP/1.1'),
      raw(`GET /${'a'.repeat(10_000)} HTTP/1.1`),
      raw(`GET /${'a'.repeat(20_000)} HTTP/1.1`),
      raw(`GET /api/${'%E0'.repeat(2000)} HTTP/1.1`, `X-LLMDiRec-Token: ${token}\r\n`),
      raw('GET / HTTP/1.1', 'Bad Header: x\r\n'),
      raw('GET / HTTP/1.1', 'X: \x00\x01\x7f\r\n'),
      raw('GET / HTTP/1.1', `${'X-Filler: y\r\n'.repeat(3000)}`),
      'GET / HTTP/1.1\r\nHost: [\r\n\r\n',
      'GET / HTTP/1.1\r\nHost:\r\n\r\n',
      `GET / HTTP/1.1\r\nHost: ${'127.0.0.1'}:${'9'.repeat(50)}\r\n\r\n`,
      raw('GET / HTTP/1.1', 'Origin: http://[\r\n'),
      raw('GET / HTTP/1.1', 'Origin: null\r\nOrigin: %\r\n'),
      raw('GET / HTTP/1.1', 'Origin: \xff\xfe\r\n'),
      raw('POST /api/datasets.list HTTP/1.1', `X-LLMDiRec-Token: \xe9\xff${token}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n`, '{}'),
      raw('POST /api/datasets.list HTTP/1.1', `X-LLMDiRec-Token: ${token}\r\nX-LLMDiRec-Token: ${token}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n`, '{}'),
      json('POST /api/datasets.list HTTP/1.1', '{'),
      json('POST /api/datasets.list HTTP/1.1', '\xff\xfe\x00'),
      json('POST /api/datasets.list HTTP/1.1', '{"__proto__":{"polluted":1}}'),
      json('POST /api/datasets.list HTTP/1.1', '['.repeat(100_000)),
      json('POST /api/datasets.stats HTTP/1.1', JSON.stringify({ name: 'x'.repeat(500_000) })),
      json('POST /api/datasets.stats HTTP/1.1', '{"name":"\\ud800"}'),
      json('POST /api/ HTTP/1.1', '{}'),
      json('POST /api/constructor HTTP/1.1', '{}'),
      json('POST /api/__proto__ HTTP/1.1', '{}'),
      json('POST /api/datasets.list/../../x HTTP/1.1', '{}'),
      json('PUT /api/datasets.list HTTP/1.1', '{}'),
      json('DELETE / HTTP/1.1', ''),
      raw('POST /api/datasets.list HTTP/1.1', `X-LLMDiRec-Token: ${token}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n`, '{}'),
      raw('POST /api/datasets.list HTTP/1.1', `X-LLMDiRec-Token: ${token}\r\nContent-Type: application/json\r\nContent-Length: -1\r\n`),
      raw('POST /api/datasets.list HTTP/1.1', `X-LLMDiRec-Token: ${token}\r\nContent-Type: application/json\r\nContent-Length: abc\r\n`),
      raw('POST /api/datasets.list HTTP/1.1', `X-LLMDiRec-Token: ${token}\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999\r\n`),
      raw('POST /api/datasets.list HTTP/1.1', `X-LLMDiRec-Token: ${token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n`, 'zz\r\n{}\r\n0\r\n\r\n'),
      raw('POST /api/datasets.list HTTP/1.1', `X-LLMDiRec-Token: ${token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n`, '2\r\n{}\r\n0\r\n\r\n'),
      raw('POST /api/datasets.list HTTP/1.1', `X-LLMDiRec-Token: ${token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n`, '{}'),
      raw('POST /api/datasets.list HTTP/1.1', `X-LLMDiRec-Token: ${token}\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n`, '0\r\n\r\n'),
      raw('POST /api/datasets.list HTTP/1.1', `X-LLMDiRec-Token: ${token}\r\nContent-Type: application/json; charset=\xff\r\nContent-Length: 2\r\n`, '{}'),
      Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]), // a TLS hello
      Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'),
      // Two requests in one write: a malformed one behind a good one.
      `${raw('GET / HTTP/1.1')}${raw('GET //[ HTTP/1.1')}`,
    ];
    for (const request of curated) await expectAnswered(request);

    // Generated request lines: the characters URL and percent-decoding choke on, in random order.
    const random = seeded(12);
    const nasty = ['%', '%E0', '%A4', '%ZZ', '%00', '[', ']', '/', '//', '\\', ':', '@', '?', '#', '..', '.', 'api', 'events', '\x7f', '\xff', '~', ';', '=', '&', '+'];
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
    const started = Date.now();
    for (let i = 0; i < 150 && Date.now() - started < 20_000; i += 1) {
      const target = `${random() < 0.8 ? '/' : ''}${Array.from({ length: 1 + Math.floor(random() * 8) }, () => pick(nasty)).join('')}`;
      const method = pick(['GET', 'POST', 'HEAD', 'OPTIONS', 'PATCH']);
      let headers = pick(['', `X-LLMDiRec-Token: ${token}\r\n`, 'Origin: http://evil.example\r\n', `Origin: http://${host()}\r\n`]);
      if (random() < 0.3) headers += upgradeHeaders;
      const body = method === 'POST' ? pick(['{}', '{', '', '\xff']) : '';
      if (body) headers += `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n`;
      await expectAnswered(raw(`${method} ${target} HTTP/1.1`, headers, body));
    }
    await expectStillServing();
  });
});
