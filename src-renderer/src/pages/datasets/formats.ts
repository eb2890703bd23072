import type { Input } from '../../../../src-main/api/contract';

export type ImportFormat = Input<'datasets.import'>['format'];

/** What each importer reads, in the words of the import wizard. */
export const formats: { id: ImportFormat; label: string; source: string; items?: string; ratings: boolean }[] = [
  { id: 'sr-txt', label: 'Sequential text (SR .txt)', source: 'A .txt file with one "user item" pair per line, in time order', items: 'Optional TSV/CSV with item attributes (first column = item id)', ratings: false },
  { id: 'csv', label: 'CSV interaction log', source: 'A CSV file with user, item and timestamp columns', items: 'Optional CSV with item attributes', ratings: false },
  { id: 'ml-1m', label: 'MovieLens 1M', source: 'The ml-1m folder (ratings.dat, movies.dat)', ratings: true },
  { id: 'amazon', label: 'Amazon reviews', source: 'A reviews file (JSON lines, possibly .gz)', items: 'Optional meta file with titles, brands and categories', ratings: true },
  { id: 'yelp', label: 'Yelp', source: 'The Yelp folder or review.json', items: 'Optional business.json', ratings: true },
  { id: 'recbole', label: 'RecBole atomic files', source: 'A .inter file', items: 'Optional .item file', ratings: true },
];

/** The text an analyst recognises an item by: its title when it has one. */
export function itemLabel(item: { externalId: string; attributes: Record<string, unknown> }): string {
  const a = item.attributes;
  const title = a.title ?? a.name ?? a.Title;
  return typeof title === 'string' && title ? title : item.externalId;
}
