import { describe, expect, it } from 'vitest';
import { getDataset, itemAttributes, loadSequences } from '../../../src-main/store/datasets';
import { createDemoDataset, generateDemo, NOISE_INTENT } from '../../../src-main/store/demo';
import { seededRandom } from '../../../src-main/core/random';
import { DEMO_INTENTS } from '../../../src-main/store/demo-catalogue';
import { memoryDb, storeSnapshot, userAttributes } from './helpers';

describe('demo dataset', () => {
  const demo = generateDemo();
  const intentOf = (item: number) => demo.items[item - 1]!.attributes.intent as string;

  it('is deterministic', () => {
    const again = generateDemo();
    expect(again.items).toEqual(demo.items);
    expect(again.users).toEqual(demo.users);
    expect(again.sequences).toEqual(demo.sequences);
    expect(again.timestamps).toEqual(demo.timestamps);
    expect([seededRandom(1)(), seededRandom(1)()]).toEqual([seededRandom(1)(), seededRandom(1)()]);
  });

  it('has the intended size: ~1,500 users, ~600 items, sequences of 3–30 with some cold users', () => {
    expect(demo.users.length).toBe(1_500);
    expect(demo.items.length).toBeGreaterThan(550);
    expect(demo.items.length).toBeLessThanOrEqual(600);
    const lengths = demo.sequences.map((s) => s.length);
    expect(Math.min(...lengths)).toBe(3);
    expect(Math.max(...lengths)).toBe(30);
    const cold = lengths.filter((n) => n < 5).length;
    expect(cold).toBeGreaterThan(100);
    expect(cold).toBeLessThan(300);
    for (const s of demo.sequences) expect(new Set(s).size).toBe(s.length); // no repeats
    for (const t of demo.timestamps) for (let p = 1; p < t!.length; p++) expect(t![p]!).toBeGreaterThan(t![p - 1]!);
  });

  it('has a long-tail popularity', () => {
    const counts = new Array<number>(demo.items.length).fill(0);
    for (const s of demo.sequences) for (const i of s) counts[i - 1]!++;
    counts.sort((a, b) => b - a);
    const total = counts.reduce((a, b) => a + b, 0);
    const head = counts.slice(0, Math.ceil(counts.length / 10)).reduce((a, b) => a + b, 0);
    expect(head / total).toBeGreaterThan(0.3); // top 10% of items: well over 10% of interactions
    expect(counts[0]! / counts[Math.floor(counts.length / 2)]!).toBeGreaterThan(5);
  });

  it('gives every item text attributes and a home intent', () => {
    const intents = new Set([...DEMO_INTENTS.map((v) => v.intent), NOISE_INTENT]);
    for (const item of demo.items) {
      expect(item.attributes).toMatchObject({ title: expect.any(String), category: expect.any(String), brand: expect.any(String), description: expect.any(String) });
      expect(item.attributes.price).toBeGreaterThan(0);
      expect(intents.has(item.attributes.intent as string)).toBe(true);
    }
    expect(new Set(demo.items.map((i) => i.attributes.title)).size).toBe(demo.items.length);
  });

  it('plants one or two intents per user in temporal phases, recorded per position', () => {
    let matching = 0;
    let planted = 0;
    let twoPhase = 0;
    const sharedItems = new Set<number>();
    demo.users.forEach((user, k) => {
      const intents = user.attributes.plantedIntents as string[];
      const positions = user.attributes.positionIntents as string[];
      expect(intents.length === 1 || intents.length === 2).toBe(true);
      expect(positions.length).toBe(demo.sequences[k]!.length);
      const phases = positions.filter((p) => p !== NOISE_INTENT);
      // Phases are contiguous: once the second intent starts, the first never returns.
      if (intents.length === 2 && intents[0] !== intents[1]) {
        twoPhase++;
        const firstOfSecond = phases.indexOf(intents[1]!);
        if (firstOfSecond >= 0) expect(phases.slice(firstOfSecond).every((p) => p === intents[1])).toBe(true);
      }
      positions.forEach((intent, p) => {
        if (intent === NOISE_INTENT) return;
        expect(intents).toContain(intent);
        planted++;
        const item = demo.sequences[k]![p]!;
        if (intentOf(item) === intent) matching++;
        else sharedItems.add(item);
      });
    });
    expect(twoPhase).toBeGreaterThan(300);
    // Most planted positions use the intent's own items; some use items shared with a related intent.
    expect(matching / planted).toBeGreaterThan(0.85);
    expect(matching / planted).toBeLessThan(1);
    expect(sharedItems.size).toBeGreaterThanOrEqual(20);
  });

  it('is written with format "demo", refuses to overwrite without replace, and cancels cleanly', async () => {
    const db = memoryDb();
    const summary = await createDemoDataset(db, { name: 'demo', replace: false });
    expect(summary).toMatchObject({ format: 'demo', users: 1_500, items: demo.items.length });
    expect(loadSequences(db, 'demo').sequences).toEqual(demo.sequences);
    expect(itemAttributes(db, 'demo').get(1)!.attributes).toEqual(demo.items[0]!.attributes);
    expect(userAttributes(db, 'demo').get(demo.users[0]!.externalId)).toEqual(demo.users[0]!.attributes);
    const before = storeSnapshot(db);
    await expect(createDemoDataset(db, { name: 'demo', replace: false })).rejects.toThrow(/already exists/);
    const controller = new AbortController();
    const cancelled = createDemoDataset(db, { name: 'demo', replace: true, signal: controller.signal, onProgress: () => controller.abort() });
    await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' });
    expect(storeSnapshot(db)).toEqual(before);
    expect(getDataset(db, 'demo').format).toBe('demo');
    db.close();
  });
});
