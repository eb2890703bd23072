/**
 * Run records (migrations 10–19, registered in src-main/database.ts): one row per training
 * run (config, backend, status, best validation and test metrics, timings), one row per finished
 * epoch (losses by component, validation metrics, cluster sizes, timings), and the checkpoint files
 * kept in the run's folder next to the database.
 */
import type { Migration } from '../store/migrations';

export const runMigrations: Migration[] = [
  {
    version: 10,
    name: 'runs',
    sql: `
      CREATE TABLE runs (
        id            TEXT PRIMARY KEY,
        dataset       TEXT NOT NULL,          -- dataset name (runs outlive a re-import of the same name)
        model         TEXT NOT NULL,          -- sasrec | indirec | … (config_json has every setting)
        config_json   TEXT NOT NULL,
        backend       TEXT,                   -- compute backend that ran it: tensorflow | wasm | cpu
        status        TEXT NOT NULL,          -- queued | running | paused | succeeded | failed | cancelled | interrupted
        folder        TEXT NOT NULL,          -- run folder with last.safetensors / best.safetensors
        epochs_done   INTEGER NOT NULL DEFAULT 0,
        best_epoch    INTEGER,
        best_valid_json TEXT,
        test_json     TEXT,
        error         TEXT,
        train_seconds REAL NOT NULL DEFAULT 0,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        finished_at   TEXT
      );
      CREATE INDEX runs_by_dataset ON runs(dataset, created_at);
      CREATE TABLE run_epochs (
        run_id             TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        epoch              INTEGER NOT NULL,
        losses_json        TEXT NOT NULL,      -- mean per component: total, rec, diff, cl, align, gradNorm
        valid_json         TEXT,               -- HR/NDCG@5/10/20 when validated this epoch
        cluster_sizes_json TEXT,
        seconds            REAL NOT NULL,
        clustering_seconds REAL,
        PRIMARY KEY (run_id, epoch)
      ) WITHOUT ROWID;
      CREATE TABLE checkpoints (
        run_id     TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        kind       TEXT NOT NULL,              -- last (full training state) | best (model weights)
        epoch      INTEGER NOT NULL,
        file       TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (run_id, kind)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 11,
    name: 'runs: semantic view used (LLMDiRec)',
    sql: `
      -- {embeddingSetId, provider, model, dims, template, templateVersion, itemsWithText} of an llmdirec run
      ALTER TABLE runs ADD COLUMN embedding_json TEXT;
    `,
  },
  {
    version: 12,
    name: 'run epochs: K-means assignments of a fixed sample',
    sql: `
      -- Intent (cluster) of each prefix of a fixed seeded sample of training prefixes, in sample
      -- order: little-endian uint16 per prefix (int32 when there are more than 65536 intents). The
      -- same sample every epoch, so consecutive epochs compare by adjusted Rand index.
      ALTER TABLE run_epochs ADD COLUMN assignments BLOB;
      ALTER TABLE run_epochs ADD COLUMN assignments_count INTEGER;
      ALTER TABLE run_epochs ADD COLUMN assignments_seed INTEGER;
    `,
  },
  {
    version: 13,
    name: 'runs: owning process',
    sql: `
      -- The process (pid on host) training the run, so that another process (the CLI next to the
      -- app) tells a run still training elsewhere from one that was killed.
      ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
      ALTER TABLE runs ADD COLUMN owner_host TEXT;
    `,
  },
  {
    version: 14,
    name: 'run epochs: learning-dynamics diagnostics',
    sql: `
      -- JSON of engine/diagnostics.ts's EpochDiagnostics: item-table norms, cosines and gate, gradient
      -- norms per loss component and parameter group on a fixed batch, at the epoch's end.
      ALTER TABLE run_epochs ADD COLUMN diagnostics_json TEXT;
    `,
  },
];
