import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { ItemMapResult } from '../../api/contracts/analysis';
import { mapToCsv } from '../../analysis/export';
import { ApiError } from '../../api/contracts/common';
import { followJob, optionalNumber, printJson, printTable, requireString, type Command } from '../command';

const datasetFlag = { type: 'string', description: 'Dataset name', valueName: 'name' } as const;
const setFlag = { type: 'string', description: 'Embedding set id (llmdirec embeddings list)', valueName: 'id' } as const;

function method(value: unknown): 'tsne' | 'umap' | 'pca' | undefined {
  if (value === undefined) return undefined;
  if (value === 'tsne' || value === 'umap' || value === 'pca') return value;
  throw new ApiError('validation', `--method must be tsne, umap or pca (got "${String(value)}")`);
}

/** CSV of the map (header comment says sampled or not) or the whole result as JSON, by extension. */
function writeMap(file: string, r: ItemMapResult): void {
  if (extname(file).toLowerCase() === '.json') {
    writeFileSync(file, JSON.stringify(r, null, 2));
    return;
  }
  const labels = new Map(r.prototypes.map((p) => [p.id, p.label]));
  const rows = r.rows.map((p) => ({ ...p, id: p.itemId }));
  writeFileSync(file, mapToCsv(r.map, { idColumn: 'itemId', points: 'items' }, rows, (prototype) => labels.get(prototype) ?? ''));
}

const runIds = (value: unknown): string[] => {
  const ids = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
  if (!ids.length) throw new ApiError('validation', 'Missing --runs <id,id,…>');
  return ids;
};

export const analysisCommands: Command[] = [
  {
    path: ['intents'],
    summary: "Intent prototypes of a trained run: K-means of its sequence representations, labels, terms, top items, silhouette.",
    flags: {
      run: { type: 'string', description: 'Run id (llmdirec runs list)', valueName: 'id' },
      k: { type: 'string', description: "Prototypes (default: the run's number of intents)", valueName: 'n' },
      seed: { type: 'string', description: 'Seed of the silhouette sample (default 1)', valueName: 'n' },
    },
    async run(args, service, io) {
      const started = await service.call('analysis.runIntents', {
        runId: requireString(args, 'run'),
        method: 'pca',
        k: optionalNumber(args, 'k'),
        seed: optionalNumber(args, 'seed'),
      });
      const r = await followJob(service, started, io);
      const result = {
        k: r.k,
        silhouette: r.silhouette,
        silhouetteBasis: r.silhouetteBasis,
        prototypes: r.prototypes.map((p) => ({ id: p.id, size: p.size, label: p.label, topItems: p.topItems, terms: p.terms, silhouette: p.silhouette })),
        // ARI of consecutive training epochs' intents on a fixed sample of prefixes (null below two clustered epochs).
        stability: r.stability,
        runId: r.runId,
        checkpoint: r.checkpoint,
        clustering: r.clustering,
        notes: r.stability ? [] : ['stability is null: fewer than two training epochs clustered intents (sasrec, or a one-epoch run)'],
      };
      if (args.json) return printJson(io, result);
      const basis = r.silhouetteBasis.sampled ? `seeded sample of ${r.silhouetteBasis.scored} of ${r.silhouetteBasis.total}` : `all ${r.silhouetteBasis.total}`;
      io.out(`${r.clustering}\nSilhouette ${r.silhouette.toFixed(4)} (${r.silhouetteBasis.metric}, ${basis} representations)`);
      if (r.stability) io.out(`Prototype stability across epochs (ARI on ${r.stability.sample} training prefixes): ${r.stability.pairs.map((p) => `${p.from}→${p.to} ${p.ari.toFixed(3)}`).join(', ')}`);
      printTable(
        io,
        result.prototypes.map((p) => ({ ...p, silhouette: p.silhouette === null ? '-' : p.silhouette.toFixed(4), terms: p.terms.slice(0, 5).join(', '), topItems: p.topItems.slice(0, 3).map((i) => i.text).join('; ') })),
        ['id', 'size', 'label', 'silhouette', 'terms', 'topItems'],
      );
    },
  },
  {
    path: ['recommend'],
    summary: "Every user's top-K items of a run (scores, item texts, tail/head) into a CSV or JSON-lines file, users scored in batches.",
    flags: {
      run: { type: 'string', description: 'Run id (llmdirec runs list)', valueName: 'id' },
      users: { type: 'string', description: "all (default), or a file with one of the dataset's user ids per line", valueName: 'all|file' },
      k: { type: 'string', description: 'Items per user (default 20)', valueName: 'n' },
      out: { type: 'string', description: 'Output file: .csv (user_id,rank,item_id,score,text,group) or .jsonl (one user per line)', valueName: 'file' },
      input: { type: 'string', description: "test (default: the evaluator's input, all but the held-out last item) or full (the whole sequence: what to recommend next)", valueName: 'test|full' },
    },
    async run(args, service, io) {
      const out = requireString(args, 'out');
      const extension = extname(out).toLowerCase();
      if (extension !== '.csv' && extension !== '.jsonl') throw new ApiError('validation', `--out must end in .csv or .jsonl (got "${out}")`);
      const users = (args.flags.users as string | undefined) ?? 'all';
      const input = (args.flags.input as string | undefined) ?? 'test';
      if (input !== 'test' && input !== 'full') throw new ApiError('validation', `--input must be test or full (got "${input}")`);
      const started = await service.call('analysis.exportRecommendations', {
        runId: requireString(args, 'run'),
        k: optionalNumber(args, 'k') ?? 20,
        file: out,
        format: extension === '.jsonl' ? 'jsonl' : 'csv',
        usersFile: users === 'all' ? undefined : users,
        input,
      });
      const r = await followJob(service, started, io);
      if (args.json) return printJson(io, r);
      io.out(`Top-${r.k} of ${r.users} users (${r.rows} rows, ${r.checkpoint.kind} checkpoint, ${r.backend}) in ${r.seconds.toFixed(1)} s → ${r.file}`);
      if (r.skipped) io.out(`${r.skipped} users with a single item have no test input and are not in the file (use --input full).`);
    },
  },
  {
    path: ['report'],
    summary: "Paper Tables 2–4 from runs, next to the paper's numbers, mean ± std over seeds (--format md | json | html).",
    flags: {
      runs: { type: 'string', description: 'Run ids, comma separated', valueName: 'id,id,…' },
      format: { type: 'string', description: 'md (default) | json | html', valueName: 'f' },
      out: { type: 'string', description: 'Write the report to a file instead of stdout', valueName: 'file' },
    },
    async run(args, service, io) {
      const format = (args.flags.format as string | undefined) ?? (args.json ? 'json' : 'md');
      if (!['md', 'json', 'html'].includes(format)) throw new ApiError('validation', `--format must be md, json or html (got "${format}")`);
      const r = await service.call('analysis.report', { runIds: runIds(args.flags.runs) });
      const { markdown, html, ...tables } = r;
      const text = format === 'md' ? markdown : format === 'html' ? html : JSON.stringify(tables, null, 2);
      const out = args.flags.out as string | undefined;
      if (out) {
        writeFileSync(out, text.endsWith('\n') ? text : `${text}\n`);
        io.err(`Report written to ${out}`);
      } else io.out(text);
      if (r.paperNote) io.err(r.paperNote);
    },
  },
  {
    path: ['map', 'items'],
    summary: "2-D map of a dataset's item embeddings (semantic view) with labelled item groups; --out writes CSV or JSON.",
    flags: {
      dataset: datasetFlag,
      set: setFlag,
      method: { type: 'string', description: 'umap (default) | tsne | pca', valueName: 'm' },
      k: { type: 'string', description: 'Item groups (default 8)', valueName: 'n' },
      seed: { type: 'string', description: 'Seed (default 1)', valueName: 'n' },
      'max-points': { type: 'string', description: 'Sample above this many items (default 5000)', valueName: 'n' },
      out: { type: 'string', description: 'Write coordinates to a .csv or .json file', valueName: 'file' },
    },
    async run(args, service, io) {
      const started = await service.call('analysis.itemMap', {
        dataset: requireString(args, 'dataset'),
        embeddingSetId: Number(requireString(args, 'set')),
        method: method(args.flags.method),
        k: optionalNumber(args, 'k'),
        seed: optionalNumber(args, 'seed'),
        maxPoints: optionalNumber(args, 'max-points'),
      });
      const r = await followJob(service, started, io);
      const out = args.flags.out as string | undefined;
      if (out) writeMap(out, r);
      if (args.json) return printJson(io, { ...r, rows: out ? undefined : r.rows, out });
      io.out(`${r.map.method} map of ${r.rows.length} of ${r.map.total} items${r.map.sampled ? ` (seeded sample, seed ${r.map.seed})` : ''} in ${r.map.seconds.toFixed(1)} s${out ? ` → ${out}` : ''}`);
      if (r.itemsWithoutVector) io.out(`${r.itemsWithoutVector} items without text are not on the map.`);
      printTable(io, r.prototypes.map((p) => ({ ...p, terms: p.terms.slice(0, 5).join(', ') })), ['id', 'size', 'label', 'terms']);
    },
  },
  {
    path: ['neighbours'],
    summary: 'Nearest items to an item in the embedding space (not on the map), with their texts.',
    flags: {
      dataset: datasetFlag,
      set: setFlag,
      item: { type: 'string', description: 'Item id', valueName: 'id' },
      k: { type: 'string', description: 'How many (default 10)', valueName: 'n' },
    },
    async run(args, service, io) {
      const rows = await service.call('analysis.itemNeighbours', {
        dataset: requireString(args, 'dataset'),
        embeddingSetId: Number(requireString(args, 'set')),
        itemId: Number(requireString(args, 'item')),
        k: optionalNumber(args, 'k'),
      });
      if (args.json) return printJson(io, rows);
      printTable(io, rows.map((r) => ({ ...r, distance: r.distance.toFixed(4) })), ['itemId', 'distance', 'text']);
    },
  },
];
