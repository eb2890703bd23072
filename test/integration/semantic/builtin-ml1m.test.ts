import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinTemplates } from '../../../src-main/semantic/builtin-templates';
import { embedTexts } from '../../../src-main/semantic/embed-texts';
import { builtinProvider } from '../../../src-main/semantic/providers/builtin';
import { renderItemText } from '../../../src-main/semantic/templates';
import { readItemTable } from '../../../src-main/store/import/item-table';

const META = join(process.cwd(), '..', 'shared', 'datasets', 'ml-1m_reconstructed_item_meta.tsv');
const missing = !existsSync(META);
if (missing) console.log(`skipped: ${META} is absent (shared benchmark data)`);

describe.skipIf(missing)('builtin provider on the 3,416 ML-1M titles + genres', () => {
  it('puts "Toy Story 2 (1999)" among the 10 nearest items of "Toy Story (1995)"', async () => {
    const table = await readItemTable(META);
    const ids = [...table.keys()];
    expect(ids).toHaveLength(3416);
    const texts = ids.map((id) => renderItemText(builtinTemplates['ml-1m']!, table.get(id)!).text);
    const provider = await builtinProvider();
    const started = Date.now();
    try {
      const { dims, vectors } = await embedTexts(provider, texts, { normalize: true, batchSize: 64 });
      console.log(`builtin: ${texts.length} texts in ${((Date.now() - started) / 1000).toFixed(1)} s (${((texts.length * 1000) / (Date.now() - started)).toFixed(0)} texts/s)`);
      expect(dims).toBe(512);
      const titleOf = (k: number) => table.get(ids[k]!)!.title as string;
      const toyStory = ids.findIndex((_, k) => titleOf(k) === 'Toy Story (1995)');
      const q = vectors[toyStory]!;
      const ranked = vectors
        .map((v, k) => ({ k, cos: v.reduce((s, x, d) => s + x * q[d]!, 0) }))
        .filter((r) => r.k !== toyStory)
        .sort((a, b) => b.cos - a.cos)
        .slice(0, 10)
        .map((r) => titleOf(r.k));
      console.log(`nearest to Toy Story (1995): ${ranked.join('; ')}`);
      expect(ranked).toContain('Toy Story 2 (1999)');
    } finally {
      await provider.close();
    }
  }, 900_000);
});
