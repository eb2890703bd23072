/** IPC channel names shared by the main process and the preload (no Electron import here). */
export const CALL_CHANNEL = 'llmdirec:call';
export const EVENT_CHANNEL = 'llmdirec:event';
export const OPEN_EXTERNAL_CHANNEL = 'llmdirec:open-external';

/** What an IPC call resolves to: errors travel as data, because Electron flattens thrown errors to a string. */
export type IpcReply = { ok: true; value: unknown } | { ok: false; error: import('../api/contracts/common').ApiErrorShape };
