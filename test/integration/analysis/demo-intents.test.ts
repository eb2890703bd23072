import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../../src-main/analysis/ari';
import { kmeans } from '../../../src-main/analysis/kmeans';
import { matrix } from '../../../src-main/analysis/matrix';
import { summarizePrototypes } from '../../../src-main/analysis/prototypes';
import { silhouette } from '../../../src-main/analysis/silhouette';
import { tokenize } from '../../../src-main/analysis/terms';
import { generateDemo } from '../../../src-main/store/demo';
import { DEMO_INTENTS } from '../../../src-main/store/demo-catalogue';

/**
 * Prototype recovery on the demo dataset's planted intents. No trained run is used here (the engine's
 * run records are not wired yet): each user's representation is a stand-in — the L2-normalised bag
 * of the items in the history — clustered with seeded K-means at K = 8 (best of 5 seedings). The prototypes and labels
 * are computed by the same code that will summarise a run's K-means assignment.
 */
describe('demo dataset: prototypes recover the planted intents', () => {
  const demo = generateDemo();
  const numItems = demo.items.length;
  // Single-intent users only: two-intent users have no single true label.
  const users = demo.users.map((u, i) => ({ i, planted: u.attributes.plantedIntents as string[] })).filter((u) => u.planted.length === 1);
  const intents = DEMO_INTENTS.map((v) => v.intent);
  const truth = Int32Array.from(users, (u) => intents.indexOf(u.planted[0]!));
  const X = matrix(users.length, numItems);
  users.forEach(({ i }, r) => {
    const seq = demo.sequences[i]!;
    for (const item of seq) X.data[r * numItems + item - 1] = 1 / Math.sqrt(seq.length);
  });
  const clustering = kmeans(X, intents.length, { seed: 3, restarts: 5 });
  const itemAttributes = new Map(demo.items.map((it, k) => [k + 1, { attributes: it.attributes }]));
  const prototypes = summarizePrototypes({
    sequences: users.map((u) => demo.sequences[u.i]!),
    assignments: clustering.assignments,
    k: intents.length,
    numItems,
    itemAttributes,
  });

  it('the assignment agrees with the planted intents (ARI)', () => {
    const ari = adjustedRandIndex(truth, clustering.assignments);
    const sil = silhouette(X, clustering.assignments, intents.length, { metric: 'cosine' });
    console.log(`demo: ${users.length} single-intent users, K=${intents.length}, ARI vs planted intents ${ari.toFixed(3)}, cosine silhouette ${sil.overall.toFixed(3)}`);
    expect(ari).toBeGreaterThan(0.9);
  });

  it('labels name the planted intent of their majority', () => {
    let named = 0;
    for (const p of prototypes) {
      const members = Array.from(clustering.assignments.keys()).filter((r) => clustering.assignments[r] === p.id);
      const counts = new Map<number, number>();
      for (const r of members) counts.set(truth[r]!, (counts.get(truth[r]!) ?? 0) + 1);
      const majority = DEMO_INTENTS[[...counts].sort((a, b) => b[1] - a[1])[0]![0]]!;
      // The intent's own vocabulary (its nouns, category and purpose) — planted, never seen by the labeller.
      const vocabulary = new Set(tokenize([majority.intent, majority.category, majority.purpose, ...majority.nouns].join(' ')));
      const labelWords = tokenize(p.label);
      const hit = labelWords.some((w) => vocabulary.has(w));
      console.log(`prototype ${p.id} (${p.size}): "${p.label}" — majority planted intent "${majority.intent}"${hit ? '' : '  ✗'}`);
      if (hit) named++;
    }
    expect(named).toBeGreaterThanOrEqual(intents.length - 1);
  });
});
