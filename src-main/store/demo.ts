import type { Attributes, DatasetSummary } from './dataset-schemas';
import { throwIfCancelled } from '../core/jobs';
import type { Db } from './db';
import { writeDataset } from './datasets';
import { DEMO_INTENTS, GENERAL_ITEMS } from './demo-catalogue';
import { InteractionLog } from './import/interaction-log';
import { preprocess, type PreparedDataset } from './import/preprocess';
import { seededRandom } from '../core/random';

export interface DemoOptions {
  name: string;
  replace: boolean;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** Sizes of the demo: small enough to train in about a minute on two CPU cores. */
export const DEMO_SHAPE = {
  seed: 20_240_601,
  users: 1_500,
  itemsPerIntent: 70,
  generalItems: 40,
  /** Items each intent borrows from a related intent (shared between intents). */
  sharedPerIntent: 8,
  minLength: 5,
  maxLength: 30,
  /** Share of users with a short history (3–4 items). */
  coldShare: 0.12,
  /** Share of users following two intents, one after the other. */
  twoIntentShare: 0.35,
  /** Chance that a position is an everyday item instead of the current intent. */
  noise: 0.08,
};

export const NOISE_INTENT = GENERAL_ITEMS.intent;

interface CatalogueItem {
  id: string;
  intent: string;
  attributes: Attributes;
}

/**
 * Generates the demo deterministically: a catalogue with item texts, and users whose sequences
 * follow one or two planted intents in temporal phases, with Zipf popularity inside each intent,
 * a few everyday items as noise and some cold users. Ground truth is kept in attributes:
 * item `intent` (home intent) and user `plantedIntents` (phase order) + `positionIntents`
 * (the intent that generated each position, "general" for noise).
 */
export function generateDemo(shape = DEMO_SHAPE): PreparedDataset {
  const random = seededRandom(shape.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const catalogue: CatalogueItem[] = [];
  const pools = new Map<string, CatalogueItem[]>();

  const makeItems = (v: (typeof DEMO_INTENTS)[number] | typeof GENERAL_ITEMS, count: number): CatalogueItem[] => {
    const titles = new Set<string>();
    const out: CatalogueItem[] = [];
    while (out.length < count) {
      const brand = pick(v.brands);
      const adjective = pick(v.adjectives);
      const noun = pick(v.nouns);
      const title = `${brand} ${adjective} ${noun}`;
      if (titles.has(title)) continue;
      titles.add(title);
      const [lo, hi] = v.price;
      // Log-uniform prices: many cheap items, few expensive ones.
      const price = Math.round(Math.exp(Math.log(lo) + random() * (Math.log(hi) - Math.log(lo))) * 100 - 1) / 100;
      const item: CatalogueItem = {
        id: `D${String(catalogue.length + 1).padStart(4, '0')}`,
        intent: v.intent,
        attributes: {
          title,
          category: v.category,
          brand,
          price: Math.max(price, 0.99),
          description: `${capitalise(adjective)} ${noun} by ${brand}. Ideal when ${v.purpose}.`,
          intent: v.intent,
        },
      };
      catalogue.push(item);
      out.push(item);
    }
    return out;
  };

  for (const v of DEMO_INTENTS) pools.set(v.intent, shuffle(makeItems(v, shape.itemsPerIntent), random));
  const general = shuffle(makeItems(GENERAL_ITEMS, shape.generalItems), random);
  // Shared items: each intent's pool also offers some of a related intent's items (its
  // popular ones more likely), appended so they sit in the pool's tail.
  const home = new Map([...pools].map(([k, v]) => [k, [...v]]));
  for (const v of DEMO_INTENTS) {
    const pool = pools.get(v.intent)!;
    const borrowed = new Set<CatalogueItem>();
    while (borrowed.size < shape.sharedPerIntent) {
      const donor = home.get(pick(v.related))!;
      borrowed.add(donor[Math.floor(donor.length * random() * random())]!);
    }
    pool.push(...borrowed);
  }

  const log = new InteractionLog();
  for (const item of catalogue) log.itemAttributes.set(item.id, { ...item.attributes });
  const intentWeights = DEMO_INTENTS.map((v) => v.weight);
  const start = Date.UTC(2024, 0, 1) / 1000;
  const day = 86_400;
  for (let u = 1; u <= shape.users; u++) {
    const user = `U${String(u).padStart(5, '0')}`;
    const first = DEMO_INTENTS[weightedIndex(intentWeights, random)]!;
    const intents = [first];
    if (random() < shape.twoIntentShare) {
      const related = pick(first.related);
      intents.push(random() < 0.5 ? DEMO_INTENTS.find((v) => v.intent === related)! : pick(DEMO_INTENTS.filter((v) => v !== first)));
    }
    const cold = random() < shape.coldShare;
    const length = cold ? 3 + Math.floor(random() * 2) : Math.min(shape.maxLength, shape.minLength + Math.floor(-Math.log(1 - random()) * 8));
    const split = intents.length === 2 ? Math.max(1, Math.min(length - 1, Math.round(length * (0.35 + 0.3 * random())))) : length;
    const seen = new Set<CatalogueItem>();
    const positionIntents: string[] = [];
    let time = start + Math.floor(random() * 300 * day);
    for (let p = 0; p < length; p++) {
      const phase = p < split ? intents[0]! : intents[intents.length - 1]!;
      if (p === split) time += Math.floor((14 + random() * 46) * day);
      const noisy = random() < shape.noise;
      const pool = noisy ? general : pools.get(phase.intent)!;
      let item: CatalogueItem;
      do item = pool[zipfIndex(pool.length, random)]!;
      while (seen.has(item));
      seen.add(item);
      positionIntents.push(noisy ? NOISE_INTENT : phase.intent);
      time += Math.floor(3_600 + random() * 3 * day);
      log.add(user, item.id, time);
    }
    log.userAttributes.set(user, { plantedIntents: intents.map((v) => v.intent), positionIntents, cold });
  }
  return preprocess(log, { kcore: 0, consecutiveDuplicates: 'keep' });
}

/** Creates the demo dataset in the store (format 'demo'); nothing is written on error or cancel. */
export async function createDemoDataset(db: Db, options: DemoOptions): Promise<DatasetSummary> {
  throwIfCancelled(options.signal);
  const data = generateDemo();
  throwIfCancelled(options.signal);
  return writeDataset(
    db,
    { name: options.name, format: 'demo', source: 'embedded demo', options: { seed: DEMO_SHAPE.seed, users: DEMO_SHAPE.users }, replace: options.replace },
    data,
    { signal: options.signal, onProgress: options.onProgress },
  );
}

/** Rank r (0-based) with probability ∝ 1/(r+1): a long tail inside each pool. */
function zipfIndex(n: number, random: () => number): number {
  // Inverse CDF of the continuous 1/x law on [1, n+1).
  const r = Math.floor(Math.exp(random() * Math.log(n + 1))) - 1;
  return Math.min(n - 1, Math.max(0, r));
}

function weightedIndex(weights: number[], random: () => number): number {
  let x = random() * weights.reduce((a, b) => a + b, 0);
  for (let k = 0; k < weights.length; k++) if ((x -= weights[k]!) < 0) return k;
  return weights.length - 1;
}

function shuffle<T>(xs: T[], random: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
