import { spawn } from 'node:child_process';
import { toApiError } from '../../api/jobs';
import { startWebServer } from '../../server';
import { isLoopback } from '../../server/guard';
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
      host: { type: 'string', description: 'Address to listen on (default 127.0.0.1, this computer only; see docs/remote.md before changing it)', valueName: 'addr' },
      open: { type: 'boolean', description: 'Open the address in the default browser' },
      demo: { type: 'boolean', description: 'Create the demo dataset first when the database has no datasets' },
    },
    async run(args, service, io) {
      if (rendererNeedsBuild()) await buildRenderer(io.err);
      if (args.flags.demo && (await service.call('datasets.list', {})).length === 0) {
        io.err('First start: creating the demo dataset…');
        try {
          await service.call('jobs.wait', await service.call('datasets.createDemo', {}));
        } catch (error) {
          // The server still starts; the Datasets page shows the same error when the user retries.
          io.err(`Could not create the demo dataset: ${toApiError(error).message}`);
        }
      }
      const host = (args.flags.host as string | undefined) ?? '127.0.0.1';
      const server = await startWebServer({ service, rendererDir, host, port: optionalNumber(args, 'port') ?? 5174 });
      io.out(`LLMDiRec Workstation is running. Open: ${server.url}`);
      if (!isLoopback(host)) {
        io.err(
          host === '0.0.0.0' || host === '::'
            ? `Listening on every interface, but only requests addressed to 127.0.0.1/localhost are answered (DNS-rebinding guard): from another computer, forward the port over SSH (docs/remote.md).`
            : `Listening on ${host}: other computers can reach it. Every API request needs the token above, but plain HTTP carries it unencrypted; on an untrusted network serve on 127.0.0.1 and forward the port over SSH instead (docs/remote.md).`,
        );
      }
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
