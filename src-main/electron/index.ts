/**
 * Electron main process: one hardened window over the shared service. This is the only module
 * tree that imports 'electron'; everything it serves comes from `openWorkstation` (the same
 * service the CLI and the web server use). Heavy work (training, embedding, projections) runs in
 * the engine's worker threads, so this event loop only relays calls and events.
 */
import { app, BrowserWindow, ipcMain, session, shell, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toApiError } from '../api/jobs';
import type { Service } from '../api/service';
import { contentSecurityPolicy } from '../content-security';
import { defaultDbFile } from '../paths';
import { openWorkstation } from '../workstation';
import { CALL_CHANNEL, EVENT_CHANNEL, OPEN_EXTERNAL_CHANNEL, type IpcReply } from './ipc-channels';
import { isAllowedExternalUrl, isAppUrl, type AppLocation } from './security';

const here = fileURLToPath(new URL('.', import.meta.url));
const location: AppLocation = {
  rendererFile: join(here, '../renderer/index.html'),
  devServerUrl: !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined,
};

let service: Service | undefined;
let window: BrowserWindow | undefined;

app.enableSandbox();
// One instance per database: a second launch focuses the first window instead.
if (!app.requestSingleInstanceLock()) app.quit();
app.on('second-instance', () => {
  if (window?.isMinimized()) window.restore();
  window?.focus();
});

app.on('web-contents-created', (_event, contents) => {
  // No navigation away from the app, no popups, no <webview>.
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, location)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, location)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

function trusted(event: IpcMainInvokeEvent): boolean {
  return Boolean(window && event.sender === window.webContents && isAppUrl(event.senderFrame?.url, location));
}

function registerIpc(svc: Service): void {
  ipcMain.handle(CALL_CHANNEL, async (event, method: unknown, payload: unknown): Promise<IpcReply> => {
    if (!trusted(event)) return { ok: false, error: { code: 'validation', message: 'Refused: the request did not come from the app window.' } };
    try {
      // Service.invoke checks the method against the contract's allowlist and validates the payload.
      return { ok: true, value: await svc.invoke(method, payload) };
    } catch (error) {
      return { ok: false, error: toApiError(error).toJSON() };
    }
  });
  ipcMain.handle(OPEN_EXTERNAL_CHANNEL, async (event, url: unknown) => {
    if (!trusted(event) || !isAllowedExternalUrl(url)) return false;
    await shell.openExternal(url as string);
    return true;
  });
  svc.onEvent((jobEvent) => {
    if (window && !window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, jobEvent);
  });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    title: 'LLMDiRec Workstation',
    show: false,
    backgroundColor: '#f6f7f9',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  if (location.devServerUrl) void win.loadURL(location.devServerUrl);
  else void win.loadFile(location.rendererFile);
  return win;
}

async function createDemoOnFirstStart(svc: Service): Promise<void> {
  const datasets = await svc.call('datasets.list', {});
  if (datasets.length > 0) return;
  try {
    await svc.context.jobs.wait((await svc.call('datasets.createDemo', {})).jobId);
  } catch (error) {
    console.error(`Could not create the demo dataset: ${toApiError(error).message}`);
  }
}

void app.whenReady().then(async () => {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // The header covers the dev server; the built index.html carries the same policy as a <meta> tag.
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy(location.devServerUrl ? ['ws:'] : [])] } });
  });
  service = openWorkstation({ dbFile: defaultDbFile() });
  registerIpc(service);
  window = createWindow();
  window.on('closed', () => (window = undefined));
  void createDemoOnFirstStart(service);
});

app.on('window-all-closed', () => app.quit());
let closing = false;
app.on('will-quit', (event) => {
  if (!service || closing) return;
  // Cancel running jobs and close the database before the process exits.
  closing = true;
  event.preventDefault();
  void service.close().finally(() => app.quit());
});
