import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { embedTexts } from '../../../src-main/semantic/embed-texts';
import { transformersProvider } from '../../../src-main/semantic/providers/transformers';
import { TINY_DIMS, TINY_VOCAB, tinyEmbeddingRow, writeTinyOnnxModel } from './fixtures/tiny-onnx-model';

const root = mkdtempSync(join(tmpdir(), 'llmdirec-tiny-'));
const folder = join(root, 'tiny-bert');
writeTinyOnnxModel(folder);
const id = (token: string) => TINY_VOCAB.indexOf(token);

/** onnxruntime-node ships prebuilt binaries for linux/darwin/win32 x64+arm64 only. */
let unavailable: string | undefined;
try {
  await import('onnxruntime-node');
} catch (error) {
  unavailable = `onnxruntime-node cannot load here: ${String(error)}`;
}
if (unavailable) console.log(`skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('transformers provider on a tiny ONNX model built in the test', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('CLS pooling returns the [CLS] row; mean pooling averages the tokens', async () => {
    const cls = await transformersProvider(folder, { pooling: 'cls' });
    const [a, b] = await cls.embedBatch(['toy story', 'red shoe ball unknownword']);
    a!.forEach((x, d) => expect(x).toBeCloseTo(tinyEmbeddingRow(id('[CLS]'))[d]!, 5));
    b!.forEach((x, d) => expect(x).toBeCloseTo(tinyEmbeddingRow(id('[CLS]'))[d]!, 5));
    expect(cls.variant).toBe('pooling=cls;dtype=fp32');
    await cls.close();

    const mean = await transformersProvider(folder, { pooling: 'mean' });
    const [m] = await mean.embedBatch(['Toy story']);
    const tokens = ['[CLS]', 'toy', 'story', '[SEP]'].map((t) => tinyEmbeddingRow(id(t)));
    for (let d = 0; d < TINY_DIMS; d++) expect(m![d]).toBeCloseTo(tokens.reduce((s, r) => s + r[d]!, 0) / tokens.length, 5);
    // Padding must not leak into the mean: the short text's vector is the same alone or in a batch.
    const [m2] = await mean.embedBatch(['Toy story', 'red shoe ball ball ball']);
    for (let d = 0; d < TINY_DIMS; d++) expect(m2![d]).toBeCloseTo(m![d]!, 5);
    const { dims, vectors } = await embedTexts(mean, ['ball'], { normalize: true });
    expect(dims).toBe(TINY_DIMS);
    expect(Math.hypot(...vectors[0]!)).toBeCloseTo(1, 5);
    await mean.close();
  });

  it('refuses a folder without model files instead of downloading', async () => {
    await expect(transformersProvider(root)).rejects.toThrow(/not a model folder: config.json is missing/);
  });
});
