import { spawn } from 'node:child_process';
import { toApiError } from '../../api/jobs';
import { startWebServer } from '../../server';
import { buildRenderer, rendererDir, rendererNeedsBuild } from '../../server/renderer-build';
import { optionalNumber, type Command } from '../command';

function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(cmd as string, args as string[], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

export const serveCommands: Command[] = [
  {
    path: ['serve'],
    summary: 'Serve the workstation UI to a browser on this computer (web mode), until Ctrl-C.',
    flags: {
      port: { type: 'string', description: 'Port (default 5174; 0 = any free port)', valueName: 'n' },
      host: { type: 'string', description: 'Address to listen on (default 127.0.0.1, this computer only)', valueName: 'addr' },
      open: { type: 'boolean', description: 'Open the address in the default browser' },
      demo: { type: 'boolean', description: 'Create the demo dataset first when the database has no datasets' },
    },
    async run(args, service, io) {
      if (rendererNeedsBuild()) await buildRenderer(io.err);
      if (args.flags.demo && (await service.call('datasets.list', {})).length === 0) {
        io.err('First start: creating the demo dataset…');
        try {
          await service.context.jobs.wait((await service.call('datasets.createDemo', {})).jobId);
        } catch (error) {
          // The server still starts; the Datasets page shows the same error when the user retries.
          io.err(`Could not create the demo dataset: ${toApiError(error).message}`);
        }
      }
      const server = await startWebServer({
        service,
        rendererDir,
        host: (args.flags.host as string | undefined) ?? '127.0.0.1',
        port: optionalNumber(args, 'port') ?? 5174,
      });
      io.out(`LLMDiRec Workstation is running. Open: ${server.url}`);
      io.err('Press Ctrl-C to stop.');
      if (args.flags.open) openBrowser(server.url);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      io.err('Stopping…');
      await server.close();
    },
  },
];
