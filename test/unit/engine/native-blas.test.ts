/**
 * The wasm backend's matrix products on the machine's BLAS library (native-blas.ts) against wasm's
 * own kernel: every transpose case, batched and broadcast products, empty inner dimension, and the
 * wasm kernel's errors for shapes that do not fit; no leaks. Skips, saying why, where no BLAS library
 * loads (`.ci/run` installs Debian's libopenblas0-pthread).
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backendDescription, initBackend } from '../../../src-main/engine/backend';
import { kernelOptions, matMul } from '../../../src-main/engine/kernels';
import { nativeBlas } from '../../../src-main/engine/native-blas';
import { expectClose } from '../../fixtures/engine/close';

await initBackend('wasm');
const blas = await nativeBlas();
if (!blas) console.log('native-blas.test.ts skipped: no BLAS library loads here (install libopenblas0-pthread, or koffi is missing)');

/** The product with the native kernel and with wasm's, as arrays. */
function bothWays(f: () => tf.Tensor): { native: Float32Array; wasm: Float32Array; shape: number[] } {
  const run = (native: boolean) => {
    kernelOptions.nativeProducts = native;
    const t = f();
    const out = { values: t.dataSync() as Float32Array, shape: t.shape };
    t.dispose();
    return out;
  };
  const native = run(true);
  const wasm = run(false);
  expect(native.shape).toEqual(wasm.shape);
  return { native: native.values, wasm: wasm.values, shape: native.shape };
}

describe.skipIf(!blas)('native BLAS products on the wasm heap', () => {
  beforeAll(() => {
    expect(kernelOptions.nativeProducts).toBe(true);
    expect(backendDescription()).toContain(blas!.library.split('/').pop());
  });
  afterEach(() => {
    kernelOptions.nativeProducts = true;
  });

  it.each([
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ])('2-d products equal wasm’s (transposeA %s, transposeB %s), the logits’ shape included', (ta, tb) => {
    for (const [m, k, n] of [[7, 5, 3], [256, 64, 1203], [1, 1, 1]] as const) {
      const a = tf.randomNormal(ta ? [k, m] : [m, k], 0, 1, 'float32', m + k);
      const b = tf.randomNormal(tb ? [n, k] : [k, n], 0, 1, 'float32', k + n);
      const { native, wasm, shape } = bothWays(() => tf.matMul(a, b, ta, tb));
      expect(shape).toEqual([m, n]);
      expectClose(native, wasm, 1e-5);
      tf.dispose([a, b]);
    }
  });

  it('batched and broadcast products equal wasm’s', () => {
    const a = tf.randomNormal([3, 4, 6], 0, 1, 'float32', 1);
    const b = tf.randomNormal([3, 6, 5], 0, 1, 'float32', 2);
    const shared = tf.randomNormal([1, 6, 5], 0, 1, 'float32', 3);
    for (const f of [() => tf.matMul(a, b), () => tf.matMul(a, shared), () => tf.matMul(b, a, true, true)]) {
      const { native, wasm } = bothWays(f);
      expectClose(native, wasm, 1e-5);
    }
    tf.dispose([a, b, shared]);
  });

  it('an empty inner dimension gives zeros; mismatched shapes keep tfjs’s error', () => {
    const { native } = bothWays(() => tf.matMul(tf.zeros([3, 0]), tf.zeros([0, 2])));
    expect(Array.from(native)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(() => tf.matMul(tf.zeros([3, 4]), tf.zeros([5, 2]))).toThrow(/inner/i);
  });

  it('gradients through the engine’s matMul match, and nothing leaks', () => {
    const a = tf.randomNormal([9, 4], 0, 1, 'float32', 4);
    const b = tf.randomNormal([6, 4], 0, 1, 'float32', 5);
    const grads = (native: boolean) => {
      kernelOptions.nativeProducts = native;
      const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(matMul(x as tf.Tensor2D, y as tf.Tensor2D, false, true))))([a, b]);
      const out = [ga!.dataSync() as Float32Array, gb!.dataSync() as Float32Array];
      tf.dispose([ga!, gb!]);
      return out;
    };
    grads(true);
    const before = tf.memory().numTensors;
    const native = grads(true);
    expect(tf.memory().numTensors).toBe(before);
    const wasm = grads(false);
    native.forEach((g, i) => expectClose(g, wasm[i]!, 1e-5));
    tf.dispose([a, b]);
  });
});
