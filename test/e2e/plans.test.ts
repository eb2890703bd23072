/**
 * The Experiments page in Chromium against the real web-mode server (demo dataset): a plan from the
 * paper's Table 2 (what it trains, what has no counterpart), a refused plan file with the bad field
 * named, entries told apart by their own settings, and a two-seed plan pasted as JSON trained from the page to its report (mean ± std), a run
 * opened from its row, and the report exported as CSV. Runs after the journey (file order), which
 * it leaves as it found: it adds plans and runs the journey does not count.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { baseUrl, openBrowser, screenshot, skipReason } from './harness';

const reason = skipReason();

describe('experiment plans (web mode)', { skip: reason }, () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];

  before(async () => {
    ({ browser, page, errors } = await openBrowser());
    await page.goto(baseUrl);
    await page.getByTestId('page-datasets').waitFor();
  });
  after(async () => {
    await browser?.close();
  });

  it("creates a plan from the paper's Table 2 on the demo", async () => {
    await page.getByTestId('dataset-select').selectOption('demo');
    await page.getByTestId('nav-experiments').click();
    await page.getByTestId('page-experiments').waitFor();
    await page.getByTestId('plan-paper-table').locator('option').first().waitFor({ state: 'attached' });
    await page.getByTestId('plan-paper-table').selectOption('table2');
    assert.match(await page.getByTestId('plan-table-runs').innerText(), /SASRec, InDiRec, LLMDiRec\. No counterpart here: DuoRec, CaDiRec\./);
    await page.getByTestId('plan-quick').click();
    await page.getByTestId('plan-seeds').fill('2022,2023');
    await page.getByTestId('plan-create-paper').click();
    const detail = page.getByTestId('plan-detail');
    await detail.getByText('table2 demo').waitFor();
    assert.equal(await page.getByTestId('plan-entries').locator('tbody tr').count(), 6);
    assert.match(await page.getByTestId('plan-counts').innerText(), /6 pending/);
    // The report's rows exist before any run; the demo is no paper dataset, so no paper numbers.
    assert.match(await page.getByTestId('plan-report').innerText(), /Every run: epochs=1 hiddenSize=16 layers=1 validateEvery=1/);
    await screenshot(page, '30-experiments-table2');
  });

  it('refuses a plan file with a bad field, naming it', async () => {
    await page.getByTestId('plan-create').locator('summary').click();
    await page.getByTestId('plan-json').fill('{"name": "bad", "dataset": "demo", "runs": [{"model": "duorec"}]}');
    await page.getByTestId('plan-create-json').click();
    const error = page.getByTestId('plan-create').getByTestId('error');
    await error.waitFor();
    assert.match(await error.innerText(), /plan\.runs\.0\.model/);
    await error.getByRole('button', { name: 'Dismiss' }).click();
  });

  it('names what sets an entry apart from the others in its row', async () => {
    const plan = { name: 'e2e apart', dataset: 'demo', epochs: 1, settings: { hiddenSize: 16, layers: 1 }, runs: [{ model: 'sasrec' }, { model: 'sasrec', settings: { hiddenDropout: 0.2 } }] };
    await page.getByTestId('plan-json').fill(JSON.stringify(plan));
    await page.getByTestId('plan-create-json').click();
    await page.getByTestId('plan-detail').getByText('e2e apart').waitFor();
    assert.equal(await page.getByTestId('plan-entries').locator('tbody tr').count(), 2);
    assert.deepEqual(await page.getByTestId('plan-entry-settings').allInnerTexts(), ['hiddenDropout=0.2']);
    assert.match(await page.getByTestId('plan-entry-2').innerText(), /SASRec\s+hiddenDropout=0\.2/);
    await screenshot(page, '30b-experiments-entry-settings');
  });

  it('trains a pasted two-seed plan to its report, opens a run and exports the report', async () => {
    const plan = { name: 'e2e two seeds', dataset: 'demo', epochs: 1, seeds: [1, 2], settings: { hiddenSize: 16, layers: 1, validateEvery: 1, workers: 1 }, runs: [{ model: 'sasrec' }] };
    await page.getByTestId('plan-json').fill(JSON.stringify(plan, null, 2));
    await page.getByTestId('plan-create-json').click();
    await page.getByTestId('plan-detail').getByText('e2e two seeds').waitFor();
    await page.getByTestId('plan-run').click();
    await page.getByTestId('plan-detail').locator('[data-testid=job-progress][data-state=running]').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => /2 succeeded/.test(document.querySelector('[data-testid=plan-counts]')?.textContent ?? ''), null, { timeout: 300_000 }).catch(async (error: Error) => {
      await screenshot(page, 'failed-experiments-run');
      throw new Error(`${error.message}\n${await page.getByTestId('plan-detail').innerText()}`);
    });
    const states = await page.getByTestId('plan-entry-state').allInnerTexts();
    assert.deepEqual(states, ['succeeded', 'succeeded']);
    // Two seeds: ours is a mean ± std.
    const report = await page.getByTestId('plan-report-table').first().innerText();
    assert.match(report, /demo\s+SASRec\s+—\s+2\/2\s+0\.\d{4} ± 0\.\d{4}/);
    await page.getByTestId('plan-report-chart').locator('canvas').waitFor();
    await page.getByTestId('plan-run-link-1').click();
    await page.getByTestId('plan-open-run').waitFor();
    assert.match(await page.getByTestId('plan-open-run').innerText(), /sasrec on demo · succeeded · 1\/1 epochs/);
    await page.getByTestId('plan-report').scrollIntoViewIfNeeded();
    await screenshot(page, '31-experiments-report');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('plan-export-csv').click()]);
    assert.match(download.suggestedFilename(), /^plan-\d+-report\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8').split('\n');
    assert.match(csv[0]!, /^dataset,model,variant,epochs,settings,planned,finished,seeds,runs,HR@10 mean,HR@10 std,HR@10 paper/);
    assert.match(csv[1]!, /^demo,SASRec,,1,.*,2,2,1 2,/);
  });

  it('raised no script errors', () => {
    assert.deepEqual(errors, []);
  });
});

if (reason) console.log(`# plans e2e skipped: ${reason}`);
