import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../../src-main/database';
import { deleteTemplate, getTemplate, listTemplates, saveTemplate, templateVersions } from '../../../src-main/semantic/template-store';

describe('template store with versions', () => {
  let db: Db;
  beforeEach(() => {
    db = openDb(':memory:');
  });
  afterEach(() => db.close());

  it('seeds the five paper templates as version 1', () => {
    const names = listTemplates(db).map((t) => t.name);
    expect(names).toEqual(['beauty', 'ml-1m', 'sports', 'toys', 'yelp']);
    expect(getTemplate(db, 'toys').text).toContain('The Toys & Games item has following attributes');
    expect(getTemplate(db, 'toys').version).toBe(1);
  });

  it('an edit creates a new version; an identical save does not', () => {
    const first = saveTemplate(db, 'mine', { text: 'Item <TITLE>', placeholders: {}, missing: 'blank' });
    expect(first.created).toBe(true);
    expect(first.template.version).toBe(1);
    expect(saveTemplate(db, 'mine', { text: 'Item <TITLE>', placeholders: {}, missing: 'blank' }).created).toBe(false);
    const second = saveTemplate(db, 'mine', { text: 'Product <TITLE>', placeholders: { TITLE: ['title'] }, missing: 'drop-clause' });
    expect(second.template.version).toBe(2);
    expect(second.template.versionId).not.toBe(first.template.versionId);
    expect(templateVersions(db, 'mine').map((t) => t.text)).toEqual(['Item <TITLE>', 'Product <TITLE>']);
    expect(getTemplate(db, 'mine', 1).text).toBe('Item <TITLE>');
    expect(getTemplate(db, 'mine').placeholders).toEqual({ TITLE: ['title'] });
  });

  it('built-ins can be edited (new version) but not deleted', () => {
    expect(saveTemplate(db, 'ml-1m', { ...getTemplate(db, 'ml-1m'), missing: 'blank' }).template.version).toBe(2);
    expect(() => deleteTemplate(db, 'ml-1m')).toThrow(/cannot be deleted/);
    saveTemplate(db, 'gone', { text: '<A>', placeholders: {}, missing: 'blank' });
    expect(deleteTemplate(db, 'gone')).toBe(true);
    expect(() => getTemplate(db, 'gone')).toThrow(/No template named "gone"/);
  });
});
