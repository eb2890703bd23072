import type { JobEventOf, MethodName, WorkstationApi } from '../../../src-main/api/contract';
import { ClientError } from './errors';

const TOKEN_KEY = 'llmdirec.token';

/**
 * The access token arrives once in the address the server printed (`?token=…`). It is kept for
 * this tab (so reloads work) and removed from the address bar so it is not bookmarked or shared.
 */
export function takeToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** Web mode: `POST /api/<method>` for calls and a reconnecting WebSocket for events. */
export function createHttpApi(token = takeToken()): WorkstationApi {
  const listeners = new Set<(event: JobEventOf) => void>();
  let socket: WebSocket | undefined;
  let retry = 500;

  function connect(): void {
    const protocol = window.location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(`${protocol}://${window.location.host}/api/events?token=${encodeURIComponent(token)}`);
    socket.onopen = () => (retry = 500);
    socket.onmessage = (message) => {
      const event = JSON.parse(String(message.data)) as JobEventOf;
      for (const listener of listeners) listener(event);
    };
    socket.onclose = () => {
      socket = undefined;
      if (listeners.size > 0) setTimeout(connect, (retry = Math.min(retry * 2, 8000)));
    };
  }

  return {
    async call(method: MethodName, input: unknown) {
      let response: Response;
      try {
        response = await fetch(`/api/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-LLMDiRec-Token': token },
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        throw new ClientError({ code: 'unavailable', message: 'Cannot reach the workstation server. Is "llmdirec serve" still running?' });
      }
      const body = (await response.json().catch(() => null)) as { error?: ClientError['shape'] } | null;
      if (!response.ok) {
        throw new ClientError(body?.error ?? { code: 'internal', message: `The server answered ${response.status} ${response.statusText}` });
      }
      return body as never;
    },
    onEvent(listener) {
      listeners.add(listener);
      if (!socket) connect();
      return () => listeners.delete(listener);
    },
  };
}

/**
 * Web mode: saves the file an export job wrote on the server's machine (which may be a remote GPU
 * box) to this browser's downloads, through the token-checked `GET /api/download/<jobId>`.
 */
export async function downloadJobFile(jobId: string, name: string): Promise<void> {
  const response = await fetch(`/api/download/${encodeURIComponent(jobId)}`, { headers: { 'X-LLMDiRec-Token': takeToken() } });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: ClientError['shape'] } | null;
    throw new ClientError(body?.error ?? { code: 'internal', message: `The server answered ${response.status} ${response.statusText}` });
  }
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}
