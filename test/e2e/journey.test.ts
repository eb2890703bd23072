/**
 * The analyst's journey through the real web-mode server in Chromium. It grows as capabilities
 * land: datasets (demo + sr-txt import) now; template preview, embedding, training, intents,
 * recommendations and run comparison follow the API methods as they appear.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { baseUrl, fixtures, openBrowser, screenshot, skipReason } from './harness';

const reason = skipReason();

describe('analyst journey (web mode)', { skip: reason }, () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];

  before(async () => {
    ({ browser, page, errors } = await openBrowser());
  });
  after(async () => {
    await browser?.close();
  });

  it('opens on the Datasets page and hides the token from the address bar', async () => {
    await page.goto(baseUrl);
    await page.getByTestId('page-datasets').waitFor();
    assert.ok(!page.url().includes('token='), `token still in ${page.url()}`);
    // A reload keeps working: the token is kept for the tab.
    await page.reload();
    await page.getByTestId('dataset-table').waitFor();
    assert.equal(await page.getByTestId('error').count(), 0, 'no error after reload');
  });

  it('shows which machine and compute backend it drives (system.info)', async () => {
    // The e2e server runs here, so its host name is this machine's.
    await page.getByTestId('machine-host').waitFor({ timeout: 60_000 });
    assert.equal(await page.getByTestId('machine-host').innerText(), hostname());
    assert.match(await page.getByTestId('machine-backend').innerText(), /^(wasm|tensorflow|cpu)\b/);
    assert.match(await page.getByTestId('machine').innerText(), /^Web mode on /);
  });

  it('shows the demo dataset, or says in words why it could not be made', async () => {
    const demoRow = page.getByTestId('dataset-row-demo');
    if ((await demoRow.count()) === 0) {
      await page.getByTestId('create-demo').click();
      const outcome = await Promise.race([
        demoRow.waitFor({ timeout: 120_000 }).then(() => 'created'),
        page.getByTestId('error').waitFor({ timeout: 120_000 }).then(() => 'error'),
      ]);
      if (outcome === 'error') {
        const text = await page.getByTestId('error').innerText();
        assert.match(text, /demo/i, 'the error names the demo dataset');
        await screenshot(page, '01-datasets-demo-error');
        await page.getByTestId('error').getByRole('button', { name: 'Dismiss' }).click();
        return;
      }
    }
    await demoRow.click();
    await page.getByTestId('dataset-stats').waitFor();
    await screenshot(page, '01-datasets-demo');
  });

  it('imports an sr-txt file with item metadata through the wizard', async () => {
    await page.getByTestId('open-import').click();
    await page.getByTestId('format-sr-txt').click();
    await page.getByTestId('import-source').fill(join(fixtures, 'tiny.txt'));
    await page.getByTestId('import-items').fill(join(fixtures, 'tiny-items.tsv'));
    await page.getByTestId('import-name').fill('tiny');
    await page.getByTestId('import-kcore').fill('3');
    await screenshot(page, '02-datasets-import-wizard');
    await page.getByTestId('import-start').click();
    await page.getByTestId('dataset-row-tiny').waitFor({ timeout: 60_000 });
    // The wizard closes and the new dataset is selected with its Table-1 statistics and charts.
    const stats = await page.getByTestId('dataset-stats').innerText();
    assert.match(stats, /USERS\s+15/i);
    assert.match(stats, /ITEMS\s+10/i);
    await page.getByTestId('chart-popularity').locator('canvas').waitFor();
    await page.getByTestId('chart-lengths').locator('canvas').waitFor();
    await screenshot(page, '03-datasets-overview');
  });

  it('explains a broken file with its line number', async () => {
    await page.getByTestId('open-import').click();
    await page.getByTestId('import-source').fill(join(fixtures, 'broken.txt'));
    await page.getByTestId('import-name').fill('broken');
    await page.getByTestId('import-start').click();
    const error = page.getByTestId('import-error');
    await error.waitFor({ timeout: 60_000 });
    const text = await error.innerText();
    assert.match(text, /"four" is not a numeric id/);
    assert.match(text, /line 3/);
    await screenshot(page, '04-datasets-import-error');
    await page.getByTestId('import-wizard').getByRole('button', { name: 'Close' }).click();
    assert.equal(await page.getByTestId('dataset-row-broken').count(), 0, 'nothing half-imported');
  });

  it('browses and searches items with their metadata', async () => {
    await page.getByTestId('dataset-row-tiny').click();
    await page.getByTestId('tab-items').click();
    await page.getByTestId('item-search').fill('Argan');
    const rows = page.getByTestId('item-table').locator('tbody tr');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=item-table] tbody tr').length === 1);
    await rows.first().click();
    const detail = await page.locator('.detail').innerText();
    assert.match(detail, /Argan Hair Oil/);
    assert.match(detail, /category\s+hair/);
    await screenshot(page, '05-datasets-items');
  });

  it("reads a user's sequence as item titles", async () => {
    await page.getByTestId('tab-users').click();
    await page.getByTestId('user-table').locator('tbody tr').first().click();
    const sequence = page.getByTestId('user-sequence');
    await sequence.locator('li').first().waitFor();
    const text = await sequence.innerText();
    assert.match(text, /interactions/);
    assert.match(text, /Cream|Oil|Lipstick|Serum|Mask|Spray|Salts|Toner|Butter|Sunscreen/);
    await screenshot(page, '06-datasets-users');
  });

  it('previews a prompt template live on sample items and embeds with the builtin model', async () => {
    await page.getByTestId('dataset-select').selectOption('tiny');
    await page.getByTestId('nav-prompts').click();
    const preview = page.getByTestId('template-preview');
    await preview.locator('.sample').first().waitFor({ timeout: 30_000 });
    assert.match(await preview.innerText(), /name is (Rose Hand Cream|Argan Hair Oil|Matte Lipstick|Vitamin C Serum|Charcoal Face Mask)/);
    // Editing the text re-renders the preview.
    await page.getByTestId('template-text').fill('Product: <TITLE> in <CATEGORY>.');
    await page.waitForFunction(() => document.querySelector('[data-testid=template-preview]')?.textContent?.includes('Product:'));
    assert.match(await preview.innerText(), /Product: \S.* in (skin|hair|makeup|bath)\./);
    await screenshot(page, '07-prompts-preview');
    await page.getByTestId('template-name').fill('tiny-products');
    await page.getByTestId('template-save').click();
    await page.getByTestId('embed-start').click();
    await page.getByTestId('embed-result').waitFor({ timeout: 240_000 });
    assert.match(await page.getByTestId('embed-result').innerText(), /10 embedded|embedded, \d+ from the cache/);
    assert.match(await page.getByTestId('embedding-sets').innerText(), /tiny-products v1/);
    await screenshot(page, '08-prompts-embedded');
  });

  /** Picks the option of a run select whose label starts with the model name. */
  async function pickRun(testId: string, model: string): Promise<void> {
    const select = page.getByTestId(testId);
    await select.locator('option').first().waitFor({ state: 'attached' });
    const value = await select.evaluate((el, m) => [...(el as HTMLSelectElement).options].find((o) => o.text.startsWith(`${m} `))?.value, model);
    assert.ok(value, `a ${model} run is offered`);
    await select.selectOption(value);
  }

  /** Starts a short run with the quick-look settings and waits for it to finish; returns the steps seen while it ran. */
  async function trainShort(model: 'indirec' | 'sasrec'): Promise<number[]> {
    await page.getByTestId('train-model').selectOption(model);
    await page.getByTestId('quick-settings').click();
    assert.equal(await page.getByTestId('train-epochs').inputValue(), '2');
    await page.getByTestId('train-start').click();
    const status = page.getByTestId('training-status');
    await status.locator(`[data-testid=job-progress][data-state=running]`).waitFor({ timeout: 30_000 });
    // The loss curve gets new points while the run is still running.
    const steps = async () => Number(/· (\d+) steps/i.exec((await page.getByTestId('training-curves').locator('h3').first().innerText()) ?? '')?.[1] ?? 0);
    await page.waitForFunction(() => /· [1-9]\d* steps/.test(document.querySelector('[data-testid=training-curves] h3')?.textContent ?? ''), null, { timeout: 60_000 });
    const first = await steps();
    await page.waitForFunction(
      (n) => Number(/· (\d+) steps/.exec(document.querySelector('[data-testid=training-curves] h3')?.textContent ?? '')?.[1] ?? 0) > n,
      first,
      { timeout: 60_000 },
    );
    const second = await steps();
    assert.equal(await status.locator('[data-testid=job-progress]').getAttribute('data-state'), 'running', 'the second point arrived while running');
    // Wait for any end state (the UI re-reads job states from the server, so a missed 'done' event
    // cannot leave it 'running'), then say which one it was instead of timing out on a failure.
    const ended = await status
      .locator('[data-testid=job-progress]:is([data-state=succeeded], [data-state=failed], [data-state=cancelled])')
      .waitFor({ timeout: 240_000 })
      .then(() => status.locator('[data-testid=job-progress]').getAttribute('data-state'))
      .catch(async (error: Error) => {
        await screenshot(page, `failed-training-${model}`);
        throw new Error(`${error.message}\nTraining status: ${await status.innerText()}`);
      });
    if (ended !== 'succeeded') {
      await screenshot(page, `failed-training-${model}`);
      assert.fail(`The ${model} run ended ${ended}: ${await status.innerText()}`);
    }
    await page.waitForFunction(() => /\d\.\d{4}/.test(document.querySelector('[data-testid=train-test]')?.textContent ?? ''), null, { timeout: 20_000 });
    return [first, second];
  }

  it('trains a short InDiRec run on the demo with live curves', async () => {
    await page.getByTestId('dataset-select').selectOption('demo');
    await page.getByTestId('nav-training').click();
    await page.getByTestId('run-form').waitFor();
    await screenshot(page, '10-training-form');
    // LLMDiRec's semantic view: centred by default, the paper code's raw vectors one choice away, and
    // the summary line lists exactly what "Start training" sends.
    await page.getByTestId('train-model').selectOption('llmdirec');
    assert.equal(await page.getByTestId('setting-semanticInput').inputValue(), 'centered');
    await page.getByTestId('setting-semanticInput').selectOption('raw');
    assert.match(await page.getByTestId('changed-settings').innerText(), /semanticInput=raw/);
    await page.getByTestId('semantic-view-settings').scrollIntoViewIfNeeded();
    await screenshot(page, '10b-training-form-llmdirec');
    await page.getByTestId('train-model').selectOption('indirec');
    assert.doesNotMatch(await page.getByTestId('changed-settings').innerText(), /semanticInput/, 'InDiRec runs are not sent LLMDiRec settings');
    const [first, second] = await trainShort('indirec');
    assert.ok(second > first, `curve grew from ${first} to ${second} steps while running`);
    assert.match(await page.getByTestId('train-backend').innerText(), /wasm|cpu|tensorflow/);
    await page.getByTestId('curve-valid').locator('canvas').waitFor();
    await page.getByTestId('training-status').scrollIntoViewIfNeeded();
    await screenshot(page, '11-training-indirec');
  });

  it('shows the intents map, silhouette and prototypes of the run', async () => {
    await page.getByTestId('nav-intents').click();
    await pickRun('intents-run', 'indirec');
    await page.getByTestId('intents-compute').click();
    await page.getByTestId('silhouette').waitFor({ timeout: 120_000 });
    const silhouette = Number(await page.getByTestId('silhouette').innerText());
    assert.ok(silhouette > -1 && silhouette <= 1, `silhouette ${silhouette}`);
    assert.match(await page.getByTestId('intents-sampling').innerText(), /^\d+ of 1500$/);
    assert.ok((await page.getByTestId('prototype-cards').locator('.card').count()) >= 2);
    await page.getByTestId('intents-map').locator('canvas').waitFor();
    await page.getByTestId('intents-search').fill('cake');
    assert.match(await page.getByTestId('intents-matches').innerText(), /^[1-9]\d* users match/);
    await page.locator('[data-testid^=match-user-]').first().click();
    await page.getByTestId('neighbours').locator('tbody tr').first().waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('neighbours').locator('tbody tr').count(), 8);
    await screenshot(page, '12-intents');
    await page.getByTestId('prototype-cards').scrollIntoViewIfNeeded();
    await screenshot(page, '12-intents-prototypes');
  });

  it("shows a user's recommendations with group and beyond-accuracy metrics", async () => {
    await page.getByTestId('nav-recommendations').click();
    await pickRun('recs-run', 'indirec');
    await page.getByTestId('recs-user-view').waitFor({ timeout: 120_000 });
    assert.equal(await page.getByTestId('recs-list').locator('tbody tr').count(), 10);
    assert.match(await page.getByTestId('recs-truth').innerText(), /ranked \d+ of all items/);
    const groups = await page.getByTestId('group-metrics').innerText();
    for (const g of ['Overall', 'Tail items', 'Head items', 'Cold users', 'Hot users']) assert.ok(groups.includes(g), g);
    assert.match(await page.getByTestId('beyond-accuracy').innerText(), /Gini@10\s+0\.\d{3}/i);
    await screenshot(page, '13-recommendations');
  });

  it("exports every user's top-K as a job and offers the file as a download (web mode)", async () => {
    await page.getByTestId('recs-export-k').fill('10');
    await page.getByTestId('recs-export-start').click();
    await page.getByTestId('recs-export-done').waitFor({ timeout: 180_000 });
    assert.match(await page.getByTestId('recs-export-done').innerText(), /[\d,]+ rows for [\d,]+ users/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('recs-export-download').click()]);
    assert.match(download.suggestedFilename(), /^recommendations-.*-top10\.csv$/);
    const lines = readFileSync(await download.path(), 'utf8').trimEnd().split('\n');
    assert.equal(lines[0], 'user_id,rank,item_id,score,text,group');
    assert.match(lines[1]!, /^U\d+,1,D\d+,-?\d/);
    await page.getByTestId('recs-export').scrollIntoViewIfNeeded();
    await screenshot(page, '13b-recommendations-export');
  });

  it('trains a second short run (SASRec) and compares the two', async () => {
    await page.getByTestId('nav-training').click();
    await trainShort('sasrec');
    await screenshot(page, '14-training-sasrec');
    // Train the finished run one epoch further: a new job continues it from its last checkpoint.
    await page.getByTestId('train-further-epochs').fill('3');
    await page.getByTestId('train-further').click();
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid=train-epochs-done]')?.textContent?.trim() === '3 / 3' &&
        document.querySelector('[data-testid=training-status] [data-testid=job-progress]')?.getAttribute('data-state') === 'succeeded',
      null,
      { timeout: 180_000 },
    );
    await screenshot(page, '14-training-sasrec-further');
    await page.getByTestId('nav-recommendations').click();
    await page.getByTestId('recs-user-view').waitFor({ timeout: 120_000 });
    const picks = page.locator('[data-testid^=compare-pick-]');
    assert.equal(await picks.count(), 2);
    await picks.nth(0).check();
    await picks.nth(1).check();
    await page.getByTestId('compare-start').click();
    const table = page.getByTestId('compare-table');
    await table.waitFor({ timeout: 120_000 });
    assert.match(await table.innerText(), /overall HR@10/);
    assert.match(await table.innerText(), /[+-]\d+\.\d %/);
    await table.scrollIntoViewIfNeeded();
    await screenshot(page, '15-recommendations-compare');
  });

  it('lists the runs and builds the paper-style report', async () => {
    await page.getByTestId('nav-runs').click();
    const rows = page.getByTestId('runs-table').locator('tbody tr');
    await rows.nth(1).waitFor();
    assert.equal(await rows.count(), 2);
    for (const box of await page.locator('[data-testid^=run-pick-]').all()) await box.check();
    await screenshot(page, '16-runs-table');
    await page.getByTestId('report-build').click();
    await page.getByTestId('report-table').first().waitFor({ timeout: 120_000 });
    const text = await page.getByTestId('report').innerText();
    assert.match(text, /Table 2/i);
    assert.match(text, /demo\s+InDiRec\s+1\s+0\.\d{4}/);
    assert.match(text, /demo\s+SASRec\s+1\s+0\.\d{4}/);
    await page.getByTestId('report').scrollIntoViewIfNeeded();
    await screenshot(page, '17-runs-report');
  });

  it('exports the runs to a folder; importing one into the store that has it is refused with the reason', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'llmdirec-e2e-runs-'));
    try {
      await page.getByTestId('export-folder').fill(folder);
      await page.getByTestId('export-runs').click();
      await page.getByTestId('exported').locator('li').nth(1).waitFor({ timeout: 60_000 });
      const files = readdirSync(folder).filter((f) => f.endsWith('.llmdirec-run.safetensors'));
      assert.equal(files.length, 2, `two run files in ${folder}: ${files.join(', ')}`);
      await page.getByTestId('import-run-file').fill(join(folder, files[0]!));
      await page.getByTestId('import-run').click();
      // The reason shows in the panel, next to the button pressed.
      const error = page.getByTestId('move-runs').getByTestId('error');
      await error.waitFor();
      assert.match(await error.innerText(), /already in this store/);
      await page.getByTestId('move-runs').scrollIntoViewIfNeeded();
      await screenshot(page, '18-runs-export');
      await error.getByRole('button', { name: 'Dismiss' }).click();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('follows a run that the CLI trains in another process, epoch by epoch, to its test metrics', async () => {
    assert.ok(process.env.E2E_DB, 'scripts/e2e.mjs gives the server database in E2E_DB');
    const cli = spawn(
      process.execPath,
      [join(import.meta.dirname, '../../bin/llmdirec.mjs'), '--db', process.env.E2E_DB, 'train', '--dataset', 'demo', '--model', 'sasrec', '--epochs', '8', '--set', 'hiddenSize=16', '--set', 'layers=1', '--set', 'validateEvery=1', '--json'],
      { stdio: 'ignore' },
    );
    try {
      await page.getByTestId('nav-training').click();
      const follow = page.locator('[data-testid^=follow-]');
      await follow.first().waitFor({ timeout: 90_000 });
      await follow.first().click();
      await page.getByTestId('followed-run').waitFor();
      // The page re-reads the run while it trains: it ends with the test metrics of the best epoch.
      await page.waitForFunction(() => document.querySelector('[data-testid=followed-status]')?.textContent === 'succeeded', undefined, { timeout: 180_000 });
      assert.equal(await page.getByTestId('followed-epochs').innerText(), '8 / 8');
      assert.match(await page.getByTestId('followed-run').innerText(), /Test HR@10 \/ NDCG@10\s+0\.\d{4} \/ 0\.\d{4}/i);
      assert.match(await page.getByTestId('followed-curves').getByTestId('curve-valid').innerText(), /8 evaluations/i);
      await page.getByTestId('followed-curves').scrollIntoViewIfNeeded();
      await screenshot(page, '19-training-followed');
    } finally {
      cli.kill();
    }
  });

  it('raised no script errors', () => {
    assert.deepEqual(errors, []);
  });
});

if (reason) console.log(`# journey skipped: ${reason}`);
