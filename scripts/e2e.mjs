#!/usr/bin/env node
/* global setTimeout, clearTimeout */
// End-to-end tests: builds the UI, starts the real web-mode server (`llmdirec serve`) on a temporary
// database with the demo dataset, runs test/e2e/*.test.ts in Debian's Chromium through
// playwright-core (node's test runner), saves screenshots to test-results/screenshots/, and ends
// with "N passed, N failed, N skipped". Set E2E_SKIP_BUILD=1 to reuse an existing out/renderer.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv.slice(2);
const screenshots = join(root, 'test-results', 'screenshots');
// Fresh pictures every run, so none is left over from an earlier journey.
rmSync(screenshots, { recursive: true, force: true });
mkdirSync(screenshots, { recursive: true });

if (!process.env.E2E_SKIP_BUILD) {
  const built = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (built.status !== 0) {
    console.error('The UI build failed.');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

const work = mkdtempSync(join(tmpdir(), 'llmdirec-e2e-'));
const dbFile = join(work, 'e2e.sqlite');
const server = spawn(process.execPath, [join(root, 'bin/llmdirec.mjs'), '--db', dbFile, 'serve', '--port', '0', '--demo'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let serverLog = '';
server.stderr.on('data', (d) => (serverLog += d));

const url = await new Promise((resolve, reject) => {
  let out = '';
  const timer = setTimeout(() => reject(new Error(`The server did not start in 180 s.\n${serverLog}`)), 180_000);
  server.stdout.on('data', (d) => {
    out += d;
    const match = /Open: (http\S+)/.exec(out);
    if (match) {
      clearTimeout(timer);
      resolve(match[1]);
    }
  });
  server.on('exit', (code) => reject(new Error(`The server exited (${code}).\n${serverLog}`)));
}).catch((error) => {
  console.error(error.message);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
console.log(`e2e: server at ${url.replace(/token=.*/, 'token=…')} (db ${dbFile})`);

const files = readdirSync(join(root, 'test/e2e'))
  .filter((f) => f.endsWith('.test.ts') && (only.length === 0 || only.some((o) => f.includes(o))))
  .sort()
  .map((f) => join('test/e2e', f));
const tap = join(work, 'results.tap');
const run = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, E2E_URL: url, E2E_DB: dbFile, E2E_SCREENSHOTS: screenshots, E2E_FIXTURES: join(root, 'test/fixtures/ui') },
  },
);
const code = await new Promise((resolve) => run.on('exit', (c) => resolve(c ?? 1)));
server.kill('SIGTERM');
await new Promise((resolve) => server.on('exit', resolve));

const report = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
const count = (key) => Number(new RegExp(`^# ${key} (\\d+)`, 'm').exec(report)?.[1] ?? 0);
const passed = count('pass');
const failed = count('fail') + count('cancelled') + (code !== 0 && count('fail') === 0 ? 1 : 0);
const skipped = count('skipped');
rmSync(work, { recursive: true, force: true });
console.log(`screenshots: ${screenshots}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
