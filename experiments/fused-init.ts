/**
 * The fused item table at initialisation, for each candidate init (docs/experiments.md §5): the
 * per-epoch diagnostics' view statistics of an untrained table over a dataset's embedding set.
 *
 *   LLMDIREC_DB=/work/runs/diag.db node --import tsx experiments/fused-init.ts Beauty [seed]
 */
import { initBackend } from '../src-main/engine/backend';
import { itemSample } from '../src-main/engine/diagnostics';
import { Rng } from '../src-main/engine/rng';
import { resolveEmbeddingSet } from '../src-main/semantic/resolve-embedding-set';
import { loadSemanticTable } from '../src-main/semantic/embedding-store';
import { FusedItemTable, type SemanticFusionSettings } from '../src-main/engine/semantic-fusion';
import { openDb } from '../src-main/database';

const [dataset = 'Beauty', seed = '2022'] = process.argv.slice(2);
await initBackend();
const db = openDb(process.env.LLMDIREC_DB!);
const set = resolveEmbeddingSet(db, dataset);
const semantic = loadSemanticTable(db, dataset, set.id);
const numItems = semantic.table.length / semantic.dims - 1;
const candidates: Record<string, Partial<SemanticFusionSettings>> = {
  'paper (defaults)': {},
  'adapterBias=zero': { adapterBias: 'zero' },
  'semanticInput=centered': { semanticInput: 'centered' },
  'both': { adapterBias: 'zero', semanticInput: 'centered' },
};
const sample = itemSample(numItems);
console.log(`${dataset}: embedding set ${set.id} (${set.provider}/${set.model}, ${set.dims}-d), ${set.itemsWithText} items with text`);
for (const [name, settings] of Object.entries(candidates)) {
  const table = new FusedItemTable(numItems + 2, 64, semantic, new Rng(Number(seed)), settings);
  const stats = table.viewStatistics(sample);
  console.log(name.padEnd(24), Object.entries(stats).map(([k, v]) => `${k} ${v!.toPrecision(3)}`).join('  '));
  table.parameters.dispose();
  table.dispose();
}
db.close();
