/**
 * Runs one import in its own process so a test can SIGKILL it midway (import-kill.test.ts).
 * Usage: node --import tsx import-child.ts <db> <source>. Prints "write <fraction>" lines.
 */
import { openDb } from '../../../src-main/store/db';
import { importDataset } from '../../../src-main/store/import/index';

const [dbFile, source] = process.argv.slice(2);
const db = openDb(dbFile!);
await importDataset(
  db,
  { format: 'sr-txt', name: 'big', source: source!, options: { kcore: 0, consecutiveDuplicates: 'keep' }, replace: true },
  { onProgress: (phase, fraction) => phase === 'write' && process.stdout.write(`write ${fraction.toFixed(3)}\n`) },
);
process.stdout.write('done\n');
