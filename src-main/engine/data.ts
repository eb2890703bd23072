/**
 * Sequences, leave-one-out splits and training samples (docs/model.md §1–§2).
 * Item ids are 1..numItems; 0 is padding; the embedding table has numItems + 2 rows (row
 * numItems + 1 is the reference's unused "mask id").
 */
import { readFileSync } from 'node:fs';

export interface SequenceData {
  numItems: number;
  /** Index k = user k + 1 (the 0-based line index is the user index, §1). */
  sequences: Int32Array[];
}

/** Parses the `user item item …` text format (LF or CRLF); the user id column is ignored (§1). */
export function parseSequenceText(text: string, source = 'sequence file'): SequenceData {
  const sequences: Int32Array[] = [];
  let numItems = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const parts = line.split(/\s+/);
    const seq = new Int32Array(parts.length - 1);
    for (let p = 1; p < parts.length; p++) {
      const id = Number(parts[p]);
      if (!Number.isInteger(id) || id < 1) throw new Error(`${source}:${i + 1}: item id "${parts[p]}" is not a positive integer`);
      seq[p - 1] = id;
      if (id > numItems) numItems = id;
    }
    sequences.push(seq);
  }
  return { numItems, sequences };
}

export function readSequenceFile(file: string): SequenceData {
  return parseSequenceText(readFileSync(file, 'utf8'), file);
}

/** Rows of the item table: padding row 0, items 1..N, and the reference's mask row N+1 (§1). */
export function tableRows(numItems: number): number {
  return numItems + 2;
}

export type Split = 'valid' | 'test';

export interface EvaluationCase {
  /** Input sequence (all history before the answer; the encoder keeps the last L). */
  input: Int32Array;
  answer: number;
}

/** Leave-one-out cases for every user (§1): test = seq[:-1] → seq[-1], valid = seq[:-2] → seq[-2]. */
export function leaveOneOutCases(data: SequenceData, split: Split): EvaluationCase[] {
  const cut = split === 'test' ? 1 : 2;
  const cases: EvaluationCase[] = [];
  for (const seq of data.sequences) {
    if (seq.length <= cut) continue;
    cases.push({ input: seq.subarray(0, seq.length - cut), answer: seq[seq.length - cut]! });
  }
  return cases;
}

/**
 * Training samples (§2, net effect of `D()`): for every user with n items and every k = 1..n-3,
 * input = the last ≤ L items of seq[0:k], target = seq[k]. Stored flat: `user[i]`, `end[i]` (= k).
 */
export interface TrainingSamples {
  user: Int32Array;
  end: Int32Array;
  target: Int32Array;
  count: number;
}

export function trainingSamples(data: SequenceData): TrainingSamples {
  let count = 0;
  for (const seq of data.sequences) count += Math.max(seq.length - 3, 0);
  const user = new Int32Array(count);
  const end = new Int32Array(count);
  const target = new Int32Array(count);
  let i = 0;
  data.sequences.forEach((seq, u) => {
    for (let k = 1; k <= seq.length - 3; k++, i++) {
      user[i] = u;
      end[i] = k;
      target[i] = seq[k]!;
    }
  });
  return { user, end, target, count };
}

/** The input items of a sample (a view, no copy), already cut to the last `maxLength`. */
export function sampleInput(data: SequenceData, samples: TrainingSamples, i: number, maxLength: number): Int32Array {
  const k = samples.end[i]!;
  return data.sequences[samples.user[i]!]!.subarray(Math.max(0, k - maxLength), k);
}

export interface PaddedBatch {
  /** Row-major [rows, width] item ids, left-padded with 0. */
  ids: Int32Array;
  rows: number;
  /**
   * Columns kept. The full window is L columns; columns that are padding in every row are dropped
   * (exact: masked keys contribute exp(-10000) ≈ 0), and the kept ones are positions L-width..L-1.
   */
  width: number;
}

/** Left-pads the last ≤ L items of each sequence to L and keeps only the last `width` columns (§1). */
export function padBatch(inputs: readonly Int32Array[], maxLength: number, trim = true): PaddedBatch {
  let width = trim ? 1 : maxLength;
  if (trim) for (const s of inputs) width = Math.max(width, Math.min(s.length, maxLength));
  const rows = inputs.length;
  const ids = new Int32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const s = inputs[r]!;
    const n = Math.min(s.length, width);
    ids.set(s.subarray(s.length - n), r * width + width - n);
  }
  return { ids, rows, width };
}
