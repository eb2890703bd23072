/**
 * Schema migrations, applied in order by `migrate()`. Never edit a shipped migration: add a new one.
 * Each capability owns a range of versions and its own list (this file: the datasets, 1–9); the
 * workstation's database (src-main/database.ts) registers every owner's list.
 */

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const datasetMigrations: Migration[] = [
  {
    version: 1,
    name: 'datasets',
    sql: `
      CREATE TABLE datasets (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE,
        source_format TEXT NOT NULL,
        source        TEXT NOT NULL,           -- file or folder the data came from, as given
        options_json  TEXT NOT NULL,           -- preprocessing options used (k-core, duplicates, …)
        split         TEXT NOT NULL DEFAULT 'leave-one-out',
        users         INTEGER NOT NULL,
        items         INTEGER NOT NULL,
        actions       INTEGER NOT NULL,
        min_length    INTEGER NOT NULL,
        max_length    INTEGER NOT NULL,
        created_at    TEXT NOT NULL
      );
      -- item_id / user_id are the dense 1-based ids the models use; external_id is the id in the source.
      CREATE TABLE items (
        dataset_id      INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        item_id         INTEGER NOT NULL,
        external_id     TEXT NOT NULL,
        attributes_json TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (dataset_id, item_id)
      ) WITHOUT ROWID;
      CREATE TABLE users (
        dataset_id      INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        user_id         INTEGER NOT NULL,
        external_id     TEXT NOT NULL,
        attributes_json TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (dataset_id, user_id)
      ) WITHOUT ROWID;
      -- position is the 0-based chronological order inside the user's sequence.
      CREATE TABLE interactions (
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        user_id    INTEGER NOT NULL,
        position   INTEGER NOT NULL,
        item_id    INTEGER NOT NULL,
        timestamp  INTEGER,
        PRIMARY KEY (dataset_id, user_id, position)
      ) WITHOUT ROWID;
      CREATE INDEX interactions_by_item ON interactions(dataset_id, item_id);
    `,
  },
];
