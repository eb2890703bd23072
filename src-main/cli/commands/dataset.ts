import type { CsvColumns, ImportRequest } from '../../api/contracts/datasets';
import { ImportFormat } from '../../api/contracts/datasets';
import { ApiError } from '../../api/contracts/common';
import { followJob, optionalNumber, printJson, printTable, requirePositional, requireString, type Command } from '../command';

const statsColumns = ['name', 'users', 'items', 'actions', 'avgLength', 'sparsity', 'minLength', 'maxLength'];

export const datasetCommands: Command[] = [
  {
    path: ['dataset', 'import'],
    summary: 'Import a dataset (formats: sr-txt, ml-1m, amazon, yelp, recbole, csv) in one transaction.',
    flags: {
      format: { type: 'string', description: `Input format: ${ImportFormat.options.join(', ')}`, valueName: 'format' },
      name: { type: 'string', description: 'Name of the new dataset', valueName: 'name' },
      source: { type: 'string', description: 'Interactions file, or folder (ml-1m, yelp); also accepted as a positional argument', valueName: 'path' },
      items: { type: 'string', description: 'Item metadata file (TSV/CSV, .item, Amazon meta, Yelp business)', valueName: 'path' },
      kcore: { type: 'string', description: 'Iterative k-core filter on users and items (default 5; 0 = off)', valueName: 'k' },
      duplicates: { type: 'string', description: 'Consecutive duplicate items: keep (default) or drop', valueName: 'policy' },
      'min-rating': { type: 'string', description: 'Keep only interactions rated at least this (formats with ratings)', valueName: 'r' },
      replace: { type: 'boolean', description: 'Overwrite an existing dataset of that name' },
      columns: { type: 'string', description: 'csv: header columns to read, e.g. user=customer,item=sku,timestamp=when[,rating=stars]', valueName: 'mapping' },
    },
    args: '[source]',
    async run(args, service, io) {
      const source = (args.flags.source as string | undefined) ?? args.positionals[0];
      if (!source) throw new ApiError('validation', 'Missing the input: --source <path> (or a positional path)');
      const duplicates = args.flags.duplicates ?? 'keep';
      if (duplicates !== 'keep' && duplicates !== 'drop') throw new ApiError('validation', '--duplicates must be keep or drop');
      const request: ImportRequest = {
        format: requireString(args, 'format') as ImportRequest['format'],
        name: requireString(args, 'name'),
        source,
        items: args.flags.items as string | undefined,
        options: {
          kcore: optionalNumber(args, 'kcore') ?? 5,
          consecutiveDuplicates: duplicates,
          minRating: optionalNumber(args, 'min-rating'),
        },
        replace: Boolean(args.flags.replace),
        columns: csvColumns(args.flags.columns as string | undefined, args.flags.format as string | undefined),
      };
      const t0 = Date.now();
      const summary = await followJob(service, await service.call('datasets.import', request), io);
      if (args.json) printJson(io, summary);
      else {
        io.out(`Imported "${summary.name}" in ${((Date.now() - t0) / 1000).toFixed(1)} s:`);
        printTable(io, [summary], statsColumns);
      }
    },
  },
  {
    path: ['dataset', 'export'],
    args: '<name>',
    summary: 'Write a dataset as RecBole atomic files (.inter, .item, item embeddings, a RecBole config) into a folder.',
    flags: {
      format: { type: 'string', description: 'Output format: recbole', valueName: 'format' },
      out: { type: 'string', description: 'Folder to write into (created if missing)', valueName: 'folder' },
      'embedding-set': { type: 'string', description: "Also write an embedding set's vectors for RecBole's preload_weight: an id, latest or provider/model", valueName: 'ref' },
    },
    async run(args, service, io) {
      const name = requirePositional(args, 'Missing the dataset name: llmdirec dataset export --format recbole <name> --out <folder>');
      const format = requireString(args, 'format');
      if (format !== 'recbole') throw new ApiError('validation', `--format must be recbole (got "${format}")`);
      const set = args.flags['embedding-set'] as string | undefined;
      const started = await service.call('datasets.export', {
        format,
        name,
        folder: requireString(args, 'out'),
        embeddingSet: set === undefined ? undefined : /^\d+$/.test(set) ? Number(set) : set,
      });
      const result = await followJob(service, started, io);
      if (args.json) printJson(io, result);
      else {
        io.out(`Exported "${name}" as RecBole atomic files (ordered by ${result.timeField}):`);
        printTable(io, result.files, ['file', 'rows']);
        io.out(`RecBole config: ${result.config} (see docs/recbole.md)`);
      }
    },
  },
  {
    path: ['dataset', 'list'],
    summary: 'List datasets with their statistics.',
    async run(args, service, io) {
      const list = await service.call('datasets.list', {});
      if (args.json) printJson(io, list);
      else if (list.length === 0) io.out('No datasets yet. Try "llmdirec demo" or "llmdirec dataset import".');
      else printTable(io, list, ['name', 'format', 'users', 'items', 'actions', 'avgLength', 'sparsity']);
    },
  },
  {
    path: ['dataset', 'stats'],
    args: '<name>',
    summary: 'Table-1 statistics of a dataset.',
    async run(args, service, io) {
      const name = requirePositional(args, 'Missing the dataset name');
      const stats = await service.call('datasets.stats', { name });
      if (args.json) printJson(io, stats);
      else printTable(io, [stats], statsColumns);
    },
  },
  {
    path: ['dataset', 'delete'],
    args: '<name>',
    summary: 'Delete a dataset and everything derived from it.',
    async run(args, service, io) {
      const name = requirePositional(args, 'Missing the dataset name');
      const result = await service.call('datasets.delete', { name });
      if (args.json) printJson(io, result);
      else io.out(result.deleted ? `Deleted "${name}".` : `No dataset named "${name}".`);
      return result.deleted ? 0 : 1;
    },
  },
  {
    path: ['demo'],
    summary: 'Create the embedded demo dataset (synthetic catalogue with planted intents).',
    flags: {
      name: { type: 'string', description: 'Dataset name (default "demo")', valueName: 'name' },
      replace: { type: 'boolean', description: 'Recreate it if it exists' },
    },
    async run(args, service, io) {
      const started = await service.call('datasets.createDemo', {
        name: (args.flags.name as string | undefined) ?? 'demo',
        replace: Boolean(args.flags.replace),
      });
      const summary = await followJob(service, started, io);
      if (args.json) printJson(io, summary);
      else {
        io.out(`Created demo dataset "${summary.name}":`);
        printTable(io, [summary], statsColumns);
      }
    },
  },
];

const MAPPING_USAGE = '--columns expects user=<col>,item=<col>[,timestamp=<col>][,rating=<col>]';

/** Parses `--columns user=<col>,item=<col>,timestamp=<col>`; a malformed mapping is a usage error. */
function csvColumns(flag: string | undefined, format: string | undefined): CsvColumns | undefined {
  if (flag === undefined) return undefined;
  if (format !== 'csv') throw new ApiError('validation', `--columns applies only to --format csv (got ${format ?? 'no --format'})`);
  const mapping: Record<string, string> = {};
  for (const pair of flag.split(',')) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq).trim();
    const column = pair.slice(eq + 1).trim();
    if (eq < 0 || !['user', 'item', 'timestamp', 'rating'].includes(key) || column === '' || key in mapping) {
      throw new ApiError('validation', `${MAPPING_USAGE} (got "${flag}")`);
    }
    mapping[key] = column;
  }
  if (!mapping.user || !mapping.item) throw new ApiError('validation', `${MAPPING_USAGE} (got "${flag}")`);
  return { user: mapping.user, item: mapping.item, timestamp: mapping.timestamp, rating: mapping.rating };
}
