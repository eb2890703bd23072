/**
 * A small safetensors reader/writer (https://huggingface.co/docs/safetensors): 8-byte little-endian
 * header length, a JSON header `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?}`, then
 * the raw little-endian tensor bytes. F32 (all model tensors) and I32 (run state) are read and written.
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';

export interface NamedArray {
  shape: number[];
  /** F32 tensors are Float32Array, I32 tensors (run state such as cluster members) Int32Array. */
  data: Float32Array | Int32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, NamedArray>;
  metadata: Record<string, string>;
}

export function parseSafetensors(bytes: Uint8Array, source = 'safetensors data'): SafetensorsFile {
  if (bytes.byteLength < 8) throw new Error(`${source}: too short to be a safetensors file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.byteLength) throw new Error(`${source}: header length ${headerLength} exceeds the file size`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, NamedArray>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (dtype !== 'F32' && dtype !== 'I32') throw new Error(`${source}: tensor ${name} has dtype ${dtype}; only F32 and I32 are supported`);
    const count = shape.reduce((a, b) => a * b, 1);
    if (offsets[1] - offsets[0] !== count * 4) throw new Error(`${source}: tensor ${name} byte range does not match shape [${shape}]`);
    // Copy: the data section need not be 4-byte aligned inside the file buffer.
    const raw = bytes.slice(dataStart + offsets[0], dataStart + offsets[1]);
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const data = dtype === 'F32' ? new Float32Array(count) : new Int32Array(count);
    if (data instanceof Float32Array) for (let i = 0; i < count; i++) data[i] = dv.getFloat32(i * 4, true);
    else for (let i = 0; i < count; i++) data[i] = dv.getInt32(i * 4, true);
    tensors.set(name, { shape, data });
  }
  return { tensors, metadata };
}

export function readSafetensors(file: string): SafetensorsFile {
  return parseSafetensors(readFileSync(file), file);
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
