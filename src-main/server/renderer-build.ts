import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
export const rendererDir = join(projectRoot, 'out', 'renderer');

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const info = statSync(path);
    newest = Math.max(newest, info.isDirectory() ? newestSource(path) : info.mtimeMs);
  }
  return newest;
}

/** True when out/renderer is missing or older than a file under src-renderer (a stale UI would confuse). */
export function rendererNeedsBuild(): boolean {
  const index = join(rendererDir, 'index.html');
  if (!existsSync(index)) return true;
  const sources = join(projectRoot, 'src-renderer');
  return existsSync(sources) && newestSource(sources) > statSync(index).mtimeMs;
}

/** Builds the renderer (and the Electron bundles with it) with electron-vite, a dev dependency. */
export async function buildRenderer(log: (text: string) => void): Promise<void> {
  log('Building the user interface (electron-vite build)…');
  const { build } = await import('electron-vite');
  await build({ root: projectRoot, configFile: join(projectRoot, 'electron.vite.config.ts'), logLevel: 'warn' });
}
