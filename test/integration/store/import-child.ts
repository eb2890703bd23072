/**
 * Runs one import in its own process so a test can SIGKILL it midway (import-kill.test.ts).
 * Usage: node --import tsx import-child.ts <db> <source>. Prints "write <fraction>" lines.
 */
import { openDb } from '../../../src-main/database';
import { importDataset } from '../../../src-main/store/import/index';

const [dbFile, source] = process.argv.slice(2);
const db = openDb(dbFile!);
await importDataset(
  db,
  { format: 'sr-txt', name: 'big', source: source!, options: { kcore: 0, consecutiveDuplicates: 'keep' }, replace: true },
  {
    onProgress: (phase, fraction) => {
      if (phase !== 'write') return;
      process.stdout.write(`write ${fraction.toFixed(3)}\n`);
      // Hold the open transaction once some rows are in (up to 30 s), so the parent's SIGKILL
      // lands mid-write however slowly its pipe delivers this line on a loaded machine.
      if (fraction > 0 && fraction < 0.5) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30_000);
    },
  },
);
process.stdout.write('done\n');
