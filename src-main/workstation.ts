import { createService, type Service } from './api/service';
import { JobRunner } from './api/jobs';
import { openDb } from './database';
import { defaultDbFile } from './paths';

/** Opens the workstation over one database file: what the CLI, the web server and Electron all start from. */
export function openWorkstation(options: { dbFile?: string } = {}): Service {
  const dbFile = options.dbFile ?? defaultDbFile();
  const db = openDb(dbFile);
  return createService({ db, dbFile, jobs: new JobRunner() });
}
