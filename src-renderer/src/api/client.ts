import type { JobEventOf, MethodName, WorkstationApi } from '../../../src-main/api/contract';
import type { PreloadBridge } from '../../../src-preload/bridge';
import { ClientError } from './errors';
import { createHttpApi } from './http';

/** Electron: the preload's one-function-per-method bridge. */
function createBridgeApi(bridge: PreloadBridge): WorkstationApi {
  return {
    async call(method: MethodName, input: unknown) {
      const fn = bridge.methods[method] as ((input: unknown) => Promise<unknown>) | undefined;
      if (!fn) throw new ClientError({ code: 'validation', message: `Unknown method: ${method}` });
      try {
        return (await fn(input)) as never;
      } catch (error) {
        const shape = (error as { apiError?: ClientError['shape'] }).apiError;
        throw shape ? new ClientError(shape) : error;
      }
    },
    onEvent: (listener: (event: JobEventOf) => void) => bridge.onEvent(listener),
  };
}

/** One interface, two transports: the preload bridge when running in Electron, HTTP+WebSocket in a browser. */
export const api: WorkstationApi = window.llmdirec ? createBridgeApi(window.llmdirec) : createHttpApi();

export const transport: 'electron' | 'web' = window.llmdirec ? 'electron' : 'web';

/** Which contract methods this build has; pages whose capability has not landed say so instead of guessing. */
export function hasMethod(name: string): boolean {
  return __LLMDIREC_METHODS__.includes(name);
}
