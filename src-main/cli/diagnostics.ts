/**
 * `llmdirec runs show`'s learning-dynamics tables (engine/diagnostics.ts): the item table's views per
 * epoch, then the gradient norm of each weighted loss component per parameter group.
 */
import type { Output } from '../api/contract';
import { epochNumber } from '../api/epochs';
import { printTable, type CliIO } from './command';

type EpochLog = Output<'runs.show'>['epochLog'];

/** Three significant digits: gradient norms span orders of magnitude, and 0.0000 would hide them. */
const sig = (v: number | undefined) => (v === undefined ? undefined : v === 0 ? '0' : v.toPrecision(3));

export function printDiagnostics(io: CliIO, epochLog: EpochLog): void {
  const epochs = epochLog.filter((e) => e.diagnostics);
  if (!epochs.length) return;
  io.out('');
  io.out('Item table at each epoch end (mean row norm ‖·‖, mean pairwise cosine of a fixed item sample; id = ID view, A(s) = adapted semantic view, e = fused row):');
  const tableRows = epochs.map((e) => {
    const t = e.diagnostics!.table;
    return {
      epoch: epochNumber(e.epoch),
      'gate mean': sig(t.gateMean),
      'gate sd': sig(t.gateSpread),
      '‖id‖': sig(t.idNorm),
      '‖A(s)‖': sig(t.semanticNorm),
      '‖e‖': sig(t.fusedNorm),
      'cos id': sig(t.idCosine),
      'cos A(s)': sig(t.semanticCosine),
      'cos e': sig(t.fusedCosine),
      '1−cos(id,A(s))': sig(t.alignLoss),
    };
  });
  const present = Object.keys(tableRows[0]!).filter((k) => tableRows.some((r) => r[k as keyof (typeof tableRows)[number]] !== undefined));
  printTable(io, tableRows, present);
  io.out('');
  io.out(`Gradient norms ‖∇(w·L)‖ per loss component and parameter group, on a fixed batch of ${epochs[0]!.diagnostics!.batchSize} training samples:`);
  const groups = ['all', 'encoder', 'idTable', 'adapter', 'fusion', 'diffusion'];
  const gradRows = epochs.flatMap((e) =>
    Object.entries(e.diagnostics!.gradients).map(([component, norms]) => ({ epoch: epochNumber(e.epoch), component, ...Object.fromEntries(groups.map((g) => [g, sig(norms?.[g])])) })),
  );
  printTable(io, gradRows, ['epoch', 'component', ...groups.filter((g) => gradRows.some((r) => (r as Record<string, unknown>)[g] !== undefined && (r as Record<string, unknown>)[g] !== '0') || g === 'all')]);
}
