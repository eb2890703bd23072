/**
 * Launches the real Electron app where its binary is installed and checks the window is hardened
 * and the preload bridge works. `electron` is an optional dependency: where its binary cannot be
 * downloaded (CI, machines without internet access) npm leaves the package out, or with
 * ELECTRON_SKIP_BINARY_DOWNLOAD=1 installs it without a binary. Either way the test is skipped with
 * the reason printed.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { _electron } from 'playwright-core';

function electronBinary(): { path?: string; reason?: string } {
  try {
    // 'electron/index.js', not 'electron': tsx applies tsconfig's `paths`, which map 'electron' to
    // stand-in types where the package is absent, and the require would load those instead.
    const path = createRequire(import.meta.url)('electron/index.js') as unknown as string;
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { reason: `the Electron binary is missing (${String(path)})` };
  } catch (error) {
    return { reason: `the Electron binary is not installed (${(error as Error).message.split('\n')[0]}); npm ci leaves this optional package out where Electron's binary cannot be downloaded` };
  }
}

const root = join(import.meta.dirname, '../..');
const { path: executablePath, reason } = electronBinary();
const skip = reason ?? (existsSync(join(root, 'out/main/index.js')) ? undefined : 'out/main/index.js is missing: run npm run build');
if (skip) console.log(`# electron test skipped: ${skip}`);

describe('Electron shell', () => {
  it('opens one sandboxed window whose bridge answers contract calls', { skip }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmdirec-electron-'));
    const app = await _electron.launch({
      executablePath,
      args: [root, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
      env: { ...process.env, LLMDIREC_DB: join(dir, 'db.sqlite') } as Record<string, string>,
    });
    try {
      const window = await app.firstWindow();
      await window.getByTestId('page-datasets').waitFor();
      const shape = await window.evaluate(() => ({
        node: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        bridge: Object.keys((window as unknown as { llmdirec: { methods: object } }).llmdirec.methods),
      }));
      assert.equal(shape.node, 'undefined');
      assert.equal(shape.process, 'undefined');
      assert.ok(shape.bridge.includes('datasets.list'));
      const list = await window.evaluate(() => (window as unknown as { llmdirec: { methods: Record<string, (i: unknown) => Promise<unknown>> } }).llmdirec.methods['datasets.list']!({}));
      assert.ok(Array.isArray(list));
      // Payloads are validated in the main process: a bad one comes back as the contract's error.
      const bad = await window.evaluate(() =>
        (window as unknown as { llmdirec: { methods: Record<string, (i: unknown) => Promise<unknown>> } }).llmdirec.methods['datasets.stats']!({ name: '' }).catch(
          (e: { apiError?: { code: string } }) => e.apiError?.code,
        ),
      );
      assert.equal(bad, 'validation');
      assert.equal(app.windows().length, 1);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
