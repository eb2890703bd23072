import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Rebuilds an ML-1M `ratings.dat` (UserID::MovieID::Rating::Timestamp) from the shared
 * `ml-1m_reconstructed.txt` + its item table (file item → MovieLens movie id), with increasing
 * timestamps so the chronology is the file's, next to the shipped movies.dat and users.dat.
 * The real ratings.dat is not shipped; this gives the ml-1m importer a million-row input.
 */
export function writeMl1mFolder(shared: string, folder: string): { actions: number } {
  const movieOf = new Map<string, string>();
  const meta = readFileSync(join(shared, 'ml-1m_reconstructed_item_meta.tsv'), 'utf8').split('\n');
  const header = meta[0]!.split('\t');
  const idAt = header.indexOf('item_id');
  const movieAt = header.indexOf('movielens_movie_id');
  for (const line of meta.slice(1)) {
    if (line.trim() === '') continue;
    const f = line.split('\t');
    movieOf.set(f[idAt]!, f[movieAt]!);
  }
  const out: string[] = [];
  let actions = 0;
  for (const line of readFileSync(join(shared, 'ml-1m_reconstructed.txt'), 'utf8').split('\n')) {
    const [user, ...items] = line.trim().split(/\s+/);
    if (!user) continue;
    items.forEach((item, p) => out.push(`${user}::${movieOf.get(item)}::${1 + ((Number(item) + p) % 5)}::${956703932 + p * 60}`));
    actions += items.length;
  }
  writeFileSync(join(folder, 'ratings.dat'), out.join('\n') + '\n');
  for (const f of ['movies.dat', 'users.dat']) {
    if (existsSync(join(shared, 'raw', 'ml-1m', f))) copyFileSync(join(shared, 'raw', 'ml-1m', f), join(folder, f));
  }
  return { actions };
}
