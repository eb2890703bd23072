/** LLMDiRec settings: validated with the run's other settings; Table 4's variants selected as data. */
import { describe, expect, it } from 'vitest';
import { SemanticViewSettings } from '../../../src-main/engine/llmdirec-table';
import { findVariant, llmdirecVariants, parseSettingAssignments, resolveSettings, variantOf } from '../../../src-main/engine/settings';

describe('llmdirec settings', () => {
  it('fills the LLMDiRec defaults (gated fusion, λ_align 0.1, latest embedding set) on top of the dataset preset', () => {
    const s = resolveSettings('Beauty', { model: 'llmdirec' });
    expect(s).toMatchObject({ model: 'llmdirec', variant: 'full', fusion: 'gated', alignWeight: 0.1, embeddingSetId: 'latest', adapterActivation: 'none', layerInit: 'pytorch-default' });
    expect(s.clWeight).toBe(0.2); // Beauty preset still applies (§11)
    expect(s.intents).toBe(32);
  });

  it('starts new runs on the centred semantic view (docs/experiments.md §7); raw is the paper code, and a stored run without the key trained raw', () => {
    expect(resolveSettings('Beauty', { model: 'llmdirec' }).semanticInput).toBe('centered');
    expect(resolveSettings('Beauty', { model: 'llmdirec', variant: 'ca' }).semanticInput).toBe('centered');
    expect(resolveSettings('Beauty', { model: 'llmdirec', semanticInput: 'raw' }).semanticInput).toBe('raw');
    expect(SemanticViewSettings.parse({ embeddingSetId: 1 }).semanticInput).toBe('raw');
  });

  it('selects each Table-4 variant by id or by the paper\'s column name', () => {
    const expected: Record<string, [string, number]> = {
      full: ['gated', 0.1],
      ca: ['crossattn', 0.1],
      'ca-no-align': ['crossattn', 0],
      'no-align': ['gated', 0],
      concat: ['concat', 0.1],
      weighted: ['weighted', 0.1],
    };
    for (const [id, [fusion, alignWeight]] of Object.entries(expected)) {
      const byId = resolveSettings(undefined, { model: 'llmdirec', variant: id });
      expect([byId.variant, byId.fusion, byId.alignWeight]).toEqual([id, fusion, alignWeight]);
      const byPaperName = resolveSettings(undefined, { model: 'llmdirec', variant: llmdirecVariants[id]!.paperName });
      expect(byPaperName.variant).toBe(id);
    }
    expect(findVariant('W/ CA, W/O ALIGN')).toBe('ca-no-align');
    expect(Object.values(llmdirecVariants).map((v) => v.paperName).sort()).toEqual(['LLMDiRec', 'w/ CA', 'w/ CA, w/o align', 'w/ concat', 'w/ weighted', 'w/o align']);
  });

  it('names the variant that explicit fusion / λ_align overrides amount to, and custom otherwise', () => {
    expect(resolveSettings(undefined, { model: 'llmdirec', alignWeight: 0 }).variant).toBe('no-align');
    expect(resolveSettings(undefined, { model: 'llmdirec', fusion: 'crossattn', alignWeight: 0 }).variant).toBe('ca-no-align');
    expect(resolveSettings(undefined, { model: 'llmdirec', fusion: 'concat', alignWeight: 0.5 })).toMatchObject({ variant: 'concat', alignWeight: 0.5 });
    expect(resolveSettings(undefined, { model: 'llmdirec', fusion: 'weighted', alignWeight: 0 }).variant).toBe('custom');
    expect(variantOf('gated', 0.3)).toBe('full');
  });

  it('rejects contradictions, unknown variants, bad values and LLMDiRec settings on other models', () => {
    expect(() => resolveSettings(undefined, { model: 'llmdirec', variant: 'ca', fusion: 'gated' })).toThrow(/Variant ca means/);
    expect(() => resolveSettings(undefined, { model: 'llmdirec', variant: 'nope' })).toThrow(/Unknown LLMDiRec variant "nope". Known: full \(LLMDiRec\)/);
    expect(() => resolveSettings(undefined, { model: 'llmdirec', fusion: 'sum' })).toThrow();
    expect(() => resolveSettings(undefined, { model: 'llmdirec', alignWeight: -1 })).toThrow();
    expect(() => resolveSettings(undefined, { model: 'llmdirec', adapterHidden: [1, 2, 3, 4, 5] })).toThrow();
    expect(() => resolveSettings(undefined, { model: 'llmdirec', embeddingSetId: 0 })).toThrow();
    expect(() => resolveSettings(undefined, { model: 'indirec', fusion: 'gated' })).toThrow(/fusion applies to --model llmdirec only/);
    expect(() => resolveSettings(undefined, { model: 'sasrec', alignWeight: 0, embeddingSetId: 3 })).toThrow(/embeddingSetId, alignWeight apply/);
    expect(resolveSettings(undefined, { model: 'indirec' })).not.toHaveProperty('fusion');
  });

  it('parses CLI assignments of the LLMDiRec settings to their types', () => {
    expect(parseSettingAssignments(['fusion=concat', 'alignWeight=0', 'embeddingSetId=7', 'adapterHidden=128,64', 'variant=w/ CA'])).toEqual({
      fusion: 'concat',
      alignWeight: 0,
      embeddingSetId: 7,
      adapterHidden: [128, 64],
      variant: 'w/ CA',
    });
    expect(parseSettingAssignments(['embeddingSetId=builtin/use-lite', 'adapterHidden='])).toEqual({ embeddingSetId: 'builtin/use-lite', adapterHidden: [] });
  });
});
