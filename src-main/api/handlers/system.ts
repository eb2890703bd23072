import { arch, availableParallelism, hostname, platform } from 'node:os';
import { backendDescription, initBackend } from '../../engine/backend';
import type { HandlerTable } from '../service';

export const systemHandlers: HandlerTable<'system.info'> = {
  'system.info': async (_input, { dbFile }) => {
    // The same selection the training and evaluation workers make (once per process; later calls reuse it).
    const backend = await initBackend();
    return { hostname: hostname(), platform: platform(), arch: arch(), cpus: availableParallelism(), backend, backendDescription: backendDescription(), database: dbFile, node: process.version };
  },
};
