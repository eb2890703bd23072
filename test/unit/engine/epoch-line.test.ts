import { describe, expect, it } from 'vitest';
import { epochLine } from '../../../src-main/engine/run-loop';

describe('epochLine', () => {
  it('numbers epochs from 1, lists the loss components and the validation when there is one', () => {
    const losses = { total: 15.1, rec: 8.5261, diff: 0.00712, cl: 7.2104, gradNorm: 3.2 };
    const valid = { 'HR@5': 0.03, 'HR@10': 0.05042, 'HR@20': 0.07, 'NDCG@5': 0.02, 'NDCG@10': 0.027249, 'NDCG@20': 0.03, users: 10 };
    expect(epochLine(2, 50, losses, 811.6, valid)).toBe('Epoch 3/50: rec 8.526 diff 0.007120 cl 7.210 · 812 s · valid HR@10 0.0504 NDCG@10 0.0272');
    expect(epochLine(0, 3, { rec: 9.3 }, 60)).toBe('Epoch 1/3: rec 9.300 · 60 s');
  });
});
