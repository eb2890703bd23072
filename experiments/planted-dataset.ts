/**
 * The planted-intent dataset of docs/experiments.md §5: the demo generator (src-main/store/demo.ts:
 * its 8 planted intents, titled items, Zipf popularity, two-intent and cold users) scaled to 4,000
 * users, written into the store LLMDIREC_DB names (or the first argument) as dataset "planted".
 *
 *   LLMDIREC_DB=/work/runs/diag.db node --import tsx experiments/planted-dataset.ts
 *   LLMDIREC_DB=/work/runs/diag.db npx llmdirec embed --dataset planted --provider builtin
 */
import { openDb } from '../src-main/database';
import { writeDataset } from '../src-main/store/datasets';
import { DEMO_SHAPE, generateDemo } from '../src-main/store/demo';

const file = process.argv[2] ?? process.env.LLMDIREC_DB;
if (!file) throw new Error('Name the store: LLMDIREC_DB=<file> or the first argument');
const shape = { ...DEMO_SHAPE, users: 4000 };
const db = openDb(file);
const summary = await writeDataset(db, { name: 'planted', format: 'demo', source: 'demo generator, 4,000 users', options: { seed: shape.seed, users: shape.users }, replace: true }, generateDemo(shape));
console.log(JSON.stringify(summary));
db.close();
