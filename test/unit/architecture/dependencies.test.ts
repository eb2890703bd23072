/**
 * The dependency rule of the README's architecture section, checked on the import statements of
 * src-main: each folder imports only itself and the folders after it in `layers`, so core/ imports
 * nothing of the project and no domain folder reaches up into the API or an adapter.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../..');
const srcMain = join(root, 'src-main');

/** Top to bottom. `app` is the files directly in src-main (workstation.ts, database.ts, paths.ts, …). */
const layers: readonly (readonly string[])[] = [['electron', 'cli'], ['server'], ['app'], ['api'], ['plans'], ['analysis'], ['engine'], ['semantic'], ['store'], ['core']];

const layerOf = new Map(layers.flatMap((names, index) => names.map((name) => [name, index] as const)));

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|mjs|vue)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Static imports and re-exports, side-effect imports, `import('…')` (types and dynamic), `new URL('…', import.meta.url)`. */
const IMPORT = /\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url/gm;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]).filter((spec): spec is string => spec !== undefined);
}

/** The folder of src-main a path belongs to (`app` for the files directly in it); undefined outside src-main. */
function unitOf(path: string): string | undefined {
  const inside = relative(srcMain, path);
  if (inside.startsWith('..')) return undefined;
  const parts = inside.split(sep);
  return parts.length > 1 ? parts[0] : 'app';
}

interface CrossImport {
  file: string;
  spec: string;
  from: string;
  to: string;
}

function crossImports(): CrossImport[] {
  return sourceFiles(srcMain).flatMap((file) =>
    importsOf(file)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => ({ file: relative(root, file), spec, from: unitOf(file)!, to: unitOf(resolve(dirname(file), spec)) }))
      .filter((edge): edge is CrossImport => edge.to !== undefined && edge.to !== edge.from),
  );
}

/** Why an import breaks the rule, or undefined when it keeps it. */
function violation({ file, spec, from, to }: CrossImport): string | undefined {
  const own = layerOf.get(from);
  const target = layerOf.get(to);
  if (own === undefined || target === undefined) return undefined; // reported by the placement test
  if (target > own) return undefined;
  const allowed = layers.slice(own + 1).flat().join(', ');
  return `${file} imports '${spec}': ${from} may import only ${allowed}`;
}

describe('the dependency rule (README, Architecture)', () => {
  const edges = crossImports();

  it('places every folder of src-main in a layer', () => {
    const units = new Set(sourceFiles(srcMain).map((file) => unitOf(file)!));
    expect([...units].filter((unit) => !layerOf.has(unit))).toEqual([]);
  });

  it('reads the imports between folders (the check is not vacuous)', () => {
    const pairs = new Set(edges.map((e) => `${e.from} -> ${e.to}`));
    for (const pair of ['api -> store', 'engine -> store', 'store -> core', 'cli -> api', 'analysis -> engine']) expect(pairs).toContain(pair);
  });

  it('holds: each folder imports only the folders below it, and core imports nothing of the project', () => {
    expect(edges.map(violation).filter((v) => v !== undefined)).toEqual([]);
  });

  it('keeps the renderer and the preload bridge on the contract', () => {
    const outside = ['src-renderer', 'src-preload'].flatMap((folder) =>
      sourceFiles(join(root, folder)).flatMap((file) =>
        importsOf(file)
          .filter((spec) => spec.startsWith('.'))
          .map((spec) => ({ file: relative(root, file), unit: unitOf(resolve(dirname(file), spec)), target: relative(root, resolve(dirname(file), spec)) }))
          .filter(({ unit, target }) => unit !== undefined && target !== join('src-main', 'api', 'contract') && target !== join('src-main', 'electron', 'ipc-channels'))
          .map(({ file, target }) => `${file} imports ${target}`),
      ),
    );
    expect(outside).toEqual([]);
  });
});
