/**
 * Web mode: the file an export job wrote, downloaded to the browser (`GET /api/download/<jobId>`,
 * token-checked like every /api/ request). Only a finished export job (`export`, `recommend`) whose result names
 * one file is served — a browser cannot ask for any other path on the machine running the server,
 * which on a remote GPU box is the only way to get the file to the analyst's laptop.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { basename } from 'node:path';
import { pipeline } from 'node:stream';
import type { Service } from '../api/service';
import { securityHeaders, sendError } from './respond';

export async function sendJobFile(service: Service, jobId: string, res: ServerResponse): Promise<void> {
  const job = service.context.jobs.list().find((j) => j.jobId === jobId);
  if (!job || (job.kind !== 'export' && job.kind !== 'recommend')) return sendError(res, 404, { code: 'not_found', message: `No export job ${jobId}` });
  if (job.state !== 'succeeded') return sendError(res, 409, { code: 'conflict', message: `Export job ${jobId} has not succeeded (it is ${job.state})` });
  const result = (await service.context.jobs.wait(jobId)) as { file?: unknown };
  if (typeof result.file !== 'string') return sendError(res, 404, { code: 'not_found', message: `Export job ${jobId} wrote a folder, not one file to download` });
  const info = await stat(result.file).catch(() => undefined);
  if (!info?.isFile()) return sendError(res, 404, { code: 'not_found', message: `${result.file} is gone from the server's disk` });
  res.writeHead(200, {
    ...securityHeaders,
    'Content-Type': result.file.endsWith('.jsonl') ? 'application/x-ndjson' : result.file.endsWith('.csv') ? 'text/csv; charset=utf-8' : 'application/octet-stream',
    'Content-Length': String(info.size),
    'Content-Disposition': `attachment; filename="${basename(result.file).replace(/[^\w.-]/g, '_')}"`,
    'Cache-Control': 'no-store',
  });
  pipeline(createReadStream(result.file), res, () => undefined);
}
