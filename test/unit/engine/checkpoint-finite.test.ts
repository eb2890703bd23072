/**
 * Issue #12 (c): `eval --checkpoint` refuses a checkpoint with NaN or infinite weights, naming the
 * tensor and how many of its values are not finite, instead of reporting metrics of a broken model.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli as run } from '../../fixtures/cli';
import { initBackend } from '../../../src-main/engine/backend';
import { RecommenderModel } from '../../../src-main/engine/model';
import { Rng } from '../../../src-main/engine/rng';
import { writeSafetensors } from '../../../src-main/engine/safetensors';
import { defaultSettings } from '../../../src-main/engine/settings';

const dir = mkdtempSync(join(tmpdir(), 'llmdirec-nonfinite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const data = join(dir, 'tiny.txt');
const NUM_ITEMS = 6;


/** A small reference-format SASRec checkpoint; `poison` sets that many values of one tensor to NaN/±Inf. */
function checkpoint(name: string, poison?: { tensor: string; count: number }): string {
  const model = new RecommenderModel(NUM_ITEMS, { ...defaultSettings, model: 'sasrec', hiddenSize: 8, layers: 1, maxSeqLength: 5 }, new Rng(1));
  const arrays = model.toArrays();
  model.dispose();
  if (poison) {
    const values = arrays.get(poison.tensor)!.data;
    for (let i = 0; i < poison.count; i++) values[i] = [NaN, Infinity, -Infinity][i % 3]!;
  }
  const file = join(dir, `${name}.safetensors`);
  writeSafetensors(file, arrays);
  return file;
}

beforeAll(async () => {
  await initBackend('cpu');
  writeFileSync(data, '1 1 2 3 4\n2 2 3 4 5\n3 3 4 5 6\n4 6 1 2 3\n');
});

describe('eval --checkpoint with non-finite weights (issue #12)', () => {
  it('evaluates a finite checkpoint', async () => {
    const ok = await run('eval', '--dataset', data, '--checkpoint', checkpoint('finite'), '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ users: 4 });
  });

  it('refuses a checkpoint with NaN/Inf values, naming the tensor and the count', async () => {
    const file = checkpoint('diverged', { tensor: 'seq_model.item_encoder.layer.0.attention.query.weight', count: 12 });
    const refused = await run('eval', '--dataset', data, '--checkpoint', file, '--json');
    expect(refused.code).toBe(1);
    expect(refused.out).toBe('');
    expect(refused.err).toContain(`checkpoint ${file}: tensor seq_model.item_encoder.layer.0.attention.query.weight has 12 non-finite values`);
  });
});
