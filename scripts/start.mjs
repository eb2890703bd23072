#!/usr/bin/env node
// `npm start`: the desktop app where the Electron binary is installed, else the same UI in the
// browser (web mode). Either way the first start creates the demo dataset, and the database is the
// app-data default unless LLMDIREC_DB is set.
//
// `electron` is an optional dependency (issue #15): its postinstall downloads the binary, and where
// that fails (no internet access, a blocked host) npm leaves the package out and `npm ci` still
// succeeds. Then `require('electron')` fails and this script takes the web mode; the build does
// not need the package (electron.vite.config.ts).
//
// Native modules: better-sqlite3 is compiled for Node by `npm ci`. Electron needs it compiled for
// Electron's ABI, so before the first desktop launch this script runs
//   npm rebuild better-sqlite3 --runtime=electron --target=<electron version> --dist-url=https://electronjs.org/headers
// (equivalent to `npx @electron/rebuild -w better-sqlite3` / electron-builder install-app-deps).
// After that the CLI and the tests need `npm rebuild better-sqlite3` to switch back to Node's ABI.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const extraArgs = process.argv.slice(2);

function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? { path } : { reason: `the Electron binary is missing (${path})` };
  } catch (error) {
    const missing = error.code === 'MODULE_NOT_FOUND' && /'electron'/.test(String(error.message));
    return {
      reason: missing
        ? 'the optional electron package is not installed (npm leaves it out where its binary cannot be downloaded; run "npm ci" again on a network that reaches it)'
        : `the Electron binary is not installed (${String(error.message).split('\n')[0]})`,
    };
  }
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  return result.status === 0;
}

function newest(dir) {
  let t = 0;
  for (const entry of spawnSync('find', [dir, '-type', 'f', '-newer', join(root, 'out/main/index.js')], { encoding: 'utf8' }).stdout?.split('\n') ?? []) {
    if (entry) t = Math.max(t, statSync(entry).mtimeMs);
  }
  return t;
}

function needsBuild() {
  if (!existsSync(join(root, 'out/main/index.js')) || !existsSync(join(root, 'out/renderer/index.html'))) return true;
  return ['src-main', 'src-preload', 'src-renderer'].some((d) => newest(join(root, d)) > 0);
}

function forward(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}

const electron = electronBinary();
if (electron.path) {
  if (needsBuild() && !run(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'])) process.exit(1);
  const version = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  // Does better-sqlite3 load inside Electron? If not, rebuild it for Electron's ABI (see the header).
  const probe = spawnSync(electron.path, ['-e', "require('better-sqlite3')"], { cwd: root, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8' });
  if (probe.status !== 0) {
    console.log(`Rebuilding better-sqlite3 for Electron ${version} (run "npm rebuild better-sqlite3" later to use the CLI again)…`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    if (!run(npm, ['rebuild', 'better-sqlite3', '--runtime=electron', `--target=${version}`, '--dist-url=https://electronjs.org/headers'])) {
      console.error('Could not rebuild better-sqlite3 for Electron. Try: npx @electron/rebuild -f -w better-sqlite3');
      process.exit(1);
    }
  }
  console.log(`Starting the desktop app (Electron ${version})…`);
  forward(spawn(electron.path, [root, ...extraArgs], { cwd: root, stdio: 'inherit' }));
} else {
  console.log(`Electron cannot start here: ${electron.reason}.`);
  console.log('Starting the web mode instead: the same workstation in your browser, on this computer only.');
  forward(spawn(process.execPath, [join(root, 'bin/llmdirec.mjs'), 'serve', '--demo', '--open', ...extraArgs], { cwd: root, stdio: 'inherit' }));
}
