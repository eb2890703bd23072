import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../../../src-main/api/jobs';
import type { ItemMapResult } from '../../../src-main/api/contracts/analysis';
import type { JobEvent } from '../../../src-main/api/contracts/common';
import { createService, type Service } from '../../../src-main/api/service';
import { adjustedRandIndex } from '../../../src-main/analysis/ari';
import { tokenize } from '../../../src-main/analysis/terms';
import { itemAttributes } from '../../../src-main/store/datasets';
import { openDb } from '../../../src-main/database';
import { createDemoDataset } from '../../../src-main/store/demo';
import { embedDataset } from '../../../src-main/semantic/embedding-store';
import type { EmbeddingProvider } from '../../../src-main/semantic/providers/types';

/**
 * Item maps through the API on the demo dataset. The embedding provider is a stand-in (hashed bag of
 * words, 256 dims, no model download): items of one planted intent share brands, category and purpose
 * words, so their vectors point the same way — which the item groups must recover.
 */
const hashedWords: EmbeddingProvider = {
  kind: 'ollama',
  endpoint: 'http://stand-in',
  model: 'hashed-words',
  variant: '',
  maxBatch: 64,
  async embedBatch(texts) {
    return texts.map((t) => {
      const v = new Float32Array(256);
      for (const w of tokenize(t)) v[createHash('md5').update(w).digest().readUInt16BE(0) % 256]! += 1;
      return v;
    });
  },
  close: async () => undefined,
};

let service: Service;
let setId: number;
beforeAll(async () => {
  const db = openDb(':memory:');
  service = createService({ db, dbFile: ':memory:', jobs: new JobRunner() });
  await createDemoDataset(db, { name: 'demo', replace: false });
  setId = (await embedDataset(db, { dataset: 'demo', provider: hashedWords, template: 'beauty', normalize: true })).embeddingSetId;
});
afterAll(async () => service.close());

describe('analysis API on the demo dataset', () => {
  it('analysis.itemMap maps every item with text, groups them by planted intent, with progress events', async () => {
    const events: JobEvent[] = [];
    const off = service.onEvent((e) => events.push(e));
    const { jobId } = await service.call('analysis.itemMap', { dataset: 'demo', embeddingSetId: setId, method: 'pca', k: 9 });
    const result = (await service.call('jobs.wait', { jobId })) as ItemMapResult;
    off();
    const items = itemAttributes(service.context.db, 'demo');
    expect(result.map).toMatchObject({ method: 'pca', sampled: false, total: items.size });
    expect(result.rows).toHaveLength(items.size);
    expect(result.itemsWithoutVector).toBe(0);
    const planted = result.rows.map((r) => String(items.get(r.itemId)!.attributes.intent));
    const ari = adjustedRandIndex(planted, result.rows.map((r) => r.prototype));
    console.log(`item groups vs planted item intents: ARI ${ari.toFixed(3)}; labels: ${result.prototypes.map((p) => p.label).join(' | ')}`);
    expect(ari).toBeGreaterThan(0.75);
    expect(events.some((e) => e.type === 'progress' && e.jobId === jobId)).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'done', jobId });
  });

  it('analysis.itemMap samples visibly and can be cancelled', async () => {
    const logs: string[] = [];
    const off = service.onEvent((e) => e.type === 'log' && logs.push(e.message));
    const { jobId } = await service.call('analysis.itemMap', { dataset: 'demo', embeddingSetId: setId, method: 'pca', maxPoints: 100 });
    const result = (await service.call('jobs.wait', { jobId })) as ItemMapResult;
    expect(result.rows).toHaveLength(100);
    expect(result.map.sampled).toBe(true);
    expect(logs.some((m) => /seeded sample of 100 of/.test(m))).toBe(true);
    const slow = await service.call('analysis.itemMap', { dataset: 'demo', embeddingSetId: setId, method: 'tsne' });
    setTimeout(() => service.call('jobs.cancel', { jobId: slow.jobId }), 300);
    await expect(service.call('jobs.wait', { jobId: slow.jobId })).rejects.toMatchObject({ code: 'cancelled' });
    off();
  });

  it('analysis.itemNeighbours returns same-intent items first, and actionable errors', async () => {
    const items = itemAttributes(service.context.db, 'demo');
    const neighbours = await service.call('analysis.itemNeighbours', { dataset: 'demo', embeddingSetId: setId, itemId: 1, k: 5 });
    expect(neighbours).toHaveLength(5);
    expect(neighbours.map((n) => n.itemId)).not.toContain(1);
    const same = neighbours.filter((n) => items.get(n.itemId)!.attributes.intent === items.get(1)!.attributes.intent).length;
    expect(same).toBeGreaterThanOrEqual(4);
    await expect(service.call('analysis.itemNeighbours', { dataset: 'demo', embeddingSetId: 999, itemId: 1 })).rejects.toMatchObject({ code: 'not_found' });
    await expect(service.call('analysis.itemMap', { dataset: 'nope', embeddingSetId: setId })).rejects.toMatchObject({ code: 'not_found' });
  });
});
