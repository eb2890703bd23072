/**
 * A data-parallel replica's error reaches rank 0 with its code (issue #14): recorded at the shared
 * barrier (Exchange.failWith → failure, core/errors.ts carryError/restoreError) by a replica thread
 * while rank 0 waits, and posted by a replica that fails to start (ReplicaPool.start).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-main/core/errors';
import { startWorker } from '../../../src-main/core/workers';
import { openDb } from '../../../src-main/database';
import { initBackend } from '../../../src-main/engine/backend';
import { allocateExchange, Exchange, type ParameterLayout } from '../../../src-main/engine/data-parallel';
import { resolveSettings } from '../../../src-main/engine/settings';
import { Trainer } from '../../../src-main/engine/trainer';

const dir = mkdtempSync(join(tmpdir(), 'llmdirec-data-parallel-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const layout: ParameterLayout = { names: ['w'], sizes: [8], offsets: [0], total: 8 };
/** Rank 0's and a replica's views of one exchange (two workers, batches of 4 rows of width 4). */
function exchange(): { buffers: ReturnType<typeof allocateExchange>; rank0: Exchange; rank1: Exchange } {
  const buffers = allocateExchange(layout, 2, 4, 4, 16, 8);
  return { buffers, rank0: new Exchange(buffers, layout, 2, 4, 4), rank1: new Exchange(buffers, layout, 2, 4, 4) };
}
const thrown = (work: () => void): unknown => {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('a data-parallel replica that fails', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('at the barrier, in its own thread: rank 0 throws its ApiError, code and place kept', async () => {
    const { buffers, rank0 } = exchange();
    const replica = startWorker(new URL('../../fixtures/workers/failing-replica.ts', import.meta.url), { buffers, layout });
    try {
      await new Promise<void>((resolve, reject) => {
        replica.once('message', () => resolve());
        replica.once('error', reject);
      });
      const error = thrown(() => rank0.barrier(2)); // blocks until the replica records its failure
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).toJSON()).toEqual({ code: 'not_found', message: 'Data-parallel training failed: worker 1: No dataset named "ring"', file: 'users.txt', line: 3 });
    } finally {
      await replica.terminate();
    }
  }, 60_000);

  it('with an error without a code: its message, and no code made up', () => {
    const { rank0, rank1 } = exchange();
    rank1.failWith('worker 1', new Error('the engine lost its way'));
    const error = thrown(() => rank0.barrier(2));
    expect(error).not.toBeInstanceOf(ApiError);
    expect((error as Error).message).toBe('Data-parallel training failed: worker 1: the engine lost its way');
  });

  it('with a message too long for the shared buffer: the code and the message’s start', () => {
    const { rank0, rank1 } = exchange();
    rank1.failWith('worker 1', new ApiError('conflict', `Run r1 is already running ${'…'.repeat(5000)}`));
    const error = thrown(() => rank0.barrier(2));
    expect(error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/^Data-parallel training failed: worker 1: Run r1 is already running …/) });
  });

  it('while starting (its item table’s dataset is missing): startWorkers rejects with its not_found', async () => {
    const empty = join(dir, 'empty.sqlite');
    openDb(empty).close();
    const tiny = { hiddenSize: 8, heads: 1, maxSeqLength: 6, batchSize: 8, timesteps: 2, intents: 2 };
    const settings = resolveSettings(undefined, { ...tiny, model: 'llmdirec', embeddingSetId: 1, workers: 2 });
    const sequences = Array.from({ length: 12 }, (_, u) => Int32Array.from({ length: 5 }, (_, k) => ((u + k) % 10) + 1));
    const trainer = new Trainer({ numItems: 10, sequences }, settings, { tableSource: { dbFile: empty, dataset: 'ring' } });
    try {
      const error = await trainer.startWorkers().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ code: 'not_found', message: expect.stringMatching(/^training worker 1: No dataset named "ring"/) });
    } finally {
      trainer.dispose();
    }
  }, 60_000);
});
