import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Output } from '../../../src-main/api/contract';
import { api, hasMethod } from '../api/client';
import { describeError } from '../api/errors';

export type RunSummary = Output<'runs.list'>[number];

/** Training runs of the store (every page that picks a run reads this list). */
export const useRuns = defineStore('runs', () => {
  const list = ref<RunSummary[]>([]);
  const error = ref<string>();

  async function refresh(): Promise<void> {
    if (!hasMethod('runs.list')) return;
    try {
      list.value = await api.call('runs.list', {});
      error.value = undefined;
    } catch (e) {
      error.value = describeError(e);
    }
  }

  /** Runs that have a checkpoint to analyse (at least one epoch done). */
  const analysable = () => list.value.filter((r) => r.epochsDone > 0);

  return { list, error, refresh, analysable };
});

/** "sasrec · demo · 2/2 ep · HR@10 0.0947" — how a run is named in pickers. */
export function runLabel(r: RunSummary): string {
  const hr = r.test?.['HR@10'] ?? r.bestValid?.['HR@10'];
  return `${r.model} · ${r.dataset} · ${r.epochsDone}/${r.epochs} ep · ${r.status}${hr !== undefined ? ` · HR@10 ${hr.toFixed(4)}` : ''} · ${r.id.slice(-8)}`;
}

export const fmt = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));
