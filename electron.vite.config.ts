import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';
import { methodNames } from './src-main/api/contract';

/**
 * Build layout (issue #6): main = src-main/electron/index.ts, preload = src-preload/index.ts,
 * renderer root = src-renderer. Dependencies stay external in the main bundle (better-sqlite3 is
 * native; tfjs loads .wasm files from its package folder), so `out/main` requires them from
 * node_modules at run time exactly as the CLI does.
 */
const root = import.meta.dirname;

/**
 * `electron` is an optional dependency (issue #15): where its binary cannot be downloaded, npm drops
 * the package and `npm ci` still succeeds. electron-vite reads the Electron version from
 * `electron/package.json` only to pick the build targets (Node and Chrome versions, ESM support);
 * without the package it would stop with "Cannot find module 'electron/package.json'". So the
 * major version comes from the range in package.json instead, which gives the same targets; the
 * web mode and the end-to-end tests use exactly this build.
 */
function electronMajorFromPackageJson(): string | undefined {
  try {
    createRequire(join(root, 'package.json')).resolve('electron/package.json');
    return undefined;
  } catch {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> };
    return /\d+/.exec(pkg.optionalDependencies?.electron ?? '')?.[0];
  }
}
const electronMajor = process.env.ELECTRON_MAJOR_VER ? undefined : electronMajorFromPackageJson();
if (electronMajor) process.env.ELECTRON_MAJOR_VER = electronMajor;

/**
 * Worker-thread entry files (`*.worker.ts`, `*-worker.ts`, `*-worker.mjs` anywhere under src-main)
 * are extra inputs of the main build, emitted next to index.js under their own names
 * (`out/main/projection-worker.js`, `out/main/builtin-worker.mjs`), so code that starts a worker
 * with `new URL('./x-worker.js', import.meta.url)` finds it after bundling as well as under tsx.
 */
const workerFile = /[.-]worker\.(ts|mjs)$/;
function workerEntries(dir = join(root, 'src-main')): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) Object.assign(entries, workerEntries(path));
    else if (workerFile.test(name)) entries[name.replace(/\.ts$/, '')] = path;
  }
  return entries;
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: {
        input: { index: resolve(root, 'src-main/electron/index.ts'), ...workerEntries() },
        // `builtin-worker.mjs` keeps its extension (its caller asks for that name); the rest get `.js`.
        output: { entryFileNames: (chunk) => (chunk.name.endsWith('.mjs') ? chunk.name : `${chunk.name}.js`) },
      },
    },
  },
  preload: {
    // The window is sandboxed: its preload must be one self-contained CommonJS file that requires
    // nothing but 'electron'. The method list is compiled in from the contract (one source of truth).
    define: { __LLMDIREC_METHODS__: JSON.stringify(methodNames) },
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'src-preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [vue()],
    define: { __LLMDIREC_METHODS__: JSON.stringify(methodNames) },
    build: {
      outDir: resolve(root, 'out/renderer'),
      minify: true,
      rollupOptions: { input: { index: resolve(root, 'src-renderer/index.html') } },
      // echarts is imported modularly; its core alone is large, so don't nag about chunk size.
      chunkSizeWarningLimit: 1500,
    },
  },
});
