import type { Migration } from '../store/migrations';

/**
 * Store schema of the semantic view (migrations 20–29 are reserved for it).
 *
 * Templates have immutable versions: an edit inserts a new version, and every embedding set names
 * the version its texts were rendered from. Vectors are cached per (embedding model, text hash):
 * the same text embedded by the same model gives the same vector whatever template produced it, so
 * after a template edit only the texts that changed are embedded again. The cache row records the
 * template version that first produced it; an embedding set maps (dataset, template version, model)
 * to one text hash per item and exists only once every item is resolved (never partial).
 */
export const semanticMigrations: Migration[] = [
  {
    version: 20,
    name: 'prompt templates with versions',
    sql: `
      CREATE TABLE prompt_templates (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        builtin    INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
      );
      CREATE TABLE prompt_template_versions (
        id                INTEGER PRIMARY KEY,
        template_id       INTEGER NOT NULL REFERENCES prompt_templates(id) ON DELETE CASCADE,
        version           INTEGER NOT NULL,
        text              TEXT NOT NULL,
        placeholders_json TEXT NOT NULL,
        missing           TEXT NOT NULL CHECK (missing IN ('drop-clause', 'blank')),
        created_at        TEXT NOT NULL,
        UNIQUE (template_id, version)
      );
    `,
  },
  {
    version: 21,
    name: 'embedding cache and embedding sets',
    sql: `
      -- One row per distinct way of producing vectors; variant holds what changes them (pooling, L2).
      CREATE TABLE embedding_models (
        id         INTEGER PRIMARY KEY,
        provider   TEXT NOT NULL,          -- builtin | transformers | openai | ollama
        endpoint   TEXT NOT NULL,          -- base URL or model folder; '' for builtin
        model      TEXT NOT NULL,
        variant    TEXT NOT NULL,
        dims       INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (provider, endpoint, model, variant)
      );
      CREATE TABLE embedding_cache (
        model_id            INTEGER NOT NULL REFERENCES embedding_models(id) ON DELETE CASCADE,
        text_hash           TEXT NOT NULL,  -- sha256 of the rendered text, hex
        vector              BLOB NOT NULL,  -- float32 little-endian, dims values
        template_version_id INTEGER REFERENCES prompt_template_versions(id) ON DELETE SET NULL,
        created_at          TEXT NOT NULL,
        PRIMARY KEY (model_id, text_hash)
      ) WITHOUT ROWID;
      CREATE TABLE embedding_sets (
        id                  INTEGER PRIMARY KEY,
        dataset_id          INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        template_version_id INTEGER NOT NULL REFERENCES prompt_template_versions(id) ON DELETE CASCADE,
        model_id            INTEGER NOT NULL REFERENCES embedding_models(id) ON DELETE CASCADE,
        items               INTEGER NOT NULL,
        items_with_text     INTEGER NOT NULL,
        created_at          TEXT NOT NULL,
        UNIQUE (dataset_id, template_version_id, model_id)
      );
      -- text_hash NULL = the item has no value for any placeholder: zero vector, hasText = 0.
      CREATE TABLE embedding_set_items (
        set_id    INTEGER NOT NULL REFERENCES embedding_sets(id) ON DELETE CASCADE,
        item_id   INTEGER NOT NULL,
        text_hash TEXT,
        PRIMARY KEY (set_id, item_id)
      ) WITHOUT ROWID;
    `,
  },
];
