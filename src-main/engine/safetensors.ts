/**
 * A small safetensors reader/writer (https://huggingface.co/docs/safetensors): 8-byte little-endian
 * header length, a JSON header `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?}`, then
 * the raw little-endian tensor bytes. F32 (all model tensors) and I32 (run state) are read and written.
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { ApiError } from '../core/errors';

export interface NamedArray {
  shape: number[];
  /** F32 tensors are Float32Array, I32 tensors (run state such as cluster members) Int32Array. */
  data: Float32Array | Int32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, NamedArray>;
  metadata: Record<string, string>;
}

/** Headers beyond this are not a real header length but the first bytes of some other file. */
const MAX_HEADER_BYTES = 100_000_000;

/**
 * Parses safetensors bytes. `source` is what errors call the bytes ("checkpoint /x/y.safetensors"):
 * a user who gave the wrong file needs its name and what is wrong in words, not a DataView message.
 */
export function parseSafetensors(bytes: Uint8Array, source = 'safetensors data'): SafetensorsFile {
  const notSafetensors = (why: string) => new ApiError('bad_input', `${source} is not a safetensors file: ${why}`);
  if (bytes.byteLength < 8) throw notSafetensors(`it has only ${bytes.byteLength} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES) throw notSafetensors(`its first 8 bytes give a header length of ${count(headerLength)} bytes`);
  if (8 + headerLength > bytes.byteLength) {
    throw new ApiError('bad_input', `${source} is truncated: header says it is ${headerLength} bytes long, file has ${bytes.byteLength - 8} bytes after its length`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw notSafetensors('its header is not valid JSON');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw notSafetensors('its header is not a JSON object');
  const dataStart = 8 + headerLength;
  const entries = Object.entries(header as Record<string, unknown>).filter(([name]) => name !== '__metadata__');
  const described = entries.map(([name, entry]) => {
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const isCounts = (v: unknown, n?: number): v is number[] => Array.isArray(v) && (n === undefined || v.length === n) && v.every((x) => Number.isInteger(x) && x >= 0);
    if (typeof dtype !== 'string' || !isCounts(shape) || !isCounts(offsets, 2)) throw notSafetensors(`tensor ${name} has no dtype, shape or data_offsets`);
    return { name, dtype, shape, offsets: offsets as [number, number] };
  });
  const dataBytes = Math.max(0, ...described.map((t) => t.offsets[1]));
  if (dataStart + dataBytes > bytes.byteLength) {
    throw new ApiError('bad_input', `${source} is truncated: header says ${count(dataBytes)} bytes of tensor data, file has ${count(bytes.byteLength - dataStart)}`);
  }
  const tensors = new Map<string, NamedArray>();
  const metadata = ((header as Record<string, unknown>).__metadata__ ?? {}) as Record<string, string>;
  for (const { name, dtype, shape, offsets } of described) {
    if (dtype !== 'F32' && dtype !== 'I32') throw new ApiError('bad_input', `${source}: tensor ${name} has dtype ${dtype}; only F32 and I32 are supported`);
    const elements = shape.reduce((a, b) => a * b, 1);
    if (offsets[1] - offsets[0] !== elements * 4) throw new ApiError('bad_input', `${source}: tensor ${name} byte range does not match shape [${shape}]`);
    // Copy: the data section need not be 4-byte aligned inside the file buffer.
    const raw = bytes.slice(dataStart + offsets[0], dataStart + offsets[1]);
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const data = dtype === 'F32' ? new Float32Array(elements) : new Int32Array(elements);
    if (data instanceof Float32Array) for (let i = 0; i < elements; i++) data[i] = dv.getFloat32(i * 4, true);
    else for (let i = 0; i < elements; i++) data[i] = dv.getInt32(i * 4, true);
    tensors.set(name, { shape, data });
  }
  return { tensors, metadata };
}

const count = (n: number) => n.toLocaleString('en-US');

/** Reads a checkpoint file; errors name it ("checkpoint /x/y.safetensors is …") and keep it as `file`. */
export function readSafetensors(file: string): SafetensorsFile {
  const source = `checkpoint ${file}`;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EISDIR' ? 'is a folder, not a checkpoint file' : code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`;
    throw new ApiError(code === 'ENOENT' ? 'not_found' : 'bad_input', `${source} ${why}`, { file });
  }
  try {
    return parseSafetensors(bytes, source);
  } catch (error) {
    throw error instanceof ApiError ? new ApiError(error.code, error.message, { file }) : error;
  }
}

export function serializeSafetensors(tensors: Map<string, NamedArray>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    header[name] = { dtype: t.data instanceof Int32Array ? 'I32' : 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.length * 4] };
    offset += t.data.length * 4;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so tensor data starts 8-byte aligned (as the reference writer does).
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors.values()) {
    if (t.data instanceof Int32Array) for (let i = 0; i < t.data.length; i++) view.setInt32(at + i * 4, t.data[i]!, true);
    else for (let i = 0; i < t.data.length; i++) view.setFloat32(at + i * 4, t.data[i]!, true);
    at += t.data.length * 4;
  }
  return out;
}

/** Writes atomically (temp file + rename) so a killed process never leaves a half-written checkpoint. */
export function writeSafetensors(file: string, tensors: Map<string, NamedArray>, metadata: Record<string, string> = {}): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, serializeSafetensors(tensors, metadata));
  renameSync(tmp, file);
}
