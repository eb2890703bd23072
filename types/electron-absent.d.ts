/**
 * Stand-in types for the part of Electron's API that src-main/electron and src-preload call, used
 * only where the optional `electron` package is absent: npm drops it when its binary cannot be
 * downloaded (issue #15), and `npm test` must still type-check the rest of the project there.
 * tsconfig's `paths` resolves 'electron' to the package's own electron.d.ts whenever it is
 * installed, so on a machine that can run the app the real declarations check this code. The
 * shapes follow Electron 39's documentation, trimmed to what the code uses; a call the real API
 * rejects is caught wherever Electron is installed.
 */

interface PreventableEvent {
  preventDefault(): void;
}

export interface WebContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: PreventableEvent, url: string) => void): this;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): this;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void;
  send(channel: string, ...args: unknown[]): void;
}

export interface IpcMainInvokeEvent {
  sender: WebContents;
  senderFrame: { url: string } | null;
}

export interface IpcRendererEvent {
  senderId: number;
}

export declare const app: {
  readonly isPackaged: boolean;
  enableSandbox(): void;
  requestSingleInstanceLock(): boolean;
  quit(): void;
  whenReady(): Promise<void>;
  on(event: 'second-instance' | 'window-all-closed', listener: () => void): void;
  on(event: 'web-contents-created', listener: (event: PreventableEvent, contents: WebContents) => void): void;
  on(event: 'will-quit', listener: (event: PreventableEvent) => void): void;
};

export interface BrowserWindowOptions {
  width?: number;
  height?: number;
  minWidth?: number;
  minHeight?: number;
  title?: string;
  show?: boolean;
  backgroundColor?: string;
  webPreferences?: { preload?: string; contextIsolation?: boolean; sandbox?: boolean; nodeIntegration?: boolean; webSecurity?: boolean; spellcheck?: boolean };
}

export declare class BrowserWindow {
  constructor(options?: BrowserWindowOptions);
  readonly webContents: WebContents;
  isMinimized(): boolean;
  isDestroyed(): boolean;
  restore(): void;
  focus(): void;
  show(): void;
  once(event: 'ready-to-show', listener: () => void): this;
  on(event: 'closed', listener: () => void): this;
  loadURL(url: string): Promise<void>;
  loadFile(path: string): Promise<void>;
}

// `never[]` where Electron writes `any[]`: a handler may type its own arguments (they arrive over IPC).
export declare const ipcMain: {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: never[]) => unknown): void;
};

export declare const ipcRenderer: {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: never[]) => void): void;
  off(channel: string, listener: (event: IpcRendererEvent, ...args: never[]) => void): void;
};

export declare const contextBridge: {
  exposeInMainWorld(apiKey: string, api: unknown): void;
};

export declare const session: {
  readonly defaultSession: {
    setPermissionRequestHandler(handler: (webContents: WebContents, permission: string, callback: (granted: boolean) => void) => void): void;
    setPermissionCheckHandler(handler: () => boolean): void;
    webRequest: {
      onHeadersReceived(
        listener: (details: { responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders?: Record<string, string[] | string> }) => void) => void,
      ): void;
    };
  };
};

export declare const shell: {
  openExternal(url: string): Promise<void>;
};
