import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { embedTexts } from '../../../src-main/semantic/embed-texts';
import type { RetryNotice } from '../../../src-main/semantic/providers/http';
import { ollamaProvider, openAiProvider } from '../../../src-main/semantic/providers/openai';
import { parseProviderSpec } from '../../../src-main/semantic/providers/types';
import { fakeVector, startEmbeddingServer, type EmbeddingServer } from './fixtures/embedding-server';

const fast = { timeoutMs: 300, retries: 2, backoffMs: 5 };
const texts = ['toy story', 'red shoe', 'ball'];
const close = (a: Float32Array, b: number[]) => a.forEach((x, k) => expect(x).toBeCloseTo(b[k]!, 4));

describe('HTTP embedding providers against a local server', () => {
  let server: EmbeddingServer;
  beforeAll(async () => {
    server = await startEmbeddingServer({ slowMs: 1500 });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    server.queue.length = 0;
  });

  it('openai: sends encoding_format float and the key from the environment, reorders by index', async () => {
    server.queue.push('shuffled');
    const p = openAiProvider(`${server.url}/v1/`, 'bge-m3', { ...fast, env: { LLMDIREC_OPENAI_API_KEY: 'sk-secret' } });
    const got = await p.embedBatch(texts);
    texts.forEach((t, k) => close(got[k]!, fakeVector(t)));
    expect(server.requests[0]).toMatchObject({ path: '/v1/embeddings', body: { model: 'bge-m3', input: texts, encoding_format: 'float' }, authorization: 'Bearer sk-secret' });
    expect(p.endpoint).not.toContain('sk-secret');
  });

  it('ollama: native /api/embed', async () => {
    const got = await ollamaProvider(server.url, 'nomic-embed-text', fast).embedBatch(texts);
    texts.forEach((t, k) => close(got[k]!, fakeVector(t)));
    expect(server.requests[0]).toMatchObject({ path: '/api/embed', body: { model: 'nomic-embed-text', input: texts } });
  });

  it('retries 429 and 500 with backoff, then succeeds', async () => {
    server.queue.push('429', '500');
    const got = await openAiProvider(server.url, 'm', fast).embedBatch(['ball']);
    close(got[0]!, fakeVector('ball'));
    expect(server.requests).toHaveLength(3);
  });

  it('gives up after the retries with the last error, and times out slow replies', async () => {
    server.queue.push('500', '500', '500');
    await expect(openAiProvider(server.url, 'm', fast).embedBatch(['x'])).rejects.toThrow(/HTTP 500.*gave up after 3 attempts/);
    server.queue.push('slow', 'slow', 'slow');
    await expect(ollamaProvider(server.url, 'm', fast).embedBatch(['x'])).rejects.toThrow(/no reply within 0.3 s/);
  });

  it('reports each retry as it happens: attempt, reason and wait', async () => {
    server.queue.push('500', 'slow');
    const notices: RetryNotice[] = [];
    const got = await openAiProvider(server.url, 'm', { ...fast, onRetry: (n) => notices.push(n) }).embedBatch(['ball']);
    close(got[0]!, fakeVector('ball'));
    expect(notices).toEqual([
      { url: `${server.url}/v1/embeddings`, attempt: 1, attempts: 3, reason: expect.stringMatching(/^HTTP 500/), waitMs: 5 },
      { url: `${server.url}/v1/embeddings`, attempt: 2, attempts: 3, reason: 'no reply within 0.3 s', waitMs: 10 },
    ]);
  });

  it('refuses an all-zero vector (cosine is undefined for it), naming the text and the provider', async () => {
    server.queue.push('zero');
    const p = ollamaProvider(server.url, 'nomic', fast);
    await expect(embedTexts(p, texts, { normalize: true })).rejects.toThrow(new RegExp(`ollama ${server.url} \\(nomic\\) returned an all-zero vector for text 2 \\("red shoe"\\)`));
    server.queue.push('zero');
    await expect(embedTexts(p, texts, { describeText: (k) => `item ${k + 10}` })).rejects.toThrow(/all-zero vector for item 11 \("red shoe"\)/);
  });

  it('does not retry client errors and reports malformed replies', async () => {
    server.queue.push('400');
    await expect(openAiProvider(server.url, 'm', fast).embedBatch(['x'])).rejects.toThrow(/HTTP 400.*unknown model/);
    expect(server.requests).toHaveLength(1);
    server.queue.push('malformed');
    await expect(openAiProvider(server.url, 'm', fast).embedBatch(['x'])).rejects.toThrow(/not JSON/);
    server.queue.push('base64');
    await expect(openAiProvider(server.url, 'm', fast).embedBatch(['x'])).rejects.toThrow(/list of finite numbers/);
    server.queue.push('wrong-count');
    await expect(ollamaProvider(server.url, 'm', fast).embedBatch(['x', 'y'])).rejects.toThrow(/asked for 2 embeddings, got 1/);
  });

  it('checks dimensions across a batch and against earlier vectors of the model', async () => {
    server.queue.push('wrong-dims');
    const p = ollamaProvider(server.url, 'm', fast);
    await expect(embedTexts(p, texts)).rejects.toThrow(/4-d vector for text 2, but the first vector had 3/);
    await expect(embedTexts(p, texts, { expectedDims: 1024 })).rejects.toThrow(/3-d vector for text 1, but earlier vectors of this model have 1024/);
  });

  it('batches (respecting 2,048 inputs per request), reports progress, normalises', async () => {
    const many = Array.from({ length: 4100 }, (_, k) => `t${k}`);
    const progress: number[] = [];
    const { dims, vectors } = await embedTexts(openAiProvider(server.url, 'm', fast), many, { batchSize: 10_000, normalize: true, onProgress: (d) => progress.push(d) });
    expect(dims).toBe(3);
    expect(server.requests.map((r) => (r.body.input as string[]).length)).toEqual([2048, 2048, 4]);
    expect(progress).toEqual([0, 2048, 4096, 4100]);
    const v = vectors[4099]!;
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    const raw = fakeVector('t4099');
    close(v, raw.map((x) => x / Math.hypot(...raw)));
  });

  it('cancels while waiting for a reply and between batches', async () => {
    server.queue.push('slow');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const p = openAiProvider(server.url, 'm', { ...fast, timeoutMs: 5000 });
    await expect(embedTexts(p, texts, { signal: controller.signal })).rejects.toThrow(/Cancelled/);
    const second = new AbortController();
    const kept: number[] = [];
    await expect(
      embedTexts(ollamaProvider(server.url, 'm', fast), texts, { batchSize: 1, signal: second.signal, onBatch: (first) => (kept.push(first), second.abort()) }),
    ).rejects.toThrow(/Cancelled/);
    expect(kept).toEqual([0]);
  });

  it('parses provider specs', () => {
    expect(parseProviderSpec('openai:http://h:8000/v1', 'x')).toEqual({ kind: 'openai', location: 'http://h:8000/v1', model: 'x' });
    expect(parseProviderSpec('builtin')).toEqual({ kind: 'builtin', location: '', model: undefined });
    expect(() => parseProviderSpec('ollama')).toThrow(/needs a base URL/);
    expect(() => parseProviderSpec('cohere:x')).toThrow(/Unknown embedding provider/);
  });
});
