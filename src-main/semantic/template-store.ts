import { ApiError } from '../core/errors';
import { writeTransaction, type Db } from '../store/db';
import { builtinTemplates } from './builtin-templates';
import type { MissingValuePolicy, PromptTemplate } from './templates';

export interface StoredTemplate extends PromptTemplate {
  name: string;
  builtin: boolean;
  /** 1, 2, … per template: an edit adds one. */
  version: number;
  /** Row id of this version: what embedding sets refer to. */
  versionId: number;
  createdAt: string;
}

interface VersionRow {
  name: string;
  builtin: number;
  version: number;
  id: number;
  text: string;
  placeholders_json: string;
  missing: MissingValuePolicy;
  created_at: string;
}

const SELECT = `SELECT t.name, t.builtin, v.version, v.id, v.text, v.placeholders_json, v.missing, v.created_at
                FROM prompt_template_versions v JOIN prompt_templates t ON t.id = v.template_id`;

function toTemplate(row: VersionRow): StoredTemplate {
  return {
    name: row.name,
    builtin: row.builtin === 1,
    version: row.version,
    versionId: row.id,
    text: row.text,
    placeholders: JSON.parse(row.placeholders_json) as Record<string, string[]>,
    missing: row.missing,
    createdAt: row.created_at,
  };
}

/** Inserts the paper's templates the first time a database is used for the semantic view. */
export function ensureBuiltinTemplates(db: Db): void {
  const exists = db.prepare('SELECT 1 FROM prompt_templates WHERE name = ?');
  writeTransaction(db, () => {
    for (const [name, template] of Object.entries(builtinTemplates)) {
      if (!exists.get(name)) insertVersion(db, name, template, true);
    }
  });
}

function insertVersion(db: Db, name: string, template: PromptTemplate, builtin: boolean): StoredTemplate {
  const now = new Date().toISOString();
  let row = db.prepare('SELECT id FROM prompt_templates WHERE name = ?').get(name) as { id: number } | undefined;
  if (!row) {
    const info = db.prepare('INSERT INTO prompt_templates (name, builtin, created_at) VALUES (?, ?, ?)').run(name, builtin ? 1 : 0, now);
    row = { id: Number(info.lastInsertRowid) };
  }
  const next = (db.prepare('SELECT COALESCE(MAX(version), 0) + 1 AS v FROM prompt_template_versions WHERE template_id = ?').get(row.id) as { v: number }).v;
  db.prepare(
    'INSERT INTO prompt_template_versions (template_id, version, text, placeholders_json, missing, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(row.id, next, template.text, JSON.stringify(template.placeholders), template.missing, now);
  return getTemplate(db, name);
}

/** Latest version of every template, built-ins first. */
export function listTemplates(db: Db): StoredTemplate[] {
  ensureBuiltinTemplates(db);
  const rows = db
    .prepare(
      `${SELECT} WHERE v.version = (SELECT MAX(version) FROM prompt_template_versions w WHERE w.template_id = v.template_id)
       ORDER BY t.builtin DESC, t.name`,
    )
    .all() as VersionRow[];
  return rows.map(toTemplate);
}

/** A template's latest version, or a given one. */
export function getTemplate(db: Db, name: string, version?: number): StoredTemplate {
  ensureBuiltinTemplates(db);
  const row = (
    version === undefined
      ? db.prepare(`${SELECT} WHERE t.name = ? ORDER BY v.version DESC LIMIT 1`).get(name)
      : db.prepare(`${SELECT} WHERE t.name = ? AND v.version = ?`).get(name, version)
  ) as VersionRow | undefined;
  if (!row) {
    throw new ApiError('not_found', version === undefined ? `No template named "${name}".` : `Template "${name}" has no version ${version}.`);
  }
  return toTemplate(row);
}

export function getTemplateVersion(db: Db, versionId: number): StoredTemplate {
  const row = db.prepare(`${SELECT} WHERE v.id = ?`).get(versionId) as VersionRow | undefined;
  if (!row) throw new ApiError('not_found', `No template version ${versionId}.`);
  return toTemplate(row);
}

export function templateVersions(db: Db, name: string): StoredTemplate[] {
  getTemplate(db, name);
  return (db.prepare(`${SELECT} WHERE t.name = ? ORDER BY v.version`).all(name) as VersionRow[]).map(toTemplate);
}

/**
 * Creates a template or saves an edit as its next version. Saving what the latest version already
 * says adds nothing (so re-saving does not invalidate embedding sets).
 */
export function saveTemplate(db: Db, name: string, template: PromptTemplate): { template: StoredTemplate; created: boolean } {
  ensureBuiltinTemplates(db);
  return writeTransaction(db, () => {
    const exists = db.prepare('SELECT 1 FROM prompt_templates WHERE name = ?').get(name);
    if (exists) {
      const latest = getTemplate(db, name);
      const same =
        latest.text === template.text &&
        latest.missing === template.missing &&
        JSON.stringify(latest.placeholders) === JSON.stringify(template.placeholders);
      if (same) return { template: latest, created: false };
    }
    return { template: insertVersion(db, name, template, false), created: true };
  });
}

/** Deletes a user template with all its versions (and the embedding sets made from them). */
export function deleteTemplate(db: Db, name: string): boolean {
  const row = db.prepare('SELECT builtin FROM prompt_templates WHERE name = ?').get(name) as { builtin: number } | undefined;
  if (!row) return false;
  if (row.builtin) throw new ApiError('conflict', `"${name}" is one of the paper's templates and cannot be deleted (edits are kept as new versions).`);
  return db.prepare('DELETE FROM prompt_templates WHERE name = ?').run(name).changes > 0;
}
