/**
 * Run bundles: one file that carries a training run to another store or computer — its record,
 * epoch log, intents of the stability sample and checkpoints — where it can be inspected, evaluated,
 * or trained further with `runs resume` (the last checkpoint holds the whole training state, so the
 * continuation is the one the original store would have trained).
 *
 * The file is a safetensors file (one format for every tensor file of the workstation): the
 * checkpoints' tensors under `last/` and `best/`, each clustering epoch's sample intents under
 * `assignments/<epoch>`, and the records as JSON in `__metadata__`. A run's dataset is stored by
 * name elsewhere; the bundle carries a fingerprint of its sequences (and, for LLMDiRec, of the
 * semantic vectors), and importing refuses a store whose data differs — a run is only meaningful
 * over the data it trained on.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ApiError } from '../core/errors';
import { RunEmbedding, RunEpoch as EpochRecord, RunSummary } from './run-schemas';
import { writeTransaction, type Db } from '../store/db';
import { loadSequences } from '../store/datasets';
import { loadSemanticTable, listEmbeddingSets } from '../semantic/embedding-store';
import type { SequenceData } from './data';
import { getRun, insertRunRecord, runCheckpoints, runEpochAssignments, runEpochs, runFolder, type RunEpoch, type RunRecord } from './run-store';
import { parseSafetensors, writeSafetensors, type NamedArray } from './safetensors';
import { TrainingSettings } from './settings';

const FORMAT = 'llmdirec-run';
const VERSION = '1';

/** SHA-256 over the item count and every sequence (length, then ids): equal only for the same data in the same order. */
export function sequencesFingerprint(data: SequenceData): string {
  const hash = createHash('sha256');
  hash.update(Int32Array.of(data.numItems, data.sequences.length));
  for (const seq of data.sequences) hash.update(Int32Array.of(seq.length)).update(seq);
  return hash.digest('hex');
}

function vectorsFingerprint(db: Db, dataset: string, embeddingSetId: number): string {
  return createHash('sha256').update(loadSemanticTable(db, dataset, embeddingSetId).table).digest('hex');
}

// A run summary as the API shows it, plus what a store keeps; the id names a folder, so it is checked.
const BundleRun = RunSummary.omit({ epochs: true }).extend({
  id: z.string().regex(/^[\w.-]+$/, 'a run id is letters, digits, "-", "_" and "."'),
  settings: TrainingSettings,
  embedding: RunEmbedding.optional(),
  updatedAt: z.string(),
});
const BundleEpoch = EpochRecord.extend({ sampleSeed: z.number().optional() });
const BundleData = z.object({ name: z.string(), users: z.number(), items: z.number(), fingerprint: z.string(), semanticFingerprint: z.string().optional() });

export interface ExportedRun {
  runId: string;
  file: string;
  bytes: number;
  epochsDone: number;
  checkpoints: ('last' | 'best')[];
}

/**
 * Writes a run to one file (atomically, as checkpoints are; into a folder as `<run id>.llmdirec-run.safetensors`). A run
 * still training (here or in another process) is exported as of its last checkpoint: epochs after it
 * are left out, and on import it is an interrupted run that resumes from there.
 */
export function exportRun(db: Db, runId: string, destination: string): ExportedRun {
  const file = existsSync(destination) && statSync(destination).isDirectory() ? join(destination, `${runId}.llmdirec-run.safetensors`) : destination;
  const run = getRun(db, runId);
  if (!run) throw new ApiError('not_found', `No run ${runId}`);
  const tensors = new Map<string, NamedArray>();
  const checkpointMeta: Record<string, Record<string, string>> = {};
  const checkpointEpochs: Partial<Record<'last' | 'best', number>> = {};
  for (const c of runCheckpoints(db, runId)) {
    if (!existsSync(c.file)) continue;
    // One read of the file: training replaces it whole (rename), so its tensors and metadata agree.
    const checkpoint = parseSafetensors(readFileSync(c.file), c.file);
    for (const [name, t] of checkpoint.tensors) tensors.set(`${c.kind}/${name}`, t);
    checkpointMeta[c.kind] = checkpoint.metadata;
    checkpointEpochs[c.kind] = Number(checkpoint.metadata.epoch ?? c.epoch);
  }
  // `last` is stamped with the epochs done, `best` with the (0-based) epoch it snapshots.
  const epochsDone = checkpointEpochs.last ?? 0;
  const epochs = runEpochs(db, runId).filter((e) => e.epoch < epochsDone);
  const between = epochs.length < epochsDone || (checkpointEpochs.best !== undefined && checkpointEpochs.best >= epochsDone && checkpointEpochs.last !== undefined);
  if (between) throw new ApiError('conflict', `Run ${runId} is saving an epoch right now; export it again in a moment`);
  const seeds = new Map<number, number | undefined>();
  for (const a of runEpochAssignments(db, runId)) {
    if (a.epoch >= epochsDone) continue;
    tensors.set(`assignments/${a.epoch}`, { shape: [a.labels.length], data: a.labels });
    seeds.set(a.epoch, a.seed ?? undefined);
  }

  const data = loadSequences(db, run.dataset);
  const stopping = checkpointMeta.last?.earlyStopping ? (JSON.parse(checkpointMeta.last.earlyStopping) as { best?: RunRecord['bestValid']; bestEpoch?: number }) : undefined;
  const active = ['queued', 'running', 'paused'].includes(run.status);
  const { folder: _folder, owner: _owner, ...record } = run;
  const exported = {
    ...record,
    epochsDone,
    status: active ? 'interrupted' : run.status,
    ...(active && stopping ? { bestEpoch: stopping.bestEpoch, bestValid: stopping.best } : {}),
  };
  const dataset = {
    name: run.dataset,
    users: data.sequences.length,
    items: data.numItems,
    fingerprint: sequencesFingerprint(data),
    semanticFingerprint: run.embedding ? vectorsFingerprint(db, run.dataset, run.embedding.embeddingSetId) : undefined,
  };
  const metadata: Record<string, string> = {
    format: FORMAT,
    version: VERSION,
    run: JSON.stringify(exported),
    epochs: JSON.stringify(epochs.map((e) => ({ ...e, sampleSeed: seeds.get(e.epoch) }))),
    dataset: JSON.stringify(dataset),
    checkpoints: JSON.stringify(checkpointMeta),
    exportedAt: new Date().toISOString(),
  };
  writeSafetensors(file, tensors, metadata);
  return { runId, file, bytes: statSync(file).size, epochsDone, checkpoints: (Object.keys(checkpointMeta) as ('last' | 'best')[]).sort() };
}

function parseBundle(file: string) {
  if (!existsSync(file) || !statSync(file).isFile()) throw new ApiError('not_found', `No run bundle at ${file}`);
  let parsed;
  try {
    parsed = parseSafetensors(readFileSync(file), file);
  } catch (error) {
    throw new ApiError('bad_input', `${file} is not a run bundle: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { metadata, tensors } = parsed;
  if (metadata.format !== FORMAT) throw new ApiError('bad_input', `${file} is not a run bundle (a safetensors file without format "${FORMAT}"; a model checkpoint is evaluated with "llmdirec eval --checkpoint")`);
  if (metadata.version !== VERSION) throw new ApiError('bad_input', `${file} is a run bundle of version ${metadata.version}; this build reads version ${VERSION}`);
  const field = <T>(key: string, schema: z.ZodType<T>): T => {
    try {
      return schema.parse(JSON.parse(metadata[key] ?? 'null'));
    } catch (error) {
      throw new ApiError('bad_input', `${file}: its ${key} record is malformed (${error instanceof Error ? error.message.slice(0, 300) : String(error)})`);
    }
  };
  const run = field('run', BundleRun);
  const epochs = field('epochs', z.array(BundleEpoch));
  const dataset = field('dataset', BundleData);
  const checkpointMeta = field('checkpoints', z.partialRecord(z.enum(['last', 'best']), z.object({ epoch: z.string().regex(/^\d+$/) }).catchall(z.string())));
  return { run, epochs, dataset, checkpointMeta, tensors };
}

/**
 * Adds the run of a bundle to this store, over its dataset here (`dataset` names it when it has
 * another name) — which must hold the same sequences (and, for LLMDiRec, an embedding set with the
 * same vectors). All or nothing: on any error neither the record nor its checkpoint files remain.
 */
export function importRun(db: Db, dbFile: string, file: string, dataset?: string): RunRecord {
  const bundle = parseBundle(file);
  const { run } = bundle;
  const target = dataset ?? run.dataset;
  if (getRun(db, run.id)) throw new ApiError('conflict', `Run ${run.id} is already in this store`);
  const data = loadSequences(db, target); // not_found for an unknown dataset, with how to list them
  if (sequencesFingerprint(data) !== bundle.dataset.fingerprint) {
    throw new ApiError(
      'conflict',
      `Run ${run.id} trained on "${bundle.dataset.name}" (${bundle.dataset.users} users, ${bundle.dataset.items} items); dataset "${target}" here has other sequences (${data.sequences.length} users, ${data.numItems} items). Import the same data first (llmdirec dataset import).`,
    );
  }
  let { settings, embedding } = run;
  if (embedding) {
    // The fused table needs the identical frozen vectors: find an embedding set here that has them.
    const same = listEmbeddingSets(db, target).find((s) => s.dims === embedding!.dims && safeFingerprint(db, target, s.id) === bundle.dataset.semanticFingerprint);
    if (!same) {
      throw new ApiError(
        'conflict',
        `Run ${run.id} trained on ${embedding.provider}/${embedding.model} embeddings of template "${embedding.template}"; "${target}" here has no embedding set with the same vectors. Embed it first (llmdirec embed --dataset ${target} --provider ${embedding.provider} --template ${embedding.template}).`,
      );
    }
    embedding = { ...embedding, embeddingSetId: same.id };
    settings = { ...settings, embeddingSetId: same.id };
  }

  const folder = runFolder(dbFile, run.id);
  const checkpoints: { kind: 'last' | 'best'; epoch: number; file: string }[] = [];
  mkdirSync(folder, { recursive: true });
  try {
    for (const [kind, metadata] of Object.entries(bundle.checkpointMeta) as ['last' | 'best', Record<string, string> & { epoch: string }][]) {
      const tensors = new Map<string, NamedArray>();
      for (const [name, t] of bundle.tensors) if (name.startsWith(`${kind}/`)) tensors.set(name.slice(kind.length + 1), t);
      const checkpointFile = join(folder, `${kind}.safetensors`);
      writeSafetensors(checkpointFile, tensors, { ...metadata, runId: run.id });
      checkpoints.push({ kind, epoch: Number(metadata.epoch), file: checkpointFile });
    }
    const epochs: RunEpoch[] = bundle.epochs.map((e) => {
      const labels = bundle.tensors.get(`assignments/${e.epoch}`)?.data;
      return { ...e, sampleAssignments: labels instanceof Int32Array ? labels : undefined };
    });
    writeTransaction(db, () => insertRunRecord(db, { ...run, dataset: target, settings, embedding, folder }, epochs, checkpoints));
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  return getRun(db, run.id)!;
}

function safeFingerprint(db: Db, dataset: string, embeddingSetId: number): string | undefined {
  try {
    return vectorsFingerprint(db, dataset, embeddingSetId);
  } catch {
    return undefined; // an incomplete set cannot be the one
  }
}
