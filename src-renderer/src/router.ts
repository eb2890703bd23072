import { ref } from 'vue';

export const pages = [
  { id: 'datasets', label: 'Datasets', icon: '▤' },
  { id: 'prompts', label: 'Prompts', icon: '✎' },
  { id: 'training', label: 'Training', icon: '▶' },
  { id: 'intents', label: 'Intents', icon: '◎' },
  { id: 'recommendations', label: 'Recommendations', icon: '★' },
  { id: 'runs', label: 'Runs', icon: '≡' },
  { id: 'experiments', label: 'Experiments', icon: '⚗' },
] as const;
export type PageId = (typeof pages)[number]['id'];

function fromHash(): PageId {
  const id = window.location.hash.replace(/^#\/?/, '').split('?')[0];
  return (pages.find((p) => p.id === id)?.id ?? 'datasets') as PageId;
}

/** A tiny hash router: the page is `#/<id>`, so reloads and the back button work in both transports. */
export const currentPage = ref<PageId>(fromHash());
window.addEventListener('hashchange', () => (currentPage.value = fromHash()));

export function go(page: PageId): void {
  window.location.hash = `/${page}`;
}
