/** A checkpoint that cannot be read says which file and what is wrong with it, in words. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensors, serializeSafetensors } from '../../../src-main/engine/safetensors';

const dir = mkdtempSync(join(tmpdir(), 'llmdirec-safetensors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = serializeSafetensors(new Map([['w', { shape: [1000], data: new Float32Array(1000).fill(0.5) }]]));
const headerBytes = Number(new DataView(good.buffer).getBigUint64(0, true));

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('readSafetensors', () => {
  it('reads a whole file', () => {
    expect(readSafetensors(file('good.safetensors', good)).tensors.get('w')!.data[999]).toBe(0.5);
  });

  it('names a truncated file and how much tensor data is missing', () => {
    const cut = file('cut.safetensors', good.subarray(0, 8 + headerBytes + 1000));
    expect(() => readSafetensors(cut)).toThrow(`checkpoint ${cut} is truncated: header says 4,000 bytes of tensor data, file has 1,000`);
  });

  it('names a file cut inside its header', () => {
    const cut = file('cut-header.safetensors', good.subarray(0, 20));
    expect(() => readSafetensors(cut)).toThrow(`checkpoint ${cut} is truncated: header says it is ${headerBytes} bytes long, file has 12 bytes after its length`);
  });

  it('names a file whose header is not JSON', () => {
    const bytes = Buffer.from(good);
    bytes.write('{"w": {"dtype": "F32', 8, 'utf8');
    bytes.fill(0x20, 8 + 20, 8 + headerBytes);
    const bad = file('bad-header.safetensors', bytes);
    expect(() => readSafetensors(bad)).toThrow(`checkpoint ${bad} is not a safetensors file: its header is not valid JSON`);
    const text = file('notes.safetensors', 'these are my notes, not a model at all\n');
    expect(() => readSafetensors(text)).toThrow(new RegExp(`^checkpoint ${text} is not a safetensors file`));
    const tiny = file('tiny.safetensors', 'abc');
    expect(() => readSafetensors(tiny)).toThrow(`checkpoint ${tiny} is not a safetensors file: it has only 3 bytes`);
  });

  it('names a folder and a missing file', () => {
    const folder = join(dir, 'folder.safetensors');
    mkdirSync(folder);
    expect(() => readSafetensors(folder)).toThrow(`checkpoint ${folder} is a folder, not a checkpoint file`);
    expect(() => readSafetensors(join(dir, 'missing.safetensors'))).toThrow(`checkpoint ${join(dir, 'missing.safetensors')} does not exist`);
  });

  it('keeps the file in the error for API callers', () => {
    const cut = file('cut2.safetensors', readFileSync(join(dir, 'good.safetensors')).subarray(0, 100));
    let error: unknown;
    try {
      readSafetensors(cut);
    } catch (e) {
      error = e;
    }
    expect((error as { toJSON(): unknown }).toJSON()).toMatchObject({ code: 'bad_input', file: cut });
  });
});
