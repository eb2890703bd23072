/**
 * `llmdirec serve` on a remote machine (docs/remote.md): the server refuses to start without a real
 * access token (above all on an address other computers reach), tells the browser which machine and
 * backend it drives (system.info), and hands an export job's file to the browser only to token holders
 * and only for finished export jobs.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRunner } from '../../../src-main/api/jobs';
import type { Service } from '../../../src-main/api/service';
import { startWebServer, type WebServer } from '../../../src-main/server';
import { openWorkstation } from '../../../src-main/workstation';

let dir: string;
let service: Service;
let server: WebServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmdirec-remote-'));
  mkdirSync(join(dir, 'renderer'), { recursive: true });
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>t</title>');
  service = openWorkstation({ dbFile: join(dir, 'db.sqlite') });
  server = await startWebServer({ service, rendererDir: join(dir, 'renderer'), port: 0, log: () => undefined });
});
afterAll(async () => {
  await server?.close();
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;

describe('serving to another computer', () => {
  it('refuses to listen on a reachable address without a real token, and on loopback too', async () => {
    const options = { service, rendererDir: join(dir, 'renderer'), port: 0 };
    await expect(startWebServer({ ...options, host: '0.0.0.0', token: '' })).rejects.toThrow(
      /^Refusing to listen on 0\.0\.0\.0, an address other computers can reach, without an access token of at least 16 characters/,
    );
    await expect(startWebServer({ ...options, host: '192.168.0.10', token: 'secret' })).rejects.toThrow(/Refusing to listen on 192\.168\.0\.10/);
    await expect(startWebServer({ ...options, host: '127.0.0.1', token: 'short' })).rejects.toThrow(/^Refusing to serve with an access token shorter than 16 characters/);
    // The generated token is long enough wherever the server listens.
    const open = await startWebServer({ ...options, host: '0.0.0.0' });
    expect(open.token.length).toBeGreaterThanOrEqual(32);
    await open.close();
  });

  it('says which machine and backend it drives', async () => {
    const response = await fetch(url('/api/system.info'), { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-LLMDiRec-Token': server.token }, body: '{}' });
    expect(response.status).toBe(200);
    const info = (await response.json()) as Record<string, unknown>;
    expect(info).toMatchObject({ hostname: hostname(), database: join(dir, 'db.sqlite') });
    expect(['tensorflow', 'wasm', 'cpu']).toContain(info.backend);
    expect(String(info.backendDescription)).toMatch(new RegExp(`^${String(info.backend)}`));
  });

  it("sends a finished export job's file to token holders only", async () => {
    const file = join(dir, 'recs.csv');
    writeFileSync(file, 'user_id,rank\nu1,1\n');
    // Stand-in jobs with only the fields the download reads: the runner's untyped view starts them.
    const jobs: JobRunner = service.context.jobs;
    const exported = jobs.start('export', 'test export', async () => ({ file }));
    const folder = jobs.start('export', 'test folder export', async () => ({ folder: dir }));
    const other = jobs.start('analysis', 'not an export', async () => ({ file }));
    let release = (): void => undefined;
    const running = jobs.start('export', 'still running', () => new Promise<{ file: string }>((resolve) => (release = () => resolve({ file }))));
    await Promise.all([jobs.wait(exported), jobs.wait(folder), jobs.wait(other)]);
    const get = (jobId: string, token = server.token) => fetch(url(`/api/download/${jobId}`), { headers: { 'X-LLMDiRec-Token': token } });

    expect((await get(exported, 'wrong-token')).status).toBe(401);
    const ok = await get(exported);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-disposition')).toBe('attachment; filename="recs.csv"');
    expect(await ok.text()).toBe('user_id,rank\nu1,1\n');
    expect((await get(other)).status).toBe(404);
    expect(((await (await get(folder)).json()) as { error: { message: string } }).error.message).toMatch(/wrote a folder, not one file/);
    expect((await get(running)).status).toBe(409);
    release();
    await jobs.wait(running);
    expect((await get('no-such-job')).status).toBe(404);
  });
});
