/**
 * The plan file format (docs/plans.md): what a plan expands to, and the refusals a user sees for a
 * malformed file — each naming the file, the place in it and what was expected.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandPlan, parsePlanText, validatePlan } from '../../../src-main/plans/format';
import { paperPlan, paperTablePlans } from '../../../src-main/plans/paper-plans';

const expandText = (text: string, source = 'plan.json') => expandPlan(parsePlanText(text, source), source);

describe('plan file format', () => {
  it('expands groups × datasets × variants × seeds in file order, with plan-wide defaults', () => {
    const entries = expandPlan(
      validatePlan({
        name: 'ablation',
        dataset: 'Beauty',
        seeds: [1, 2],
        epochs: 5,
        settings: { hiddenSize: 32 },
        runs: [
          { model: 'sasrec', dataset: ['Beauty', 'Toys'], seeds: [7] },
          { model: 'llmdirec', variant: ['w/ CA', 'no-align'], settings: { hiddenSize: 16, layers: 1 } },
        ],
      }),
    );
    expect(entries).toEqual([
      { dataset: 'Beauty', model: 'sasrec', seed: 7, epochs: 5, settings: { hiddenSize: 32 } },
      { dataset: 'Toys', model: 'sasrec', seed: 7, epochs: 5, settings: { hiddenSize: 32 } },
      { dataset: 'Beauty', model: 'llmdirec', variant: 'ca', seed: 1, epochs: 5, settings: { hiddenSize: 16, layers: 1 } },
      { dataset: 'Beauty', model: 'llmdirec', variant: 'ca', seed: 2, epochs: 5, settings: { hiddenSize: 16, layers: 1 } },
      { dataset: 'Beauty', model: 'llmdirec', variant: 'no-align', seed: 1, epochs: 5, settings: { hiddenSize: 16, layers: 1 } },
      { dataset: 'Beauty', model: 'llmdirec', variant: 'no-align', seed: 2, epochs: 5, settings: { hiddenSize: 16, layers: 1 } },
    ]);
  });

  it('defaults to the paper seed 2022, the preset epochs and the full LLMDiRec', () => {
    expect(expandText('{"name": "x", "runs": [{"dataset": "demo", "model": "llmdirec"}]}')).toEqual([{ dataset: 'demo', model: 'llmdirec', variant: 'full', seed: 2022, settings: {} }]);
  });

  it('names the line and column of a JSON syntax error, and refuses YAML by name', () => {
    expect(() => parsePlanText('{\n  "name": "x",\n  "runs": [}\n', 'my-plan.json')).toThrow(/^my-plan\.json:3:12: not valid JSON: expected a value$/);
    expect(() => parsePlanText('name: x\n', 'plan.yaml')).toThrow(/plan\.yaml: plans are JSON files/);
  });

  it('refuses unknown keys, models and bad values with the path and what was expected', () => {
    expect(() => expandText('{"name": "x", "runs": [{"dataset": "demo", "model": "duorec"}]}')).toThrow(/plan\.json: runs\.0\.model: must be one of sasrec, indirec, llmdirec \(got "duorec"\)/);
    expect(() => expandText('{"name": "x", "run": []}')).toThrow(/unknown setting "run"/);
    expect(() => expandText('{"name": "x", "runs": []}')).toThrow(/runs: must have at least 1 entry/);
    expect(() => expandText('{"name": "x", "seeds": [1.5], "runs": [{"dataset": "demo", "model": "sasrec"}]}')).toThrow(/seeds\.0: must be a whole number/);
  });

  it('refuses settings that do not resolve, naming the group', () => {
    expect(() => expandText('{"name": "x", "runs": [{"dataset": "demo", "model": "sasrec"}, {"dataset": "demo", "model": "indirec", "settings": {"hiddenSize": 0}}]}')).toThrow(
      /plan\.json: runs\.1\.settings: hiddenSize: must be ≥ 2 \(got 0\)/,
    );
    expect(() => expandText('{"name": "x", "runs": [{"dataset": "demo", "model": "sasrec", "settings": {"fusion": "gated"}}]}')).toThrow(/runs\.0\.settings: fusion applies to --model llmdirec only/);
    expect(() => expandText('{"name": "x", "runs": [{"dataset": "demo", "model": "sasrec", "settings": {"seed": 3}}]}')).toThrow(/"seed" is not a setting here: use the plan's "seeds" field/);
  });

  it('refuses variants on other models, unknown variants, a missing dataset and repeated runs', () => {
    expect(() => expandText('{"name": "x", "runs": [{"dataset": "demo", "model": "indirec", "variant": "ca"}]}')).toThrow(/runs\.0\.variant: variants are LLMDiRec's \(Table 4\): model indirec has none/);
    expect(() => expandText('{"name": "x", "runs": [{"dataset": "demo", "model": "llmdirec", "variant": "w/ magic"}]}')).toThrow(/unknown variant "w\/ magic"; known: full \(LLMDiRec\), ca \(w\/ CA\)/);
    expect(() => expandText('{"name": "x", "runs": [{"model": "sasrec"}]}')).toThrow(/runs\.0: names no dataset/);
    expect(() => expandText('{"name": "x", "dataset": "demo", "runs": [{"model": "llmdirec"}, {"model": "llmdirec", "variant": "LLMDiRec"}]}')).toThrow(
      /runs\.1: repeats runs\.0 \(demo × llmdirec \(LLMDiRec\) × seed 2022\): a plan trains each run once/,
    );
  });
});

describe("the paper's tables as plans", () => {
  it('Table 2 trains SASRec, InDiRec and LLMDiRec; DuoRec and CaDiRec have no counterpart', () => {
    const entries = expandPlan(paperPlan('table2', { dataset: 'Beauty', seeds: [2022, 2023], epochs: 3 }));
    expect(entries.map((e) => [e.model, e.variant, e.seed, e.epochs])).toEqual([
      ['sasrec', undefined, 2022, 3], ['sasrec', undefined, 2023, 3],
      ['indirec', undefined, 2022, 3], ['indirec', undefined, 2023, 3],
      ['llmdirec', 'full', 2022, 3], ['llmdirec', 'full', 2023, 3],
    ]);
    expect(paperTablePlans.table2.missing.map((m) => m.paperName)).toEqual(['DuoRec', 'CaDiRec']);
  });

  it("Table 3 trains InDiRec and LLMDiRec (CaDiRec missing); Table 4 the six variants in the paper's column order", () => {
    expect(expandPlan(paperPlan('table3', { dataset: 'Beauty' })).map((e) => e.model)).toEqual(['indirec', 'llmdirec']);
    expect(paperTablePlans.table3.missing.map((m) => m.paperName)).toEqual(['CaDiRec']);
    expect(paperTablePlans.table4.runs.map((r) => r.paperName)).toEqual(['w/ CA', 'w/ CA, w/o align', 'w/o align', 'w/ concat', 'w/ weighted', 'LLMDiRec']);
    expect(expandPlan(paperPlan('table4', { dataset: 'Beauty', settings: { hiddenSize: 32 } })).map((e) => e.variant)).toEqual(['ca', 'ca-no-align', 'no-align', 'concat', 'weighted', 'full']);
    expect(() => paperPlan('table5', { dataset: 'Beauty' })).toThrow(/Unknown paper table "table5"/);
  });
});

describe('the committed plan files (experiments/*.json, the reproduce commands of docs/experiments.md)', () => {
  const folder = join(__dirname, '../../../experiments');
  const files = readdirSync(folder).filter((f) => f.endsWith('.json'));

  it('are there, and each expands to runs', () => {
    expect(files).toContain('beauty-table4-3.json');
    for (const file of files) expect(expandPlan(parsePlanText(readFileSync(join(folder, file), 'utf8'), file), file).length, file).toBeGreaterThan(0);
  });
});
