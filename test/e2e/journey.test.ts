/**
 * The analyst's journey through the real web-mode server in Chromium. It grows as capabilities
 * land: datasets (demo + sr-txt import) now; template preview, embedding, training, intents,
 * recommendations and run comparison follow the API methods as they appear.
 */
import assert from 'node:assert/strict';
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

  it('shows every other page', async () => {
    for (const id of ['training', 'intents', 'recommendations', 'runs']) {
      await page.getByTestId(`nav-${id}`).click();
      await page.getByTestId(`page-${id}`).waitFor();
      await screenshot(page, `10-${id}`);
    }
  });

  it('raised no script errors', () => {
    assert.deepEqual(errors, []);
  });
});

if (reason) console.log(`# journey skipped: ${reason}`);
