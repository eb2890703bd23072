/**
 * A throw the handlers did not expect must not escape the server (issue #12): the request gets a
 * 500 with a short message, the error is logged, and the server keeps serving.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Service } from '../../../src-main/api/service';
import { startWebServer, type WebServer } from '../../../src-main/server';

let dir: string;
let server: WebServer;
const logged: string[] = [];

/** Only what the server uses of a Service, misbehaving where the test needs it to. */
const faulty = {
  async invoke(method: unknown) {
    if (method === 'datasets.list') return [];
    // A result that cannot be written as JSON: the throw comes after the handler returned.
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    return circular;
  },
  onEvent() {
    throw new TypeError('event bus is broken');
  },
} as unknown as Service;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmdirec-faulty-'));
  mkdirSync(join(dir, 'renderer'), { recursive: true });
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>t</title>');
  server = await startWebServer({ service: faulty, rendererDir: join(dir, 'renderer'), port: 0, log: (line) => logged.push(line) });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (method: string) =>
  fetch(`http://127.0.0.1:${server.port}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-LLMDiRec-Token': server.token },
    body: '{}',
  });

describe('unexpected throws', () => {
  it('answers 500 when a result cannot be sent, logs it, and keeps serving', async () => {
    const res = await post('runs.list');
    expect(res.status).toBe(500);
    expect((await res.json()).error.code).toBe('internal');
    expect(logged.join('\n')).toMatch(/runs\.list.*circular/is);
    expect((await post('datasets.list')).status).toBe(200);
  });

  it('closes an event socket whose subscription throws, logs it, and keeps serving', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`);
    ws.on('error', () => undefined);
    const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
    expect(code).toBe(1011);
    expect(logged.join('\n')).toMatch(/event bus is broken/);
    expect((await post('datasets.list')).status).toBe(200);
  });
});
