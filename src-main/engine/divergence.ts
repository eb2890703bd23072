/**
 * Divergence (issue #12): a run whose loss becomes NaN or infinite cannot recover — every later
 * step and every score is NaN, and a NaN model once evaluated to HR@10 = 1. The run loop checks each
 * step's losses and the state it is about to save, and stops the run as `diverged` before writing a
 * checkpoint from the broken state.
 */
import type { NamedArray } from './safetensors';

export interface DivergencePoint {
  /** 0-based epoch and 1-based step (of `steps`) where it was seen. */
  epoch: number;
  step: number;
  steps: number;
  /** What became non-finite, in words: "loss rec became NaN", "tensor … has 12 non-finite values". */
  what: string;
}

export class RunDiverged extends Error {
  constructor(readonly point: DivergencePoint) {
    super(`diverged: ${point.what} at epoch ${point.epoch + 1}, step ${point.step} of ${point.steps}`);
    this.name = 'RunDiverged';
  }
}

/** The first non-finite loss component: the named parts before their sum `total`, the gradient norm last. */
export function nonFiniteLoss(losses: Record<string, number>): { component: string; value: number } | undefined {
  const rank = (name: string) => (name === 'gradNorm' ? 2 : name === 'total' ? 1 : 0);
  const names = Object.keys(losses).sort((a, b) => rank(a) - rank(b));
  const component = names.find((name) => !Number.isFinite(losses[name]));
  return component === undefined ? undefined : { component, value: losses[component]! };
}

/** The first float tensor with NaN or infinite values, with their count. */
export function nonFiniteTensor(arrays: Map<string, NamedArray>): { name: string; count: number } | undefined {
  for (const [name, { data }] of arrays) {
    if (!(data instanceof Float32Array)) continue; // I32 state (RNG, epoch, members) is always finite
    let count = 0;
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) count++;
    if (count) return { name, count };
  }
  return undefined;
}
