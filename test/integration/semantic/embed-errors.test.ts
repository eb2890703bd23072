/**
 * Issue #12: what `llmdirec embed` says when an endpoint hangs, returns an all-zero vector, or the
 * user presses Ctrl-C. Everything runs against the fake server on 127.0.0.1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importTinyBeauty, runCli as run } from '../../fixtures/cli';
import { startEmbeddingServer, type EmbeddingServer } from '../../unit/semantic/fixtures/embedding-server';


const dir = mkdtempSync(join(tmpdir(), 'llmdirec-embed-errors-'));
const db = join(dir, 'w.sqlite');
let server: EmbeddingServer;
const embed = (model: string, ...more: string[]) =>
  run('--db', db, 'embed', '--dataset', 'Beauty', '--provider', `ollama:${server.url}`, '--model', model, '--batch-size', '1', ...more);

beforeAll(async () => {
  server = await startEmbeddingServer({ slowMs: 3000 });
  expect(await importTinyBeauty(dir, db)).toBe(0);
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.queue.length = 0;
  server.requests.length = 0;
});

describe('llmdirec embed: errors say what happened', () => {
  it('takes --timeout and --retries, and prints a line per retry as it happens', async () => {
    server.queue.push('slow', 'slow');
    const started = Date.now();
    const r = await embed('hangs', '--timeout', '0.3', '--retries', '1');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/timeout 0\.3 s per request, 1 retry/);
    expect(r.err).toMatch(/\/api\/embed: attempt 1 of 2 failed \(no reply within 0\.3 s\); retrying in 0\.5 s/);
    expect(r.err).toMatch(/no reply within 0\.3 s \(gave up after 2 attempts\)/);
    expect(server.requests).toHaveLength(2);
    // Two 0.3 s attempts and one 0.5 s wait, not the default 5 × 120 s.
    expect(Date.now() - started).toBeLessThan(2500);
    const bad = await embed('hangs', '--retries', '-1');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/retries/);
  });

  it('refuses an all-zero vector, naming the item and the provider', async () => {
    server.queue.push('ok', 'zero');
    const r = await embed('zeros');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`ollama ${server.url} (zeros) returned an all-zero vector for item 2 ("The beauty item has following attributes:`);
    const list = JSON.parse((await run('--db', db, 'embeddings', 'list', '--json')).out) as { model: string }[];
    expect(list.map((s) => s.model)).not.toContain('zeros');
  });

  it('on Ctrl-C says how many item texts were kept in the cache, and the same command continues', async () => {
    server.queue.push('ok', 'slow');
    const before = new Set(process.listeners('SIGINT'));
    const pending = embed('interrupted');
    // Press Ctrl-C once the first batch is back and the second one is waiting for its reply.
    for (let waited = 0; server.requests.length < 2 && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    const ctrlC = process.listeners('SIGINT').find((l) => !before.has(l));
    expect(ctrlC).toBeDefined();
    (ctrlC as () => void)();
    const r = await pending;
    expect(r.code).toBe(130);
    expect(r.err).toContain('cancelled: 1 of 2 item texts were embedded and kept in the cache; run the same command to continue');
    expect(r.err).not.toContain('nothing was written');
    const again = await embed('interrupted', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ embedded: 1, cached: 1, itemsWithText: 2 });
  });
});
