import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Output } from '../../../src-main/api/contract';
import { api } from '../api/client';
import { describeError } from '../api/errors';

type DatasetSummary = Output<'datasets.list'>[number];

/** The dataset list and which dataset the analyst is working on (shared by every page). */
export const useDatasets = defineStore('datasets', () => {
  const list = ref<DatasetSummary[]>([]);
  const selectedName = ref<string | undefined>();
  const loading = ref(false);
  const error = ref<string | undefined>();

  const selected = computed(() => list.value.find((d) => d.name === selectedName.value));

  async function refresh(): Promise<void> {
    loading.value = true;
    error.value = undefined;
    try {
      list.value = await api.call('datasets.list', {});
      if (!selected.value) selectedName.value = list.value[0]?.name;
    } catch (e) {
      error.value = describeError(e);
    } finally {
      loading.value = false;
    }
  }

  return { list, selectedName, selected, loading, error, refresh, select: (name: string) => (selectedName.value = name) };
});
