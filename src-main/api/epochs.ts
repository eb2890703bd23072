/**
 * How epochs are numbered for users. Stored records count from 0 (an epoch's index: `bestEpoch`,
 * the epoch log's `epoch`, a best checkpoint's `epoch`), while the training log prints "Epoch 1/6"
 * for the first one; everything a user reads uses the log's numbers, through these functions.
 * No imports: the renderer uses them too.
 */

/** The number a user reads for the epoch with this 0-based index ("Epoch 6/6" for index 5). */
export function epochNumber(index: number): number {
  return index + 1;
}

/**
 * The epoch a checkpoint holds, as a user numbers it. A best checkpoint records its epoch's index,
 * a last checkpoint the count of epochs done (the state to resume from), which already is the
 * number of the epoch it ends with.
 */
export function checkpointEpochNumber(checkpoint: { kind: 'last' | 'best'; epoch: number }): number {
  return checkpoint.kind === 'best' ? epochNumber(checkpoint.epoch) : checkpoint.epoch;
}
