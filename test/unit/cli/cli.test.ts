import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli as run } from '../../fixtures/cli';


describe('llmdirec CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmdirec-cli-'));
  const db = join(dir, 'cli.sqlite');
  const data = join(dir, 'tiny.txt');
  // Every user and item has at least 2 interactions, so a 2-core keeps everything.
  writeFileSync(data, '1 1 2 3\r\n2 2 3 1 4\r\n3 4 1 2 3 4\r\n');

  it('imports and reports the contract shapes with --json', async () => {
    const imported = await run('--db', db, 'dataset', 'import', '--format', 'sr-txt', '--name', 'tiny', '--kcore', '2', data, '--json');
    expect(imported.err).toBe('');
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.out)).toMatchObject({ name: 'tiny', users: 3, items: 4, actions: 12 });

    const list = await run('--db', db, 'dataset', 'list', '--json');
    const parsed = JSON.parse(list.out) as Record<string, unknown>[];
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({ name: 'tiny', users: 3, items: 4, actions: 12 });

    const stats = await run('--db', db, 'dataset', 'stats', 'tiny', '--json');
    expect(JSON.parse(stats.out)).toEqual({
      name: 'tiny',
      users: 3,
      items: 4,
      actions: 12,
      avgLength: 4,
      sparsity: 0,
      minLength: 3,
      maxLength: 5,
    });
  });

  it('asks for --replace instead of merging into an existing dataset', async () => {
    const again = await run('--db', db, 'dataset', 'import', '--format', 'sr-txt', '--name', 'tiny', '--kcore', '2', data);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists\. Use --replace/);
    const replaced = await run('--db', db, 'dataset', 'import', '--format', 'sr-txt', '--name', 'tiny', '--kcore', '0', data, '--replace', '--json');
    expect(replaced.code).toBe(0);
  });

  it('gives usage errors exit code 2 and names the problem', async () => {
    const unknownFlag = await run('--db', db, 'dataset', 'list', '--frobnicate');
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.err).toMatch(/frobnicate/);
    const badNumber = await run('--db', db, 'dataset', 'import', '--format', 'sr-txt', '--name', 'x', '--kcore', 'five', data);
    expect(badNumber.code).toBe(2);
    expect(badNumber.err).toMatch(/--kcore must be a number/);
    const unknownCommand = await run('--db', db, 'frobnicate');
    expect(unknownCommand.code).toBe(2);
  });

  it('maps CSV columns of any names with --columns', async () => {
    const csv = join(dir, 'named.csv');
    writeFileSync(csv, 'customer,sku,when\na,1,10\na,2,11\nb,1,12\n');
    const refused = await run('--db', db, 'dataset', 'import', '--format', 'csv', '--name', 'named', '--kcore', '0', csv);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/named\.csv, line 1: The header names none of the expected columns/);
    const mapped = await run('--db', db, 'dataset', 'import', '--format', 'csv', '--name', 'named', '--kcore', '0', csv, '--columns', 'user=customer,item=sku,timestamp=when', '--json');
    expect(mapped.err).toBe('');
    expect(JSON.parse(mapped.out)).toMatchObject({ name: 'named', users: 2, items: 2, actions: 3 });
    const badMapping = await run('--db', db, 'dataset', 'import', '--format', 'csv', '--name', 'x', csv, '--columns', 'customer');
    expect(badMapping.code).toBe(2);
    expect(badMapping.err).toMatch(/--columns expects user=<col>,item=<col>\[,timestamp=<col>\]\[,rating=<col>\] \(got "customer"\)/);
    const notCsv = await run('--db', db, 'dataset', 'import', '--format', 'sr-txt', '--name', 'x', data, '--columns', 'user=a,item=b');
    expect(notCsv.code).toBe(2);
    expect(notCsv.err).toMatch(/--columns applies only to --format csv/);
  });

  it('gives bad --set values exit code 2 and says what is wrong in words', async () => {
    const train = (...set: string[]) => run('--db', db, 'train', '--dataset', 'tiny', '--model', 'sasrec', '--epochs', '1', ...set.flatMap((s) => ['--set', s]));
    const unknown = await train('unknownKey=1');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/Unknown setting "unknownKey"/);
    const noEquals = await train('noequals');
    expect(noEquals.code).toBe(2);
    expect(noEquals.err).toMatch(/Setting "noequals" is not key=value/);
    const notANumber = await train('layers=two');
    expect(notANumber.code).toBe(2);
    expect(notANumber.err).toMatch(/layers must be a number \(got "two"\)/);
    const tooSmall = await train('layers=0');
    expect(tooSmall.code).toBe(2);
    expect(tooSmall.err).toBe('error: Invalid training settings: layers: must be ≥ 1 (got 0)\n');
    const hidden = await train('hiddenSize=0');
    expect(hidden.code).toBe(2);
    expect(hidden.err).toMatch(/hiddenSize: must be ≥ 2 \(got 0\)/);
    expect(hidden.err).not.toMatch(/[{}[\]]/);
  });

  it('names a checkpoint that cannot be read and what is wrong with it', async () => {
    const folder = join(dir, 'folder.safetensors');
    mkdirSync(folder);
    const asFolder = await run('--db', db, 'eval', '--dataset', data, '--checkpoint', folder);
    expect(asFolder.code).toBe(1);
    expect(asFolder.err).toMatch(`error: checkpoint ${folder} is a folder, not a checkpoint file`);
    const notes = join(dir, 'notes.safetensors');
    writeFileSync(notes, Buffer.concat([Buffer.from([12, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{"w": {"dtyp')]));
    const badHeader = await run('--db', db, 'eval', '--dataset', data, '--checkpoint', notes);
    expect(badHeader.err).toMatch(`error: checkpoint ${notes} is not a safetensors file: its header is not valid JSON`);
  }, 60_000);

  it('numbers epochs from 1 wherever a user reads them: the epoch lines, the best epoch, runs show', async () => {
    const settings = ['hiddenSize=8', 'heads=1', 'layers=1', 'maxSeqLength=5', 'batchSize=2', 'validateEvery=1'].flatMap((s) => ['--set', s]);
    const trained = await run('--db', db, 'train', '--dataset', 'tiny', '--model', 'sasrec', '--epochs', '1', ...settings);
    expect(trained.code).toBe(0);
    expect(trained.err).toMatch(/Epoch 1\/1:/);
    // One epoch: the best one is the epoch printed as "Epoch 1/1".
    expect(trained.out).toMatch(/1 epochs, best epoch 1;/);
    const runId = /Run (\S+) \(/.exec(trained.out)![1]!;
    const shown = await run('--db', db, 'runs', 'show', runId);
    expect(shown.out).toMatch(/best epoch 1\b/);
    const lines = shown.out.split('\n');
    const row = lines[lines.findIndex((l) => l.startsWith('epoch ')) + 1]!;
    expect(row.split(/\s+/)[0]).toBe('1');
  }, 120_000);

  it('names the file and line of malformed input', async () => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, '1 1 2 3\n2 2 x 1\n');
    const result = await run('--db', db, 'dataset', 'import', '--format', 'sr-txt', '--name', 'bad', bad);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/bad\.txt, line 2: "x" is not a numeric id/);
  });
});
