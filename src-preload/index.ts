/**
 * The narrow bridge between the sandboxed renderer and the main process. It exposes one function
 * per contract method (the list is compiled in from `contract` by electron.vite.config.ts), an event
 * subscription, and a vetted "open this link in the browser" request. Nothing else of Electron or
 * Node reaches the page. The main process validates every payload and checks every sender again.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { JobEventOf, MethodName } from '../src-main/api/contract';
import { CALL_CHANNEL, EVENT_CHANNEL, OPEN_EXTERNAL_CHANNEL, type IpcReply } from '../src-main/electron/ipc-channels';
import type { PreloadBridge } from './bridge';

declare const __LLMDIREC_METHODS__: MethodName[];

async function call(method: MethodName, input: unknown): Promise<unknown> {
  const reply = (await ipcRenderer.invoke(CALL_CHANNEL, method, input)) as IpcReply;
  if (reply.ok) return reply.value;
  // A plain object crosses the context bridge intact; the renderer's client turns it into an ApiError.
  throw Object.assign(new Error(reply.error.message), { apiError: reply.error });
}

const methods = Object.fromEntries(
  __LLMDIREC_METHODS__.map((name) => [name, (input: unknown) => call(name, input)]),
) as PreloadBridge['methods'];

const bridge: PreloadBridge = {
  methods,
  onEvent(listener) {
    const handler = (_event: IpcRendererEvent, payload: JobEventOf) => listener(payload);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => void ipcRenderer.off(EVENT_CHANNEL, handler);
  },
  openExternal: (url) => ipcRenderer.invoke(OPEN_EXTERNAL_CHANNEL, url) as Promise<boolean>,
};

contextBridge.exposeInMainWorld('llmdirec', bridge);
