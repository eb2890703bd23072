/**
 * Experiment plans (migrations 30–39, registered in src-main/database.ts): the plan as written
 * and one row per run it trains. An entry's state is read from its run record (store.ts), so a
 * killed process leaves nothing to repair: the entry's run is then interrupted and resumable.
 */
import type { Migration } from '../store/migrations';

export const planMigrations: Migration[] = [
  {
    version: 30,
    name: 'experiment plans',
    sql: `
      CREATE TABLE plans (
        id              INTEGER PRIMARY KEY,
        name            TEXT NOT NULL,
        definition_json TEXT NOT NULL,        -- the validated plan file (src-main/plans/format.ts)
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        owner_pid       INTEGER,              -- the process running the plan (one at a time)
        owner_host      TEXT
      );
      CREATE TABLE plan_entries (
        plan_id       INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,       -- 0-based order of the expanded plan
        dataset       TEXT NOT NULL,
        model         TEXT NOT NULL,
        variant       TEXT,                   -- llmdirec: id in llmdirecVariants
        seed          INTEGER NOT NULL,
        epochs        INTEGER,                -- null: the dataset preset's
        settings_json TEXT NOT NULL,          -- overrides as written
        run_id        TEXT REFERENCES runs(id) ON DELETE SET NULL,
        error         TEXT,                   -- why the run could not be started (no run then)
        resumes       INTEGER NOT NULL DEFAULT 0, -- times the plan resumed its interrupted run
        groups_json   TEXT,                   -- Table-3 group metrics of the finished run
        PRIMARY KEY (plan_id, position)
      ) WITHOUT ROWID;
      CREATE INDEX plan_entries_by_run ON plan_entries(run_id);
    `,
  },
];
