/**
 * The threaded wasm build under Node (wasm-threads.ts): it loads with the thread count asked for,
 * training computes the same losses, to the last bit, as on one thread, and the process ends by
 * itself when its work is done (the pool's threads do not keep it alive). The products stay on wasm
 * (LLMDIREC_BLAS=0): with the native BLAS the threaded XNNPACK path would not run.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../../..');
const train = (threads: number) =>
  JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', 'test/fixtures/engine/train-steps.ts'], { cwd: root, env: { ...process.env, LLMDIREC_WASM_THREADS: String(threads), LLMDIREC_BLAS: '0' }, encoding: 'utf8', timeout: 120_000 }),
  ) as { backend: string; losses: Record<string, number>[] };

const skip = availableParallelism() < 2 ? `this machine has ${availableParallelism()} core` : undefined;
if (skip) console.log(`# wasm threads test skipped: ${skip}`);

describe.skipIf(skip)('wasm backend on several threads', () => {
  it('uses the threads asked for and trains exactly as on one thread', () => {
    const one = train(1);
    const two = train(2);
    expect(one.backend).toBe('wasm');
    expect(two.backend).toBe('wasm (2 threads)');
    expect(two.losses).toEqual(one.losses);
    expect(one.losses[0]!.rec).toBeGreaterThan(0);
  }, 300_000);
});
