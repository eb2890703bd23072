/**
 * Starting worker threads the same way under tsx/vitest (TypeScript sources) and in the bundled
 * build (emitted `.js` entries): engine runs, evaluation, run outputs and analysis all use this.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The URL of a worker entry next to `base` (an `import.meta.url`): the `.ts` source under
 * tsx/vitest, the emitted `.js` file in the bundled build (electron.vite.config.ts emits every
 * `*-worker.ts` next to index.js under its own name).
 */
export function workerEntry(base: string, name: string): URL {
  return new URL(base.endsWith('.ts') ? `./${name}.ts` : `./${name}.js`, base);
}

/** Starts a worker on `url`; a TypeScript entry gets tsx's loader registered inside the worker first. */
export function startWorker(url: URL, workerData?: unknown): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData });
  // execArgv `--import tsx` does not reach eval workers, and the CommonJS build of tsx's API points
  // at a missing file: import its ESM API explicitly, register, then import the entry.
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}
