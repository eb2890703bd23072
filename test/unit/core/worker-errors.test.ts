/** Errors keep their code across the worker boundary (core/workers.ts carries them whole), issue #14. */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-main/core/errors';
import { runTask } from '../../../src-main/core/workers';

const failingWorker = new URL('../../fixtures/workers/failing-worker.ts', import.meta.url);

describe('a worker task that fails', () => {
  it('arrives as the ApiError it threw: code, message and place', async () => {
    const error = await runTask(failingWorker, { coded: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).toJSON()).toEqual({ code: 'conflict', message: 'Run r1 is already running', file: 'plan.json', line: 3 });
  }, 60_000);

  it('arrives as a plain error with its message when it threw one without a code', async () => {
    const error = await runTask(failingWorker, { coded: false }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ApiError);
    expect((error as Error).message).toBe('the engine lost its way');
  }, 60_000);
});
