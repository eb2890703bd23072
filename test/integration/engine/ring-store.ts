/** A tiny dataset ("ring": users walk a ring of 30 items) in a fresh database, and settings that train on it in seconds. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDb, type Db } from '../../../src-main/database';
import { writeDataset } from '../../../src-main/store/datasets';
import { Rng } from '../../../src-main/engine/rng';

export const tiny = { hiddenSize: 16, maxSeqLength: 8, batchSize: 32, timesteps: 4, intents: 4, kmeansIterations: 3, kmeansRedo: 1, validateEvery: 1, evalBatchSize: 64 };

/** A store of its own (database and run folders) in `dir/name`; `seed` changes the sequences (another dataset under the same name). */
export async function ringStore(dir: string, name: string, seed = 3): Promise<{ db: Db; file: string }> {
  mkdirSync(join(dir, name), { recursive: true });
  const file = join(dir, name, 'store.sqlite');
  const db = openDb(file);
  const rng = new Rng(seed);
  const sequences: Int32Array[] = [];
  for (let u = 0; u < 120; u++) {
    const start = rng.int(30);
    sequences.push(Int32Array.from({ length: 5 + rng.int(8) }, (_, k) => ((start + k) % 30) + 1));
  }
  await writeDataset(
    db,
    { name: 'ring', format: 'sr-txt', source: 'synthetic', options: {}, replace: false },
    {
      users: sequences.map((_, u) => ({ externalId: String(u + 1), attributes: {} })),
      items: Array.from({ length: 30 }, (_, i) => ({ externalId: String(i + 1), attributes: {} })),
      sequences,
      timestamps: sequences.map(() => null),
    },
  );
  return { db, file };
}
