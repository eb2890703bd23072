/**
 * A plan survives kill -9: `llmdirec plan run` in a child process is killed (SIGKILL: no cleanup)
 * while its second run trains; run again, it resumes that run from its last checkpoint (the same
 * run, not a new one), trains the rest, and every entry ends with exactly one finished run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../../../src-main/api/jobs';
import { getRun, listRuns, runEpochs } from '../../../src-main/engine/run-store';
import { createPlan } from '../../../src-main/plans/create';
import { runPlan } from '../../../src-main/plans/runner';
import { planStatus } from '../../../src-main/plans/status';
import { ringStore, tiny } from '../engine/ring-store';

const root = join(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'llmdirec-plan-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `llmdirec --db <file> plan run <id>` as a user would start it; stderr collected (the job's log lines). */
function planRunProcess(dbFile: string, planId: number): { child: ChildProcess; log: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [join(root, 'bin/llmdirec.mjs'), '--db', dbFile, 'plan', 'run', String(planId)], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d) => (log += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, log: () => log, exit };
}

describe('experiment plans', () => {
  it('a plan killed with SIGKILL mid-run continues where it was: the interrupted run is resumed, every entry finishes once', async () => {
    const { db, file } = await ringStore(dir, 'plan');
    // One worker per run keeps the child's thread start-up short; the plan is three runs of four epochs.
    const { planId, entries } = createPlan(db, {
      name: 'kill test',
      dataset: 'ring',
      epochs: 4,
      settings: { ...tiny, workers: 1 },
      runs: [{ model: 'indirec', seeds: [1, 2] }, { model: 'sasrec' }],
    });
    expect(entries).toBe(3);
    const ctx = { db, dbFile: file, jobs: new JobRunner() };
    const entry = (position: number) => planStatus(ctx, planId).entries[position]!;

    const first = planRunProcess(file, planId);
    let refusedWhileRunning: unknown;
    const killedAt = await new Promise<number>((resolve, reject) => {
      const timer = setInterval(() => {
        const second = entry(1);
        const run = second.run;
        if (run && run.epochsDone >= 1 && run.epochsDone < 4) {
          clearInterval(timer);
          // While the child runs the plan, this process will not run it a second time.
          try {
            runPlan(ctx, planId);
          } catch (error) {
            refusedWhileRunning = error;
          }
          first.child.kill('SIGKILL');
          resolve(run.epochsDone);
        }
      }, 25);
      void first.exit.then(() => (clearInterval(timer), reject(new Error(`plan run ended before it could be killed:\n${first.log()}`))));
    });
    await first.exit.catch(() => undefined);
    expect(first.child.signalCode).toBe('SIGKILL');
    expect(String(refusedWhileRunning)).toMatch(/Plan \d+ is being run by another process \(pid \d+\)/);

    // Killed: the first entry finished, the second is interrupted (its record still says running), the third never started.
    const before = planStatus(ctx, planId).entries;
    expect(before.map((e) => e.state)).toEqual(['succeeded', 'interrupted', 'pending']);
    const interruptedRun = before[1]!.run!;
    expect(interruptedRun.status).toBe('running');
    const finishedRun = before[0]!.run!;

    const again = planRunProcess(file, planId);
    expect(await again.exit).toBe(0);
    const log = again.log();
    // The same run continued from its checkpoint: the engine's resume line, after the epochs it had.
    expect(log).toContain(`resuming run ${interruptedRun.id} after ${killedAt} of 4 epochs`);
    expect(log).toMatch(new RegExp(`Resuming ${interruptedRun.id} at epoch ${killedAt} from .*last\\.safetensors`));

    const after = planStatus(ctx, planId).entries;
    expect(after.map((e) => e.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(after[1]!.entry.runId).toBe(interruptedRun.id);
    expect(after.map((e) => e.entry.resumes)).toEqual([0, 1, 0]);
    expect(after[0]!.run!.finishedAt).toBe(finishedRun.finishedAt); // the finished entry was not trained again
    // Exactly one run per entry, each trained to its four epochs once.
    expect(listRuns(db).map((r) => r.id).sort()).toEqual(after.map((e) => e.entry.runId).sort());
    for (const e of after) expect(runEpochs(db, e.entry.runId!).map((x) => x.epoch)).toEqual([0, 1, 2, 3]);
    expect(after.map((e) => [e.entry.model, e.entry.seed, getRun(db, e.entry.runId!)!.settings.seed])).toEqual([['indirec', 1, 1], ['indirec', 2, 2], ['sasrec', 2022, 2022]]);
    // Every finished entry has its Table-3 groups for the report.
    expect(after.every((e) => e.entry.groups && Number.isFinite(e.entry.groups.metrics.tail_item['HR@10']))).toBe(true);

    // Run once more: nothing is left, nothing new is trained.
    const done = (await ctx.jobs.wait(runPlan(ctx, planId).jobId)) as { trained: number[]; counts: Record<string, number> };
    expect(done).toMatchObject({ trained: [], counts: { succeeded: 3 } });
    expect(listRuns(db)).toHaveLength(3);
    db.close();
  }, 300_000);
});
