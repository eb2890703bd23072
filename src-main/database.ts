/**
 * The workstation's database: the store's connection with every capability's schema. Each owner
 * keeps its migrations next to its tables, in a range of versions of its own; they are registered
 * here, above all of them, so the store imports none of its users.
 */
import { runMigrations } from './engine/schema';
import { planMigrations } from './plans/schema';
import { semanticMigrations } from './semantic/schema';
import { connectDb, migrate, type Db } from './store/db';
import { datasetMigrations, type Migration } from './store/migrations';

export const workstationMigrations: readonly Migration[] = [
  ...datasetMigrations, // 1–9: datasets, items, users, interactions (src-main/store/migrations.ts)
  ...runMigrations, // 10–19: training runs, epochs, checkpoints (src-main/engine/schema.ts)
  ...semanticMigrations, // 20–29: prompt templates, embedding cache (src-main/semantic/schema.ts)
  ...planMigrations, // 30–39: experiment plans and their entries (src-main/plans/schema.ts)
];

/** Opens (creating if needed) a workstation database and brings its schema up to date. */
export function openDb(file: string, options: { readonly?: boolean } = {}): Db {
  const db = connectDb(file, options);
  if (!options.readonly) migrate(db, workstationMigrations);
  return db;
}
export type { Db };
