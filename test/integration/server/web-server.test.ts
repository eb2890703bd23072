import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Service } from '../../../src-main/api/service';
import { startWebServer, type WebServer } from '../../../src-main/server';
import { openWorkstation } from '../../../src-main/workstation';

let dir: string;
let service: Service;
let server: WebServer;

/** A raw request, so tests can send the Host and Origin headers a browser or an attacker would. */
function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, method: options.method ?? 'GET', headers: { Host: `127.0.0.1:${server.port}`, ...options.headers } },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const api = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  send(`/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-LLMDiRec-Token': server.token, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmdirec-web-'));
  const rendererDir = join(dir, 'renderer');
  (await import('node:fs')).mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(dir, 'secret.txt'), 'secret');
  service = openWorkstation({ dbFile: join(dir, 'db.sqlite') });
  server = await startWebServer({ service, rendererDir, port: 0 });
});

afterAll(async () => {
  await server?.close();
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('web-mode server', () => {
  it('prints a loopback URL with the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
  });

  it('serves the renderer with a CSP', async () => {
    const res = await send('/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>t</title>');
    expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('answers a contract call with JSON', async () => {
    const res = await api('datasets.list', {});
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual([]);
  });

  it('refuses a request without the token, or with a wrong one', async () => {
    const missing = await send('/api/datasets.list', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.body).error.message).toMatch(/token/);
    const wrong = await api('datasets.list', {}, { 'X-LLMDiRec-Token': 'guess' });
    expect(wrong.status).toBe(401);
  });

  it('refuses a foreign Origin even with the token', async () => {
    const res = await api('datasets.list', {}, { Origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.message).toMatch(/evil\.example/);
    const ok = await api('datasets.list', {}, { Origin: `http://127.0.0.1:${server.port}` });
    expect(ok.status).toBe(200);
  });

  it('refuses a foreign Host (DNS rebinding), for pages as well as the API', async () => {
    expect((await api('datasets.list', {}, { Host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await send('/', { headers: { Host: `evil.example:${server.port}` } })).status).toBe(403);
  });

  it('answers a malformed payload with 400 and the contract message', async () => {
    const res = await api('datasets.stats', { name: '' });
    expect(res.status).toBe(400);
    const { error } = JSON.parse(res.body);
    expect(error.code).toBe('validation');
    expect(error.message).toBe('Invalid request for datasets.stats: name: A name is required');
    const extra = await api('datasets.list', { sneaky: 1 });
    expect(extra.status).toBe(400);
  });

  it('answers broken JSON, unknown methods and wrong content types with errors', async () => {
    const broken = await api('datasets.list', '{not json');
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body).error.message).toMatch(/Malformed JSON/);
    const unknown = await api('fs.readFile', {});
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body).error.message).toBe('Unknown method: fs.readFile');
    const form = await api('datasets.list', 'a=1', { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    const get = await send('/api/datasets.list', { headers: { 'X-LLMDiRec-Token': server.token } });
    expect(get.status).toBe(405);
  });

  it('maps not-found errors to 404', async () => {
    const res = await api('datasets.stats', { name: 'nope' });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body).error.code).toBe('not_found');
  });

  it('does not serve files outside the renderer folder', async () => {
    expect((await send('/%2e%2e/secret.txt')).status).toBe(404);
    expect((await send('/..%2fsecret.txt')).status).toBe(404);
  });

  it('streams job events over the WebSocket only with the token and our Origin', async () => {
    const url = `ws://127.0.0.1:${server.port}/api/events`;
    const refused = (u: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(u, { headers });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => (ws.close(), resolve(101)));
        ws.on('error', () => undefined);
      });
    expect(await refused(url)).toBe(401);
    expect(await refused(`${url}?token=${server.token}`, { Origin: 'http://evil.example' })).toBe(403);

    const ws = new WebSocket(`${url}?token=${server.token}`, { headers: { Origin: `http://127.0.0.1:${server.port}` } });
    await new Promise((resolve, reject) => (ws.on('open', resolve), ws.on('error', reject)));
    const events: { type: string }[] = [];
    const finished = new Promise<void>((resolve) =>
      ws.on('message', (data) => {
        const event = JSON.parse(String(data));
        events.push(event);
        if (['done', 'failed', 'cancelled'].includes(event.type)) resolve();
      }),
    );
    // The demo job ends either way (done, or failed while its generator is unavailable): both are events.
    const started = await api('datasets.createDemo', { name: 'demo' });
    expect(started.status).toBe(200);
    await finished;
    ws.close();
    expect(events[0]?.type).toBe('started');
    expect(['done', 'failed']).toContain(events.at(-1)?.type);
  });
});
