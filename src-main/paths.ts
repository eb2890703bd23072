import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the workstation keeps its database when none is given: `LLMDIREC_DB` wins, else the
 * platform's app-data folder (the same folder Electron's `app.getPath('userData')` uses).
 */
export function defaultDbFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LLMDIREC_DB) return env.LLMDIREC_DB;
  return join(appDataDir(env), 'LLMDiRec Workstation', 'workstation.sqlite');
}

function appDataDir(env: NodeJS.ProcessEnv): string {
  if (process.platform === 'win32') return env.APPDATA ?? join(homedir(), 'AppData', 'Roaming');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support');
  return env.XDG_CONFIG_HOME ?? join(homedir(), '.config');
}
