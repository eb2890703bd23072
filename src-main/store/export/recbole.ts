/**
 * A stored dataset as RecBole atomic files (docs/recbole.md): `<name>.inter`, `<name>.item` with
 * the items' attributes, optionally `<name>.itememb` with an embedding set's vectors for RecBole's
 * `preload_weight`, and `<name>.yaml`, the RecBole config that loads exactly these files.
 * `dataset import --format recbole` reads the export back to the same sequences (the round trip is tested).
 */
import { join } from 'node:path';
import type { Attributes } from '../dataset-schemas';
import { throwIfCancelled } from '../../core/jobs';
import type { Db } from '../db';
import { datasetId, getDataset } from '../datasets';
import { writeFilesTogether, type LineFile } from './line-file';

/** Vectors of an embedding set in the engine's layout (semantic/embedding-store.ts `SemanticTable`). */
export interface ItemVectors {
  dims: number;
  /** (numItems + 1) × dims, row = item id. */
  table: Float32Array;
  /** 1 where the item has a vector from its text. */
  hasText: Uint8Array;
  /** What the vectors are, for the config's comment: "embedding set 3 (builtin/use-lite)". */
  label: string;
}

export interface RecboleExportOptions {
  vectors?: ItemVectors;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, message: string) => void;
}

export interface RecboleExport {
  name: string;
  folder: string;
  files: { file: string; rows: number }[];
  /** The .inter column that orders each user's interactions (RecBole's TIME_FIELD). */
  timeField: 'timestamp' | 'order';
  config: string;
}

/** RecBole field types (docs/source/user_guide/data/atomic_files.rst). */
type FieldType = 'token' | 'token_seq' | 'float';

const CHUNK = 20_000;
const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function exportRecbole(db: Db, name: string, folder: string, options: RecboleExportOptions = {}): Promise<RecboleExport> {
  const summary = getDataset(db, name);
  const id = datasetId(db, name);
  const timeField = hasUsableTimestamps(db, id) ? 'timestamp' : 'order';
  const total = summary.actions + summary.items + (options.vectors ? summary.items : 0);
  let done = 0;
  const step = async (n: number, message: string): Promise<void> => {
    done += n;
    options.onProgress?.(done, total, message);
    await yieldNow();
    throwIfCancelled(options.signal);
  };
  const path = (suffix: string) => join(folder, `${name}.${suffix}`);
  return writeFilesTogether(async (open) => {
    const files: RecboleExport['files'] = [];

    const inter = open(path('inter'));
    inter.line(`user_id:token\titem_id:token\t${timeField}:float`);
    let rows = 0;
    const interactions = db
      .prepare(
        `SELECT u.external_id, i.external_id, x.timestamp, x.position FROM interactions x
         JOIN users u ON u.dataset_id = x.dataset_id AND u.user_id = x.user_id
         JOIN items i ON i.dataset_id = x.dataset_id AND i.item_id = x.item_id
         WHERE x.dataset_id = ? ORDER BY x.user_id, x.position`,
      )
      .raw()
      .iterate(id) as Iterable<[string, string, number | null, number]>;
    // Rows go out user by user in sequence order, so RecBole's stable sort by time keeps ties as they are.
    for (const [user, item, timestamp, position] of interactions) {
      inter.line(`${token(user)}\t${token(item)}\t${timeField === 'timestamp' ? timestamp : position}`);
      if (++rows % CHUNK === 0) await step(CHUNK, `${name}.inter`);
    }
    await step(rows % CHUNK, `${name}.inter`);
    files.push({ file: inter.file, rows });

    const items = db.prepare('SELECT item_id, external_id, attributes_json FROM items WHERE dataset_id = ? ORDER BY item_id').raw().all(id) as [number, string, string][];
    const parsed = items.map(([itemId, externalId, json]) => ({ itemId, externalId, attributes: JSON.parse(json) as Attributes }));
    const fields = itemFields(parsed.map((p) => p.attributes));
    if (fields.length > 0) {
      const item = open(path('item'));
      item.line(['item_id:token', ...fields.map((f) => `${f.name}:${f.type}`)].join('\t'));
      for (const p of parsed) item.line([token(p.externalId), ...fields.map((f) => cell(p.attributes[f.key], f.type))].join('\t'));
      files.push({ file: item.file, rows: parsed.length });
    }
    await step(parsed.length, `${name}.item`);

    if (options.vectors) files.push({ file: await writeVectors(open(path('itememb')), parsed, options.vectors, step), rows: parsed.filter((p) => options.vectors!.hasText[p.itemId]).length });

    const config = open(path('yaml'));
    for (const line of recboleConfig(name, timeField, fields, options.vectors)) config.line(line);
    return { name, folder, files, timeField, config: config.file };
  });
}

/** True when every interaction has a timestamp and each user's timestamps never go back in sequence order. */
function hasUsableTimestamps(db: Db, id: number): boolean {
  const missing = db.prepare('SELECT COUNT(*) AS n FROM interactions WHERE dataset_id = ? AND timestamp IS NULL').get(id) as { n: number };
  if (missing.n > 0) return false;
  const backwards = db
    .prepare(
      `SELECT COUNT(*) AS n FROM (SELECT timestamp < LAG(timestamp) OVER (PARTITION BY user_id ORDER BY position) AS back
       FROM interactions WHERE dataset_id = ?) WHERE back`,
    )
    .get(id) as { n: number };
  return backwards.n === 0;
}

/**
 * One column per attribute name, typed by its values: numbers → float, string lists → token_seq,
 * anything else → token (the text as it is). Columns keep the order names first appear in.
 */
function itemFields(all: Attributes[]): { key: string; name: string; type: FieldType }[] {
  const kinds = new Map<string, Set<string>>();
  for (const attributes of all) {
    for (const [key, value] of Object.entries(attributes)) {
      if (value === null || key === 'item_id') continue;
      const kind = typeof value === 'number' ? 'float' : Array.isArray(value) ? 'token_seq' : 'token';
      (kinds.get(key) ?? kinds.set(key, new Set()).get(key)!).add(kind);
    }
  }
  // A header field is `name:type`, tab-separated: a name with spaces or colons would not parse.
  return [...kinds].map(([key, set]) => ({ key, name: key.replace(/[\s:]+/g, '_'), type: set.size === 1 ? ([...set][0] as FieldType) : 'token' }));
}

/**
 * A token as RecBole's reader (pandas, tab-separated) reads it back: tabs and line breaks become
 * spaces, and a value starting with a double quote is quoted (pandas would otherwise take it as one).
 */
function token(value: string): string {
  const flat = value.replace(/[\t\r\n]+/g, ' ');
  return flat.startsWith('"') ? `"${flat.replace(/"/g, '""')}"` : flat;
}

function cell(value: Attributes[string] | undefined, type: FieldType): string {
  if (value === undefined || value === null) return '';
  if (type === 'float') return String(value);
  // RecBole splits token_seq on spaces: a list element with spaces ("Skin Care") stays one token as Skin_Care.
  if (Array.isArray(value)) return token(value.map((v) => v.trim().replace(/\s+/g, '_')).join(type === 'token_seq' ? ' ' : ', '));
  return token(String(value));
}

/** The vectors of items that have one; RecBole's preload matrix is zero for the rest, as the engine's table is. */
async function writeVectors(file: LineFile, items: { itemId: number; externalId: string }[], vectors: ItemVectors, step: (n: number, message: string) => Promise<void>): Promise<string> {
  file.line('iid:token\titem_emb:float_seq');
  const { dims, table, hasText } = vectors;
  let k = 0;
  for (const item of items) {
    if (hasText[item.itemId]) {
      const values: string[] = new Array<string>(dims);
      // 9 significant digits read back to the same float32.
      for (let d = 0; d < dims; d++) values[d] = String(Number(table[item.itemId * dims + d]!.toPrecision(9)));
      file.line(`${token(item.externalId)}\t${values.join(' ')}`);
    }
    if (++k % 1000 === 0) await step(1000, 'item embeddings');
  }
  await step(k % 1000, 'item embeddings');
  return file.file;
}

/** The RecBole config that loads these files (SASRec settings are added by the guide, docs/recbole.md). */
function recboleConfig(name: string, timeField: string, fields: { name: string }[], vectors: ItemVectors | undefined): string[] {
  const lines = [
    `# RecBole config for the atomic files of "${name}" written by llmdirec dataset export (docs/recbole.md).`,
    `# data_path must be the folder that contains the ${name}/ folder with these files.`,
    `dataset: ${name}`,
    'USER_ID_FIELD: user_id',
    'ITEM_ID_FIELD: item_id',
    `TIME_FIELD: ${timeField}`,
    'load_col:',
    `  inter: [user_id, item_id, ${timeField}]`,
  ];
  if (fields.length > 0) lines.push(`  item: [item_id, ${fields.map((f) => f.name).join(', ')}]`);
  if (vectors) {
    lines.push(
      `  itememb: [iid, item_emb]`,
      `# ${vectors.dims}-dimensional item vectors of ${vectors.label}: dataset.get_preload_weight('iid')`,
      'additional_feat_suffix: [itememb]',
      'alias_of_item_id: [iid]',
      'preload_weight:',
      '  iid: item_emb',
    );
  }
  lines.push(
    '# The workstation already filtered and ordered the data: no further filtering, leave-one-out by time.',
    'user_inter_num_interval: "[0,inf)"',
    'item_inter_num_interval: "[0,inf)"',
    'eval_args:',
    "  split: {'LS': 'valid_and_test'}",
    '  order: TO',
    '  group_by: user',
    '  mode: full',
  );
  return lines;
}
