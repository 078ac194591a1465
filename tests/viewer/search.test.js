// Browser test of the viewer's search on an MLP trained with Adam (mlp_adam.html): TF's
// gradient names (gradients/layer1/MatMul_grad/MatMul_1) are found, and finding one opens
// every scope around it.
'use strict';
const path = require('path');
const { pagesDir, screenshotPath, openPage, shownPaths, run, assert, assertEqual } = require('./browser');

(async () => {
  const { browser, page, errors, requests } = await openPage(path.join(pagesDir(), 'mlp_adam.html'));
  const search = page.locator('#sf-search');
  const resultNames = () => page.$$eval('#sf-results li[data-code]', (lis) => lis.map((li) => li.firstChild.textContent));
  const ok = await run([
    ['the page loads with no console error and fetches nothing', async () => {
      assertEqual(errors, [], 'console errors');
      assertEqual(requests, [], 'requests');
    }],
    ['only top-level boxes show at first', async () => {
      const shown = await shownPaths(page);
      assert(shown.includes('gradients') && shown.includes('layer1') && shown.includes('Adam'), 'top level: ' + shown);
      assert(!shown.some((p) => p.includes('/')), 'nothing below the top level: ' + shown);
    }],
    ['typing part of a name lists every op that has it', async () => {
      await search.fill('MatMul_grad/MatMul_1');
      await page.waitForSelector('#sf-results li[data-code]');
      assertEqual((await resultNames()).sort(), ['gradients/layer1/MatMul_grad/MatMul_1',
        'gradients/layer2/MatMul_grad/MatMul_1', 'gradients/layer3/MatMul_grad/MatMul_1'], 'results');
    }],
    ['Enter on a full name opens its scopes and selects it', async () => {
      await search.fill('gradients/layer1/MatMul_grad/MatMul_1');
      await search.press('Enter');
      const target = page.locator('#sf-viewport [data-kind="op"][data-path="gradients/layer1/MatMul_grad/MatMul_1"]');
      await target.waitFor();
      assert(await target.isVisible(), 'the op is visible');
      assert(await target.evaluate((e) => e.classList.contains('selected')), 'and selected');
      const open = await page.$$eval('#sf-viewport [data-kind="group"][data-open="1"]', (gs) => gs.map((g) => g.getAttribute('data-path')));
      assertEqual(open.sort(), ['gradients', 'gradients/layer1', 'gradients/layer1/MatMul_grad'], 'open groups');
      assertEqual(await page.locator('#sf-details-name').textContent(), 'gradients/layer1/MatMul_grad/MatMul_1', 'details');
      assertEqual(await page.locator('#sf-details-type').textContent(), 'MatMul', 'op type');
      // In the middle of the window.
      const box = await target.boundingBox(), svg = await page.locator('#sf-canvas').boundingBox();
      assert(Math.abs(box.x + box.width / 2 - (svg.x + svg.width / 2)) < 5, 'centred horizontally');
      await page.screenshot({ path: screenshotPath('search') });
    }],
    ['clicking a result for a scope shows the scope', async () => {
      await search.fill('gradients/layer2/BiasAdd_grad');
      await page.waitForSelector('#sf-results li[data-code]');
      await page.locator('#sf-results li[data-code]').first().click();
      const group = page.locator('#sf-viewport [data-kind="group"][data-path="gradients/layer2/BiasAdd_grad"]');
      assert(await group.isVisible(), 'the scope is on screen');
      assert((await shownPaths(page)).includes('gradients/layer2/MatMul_grad'), 'with its siblings');
    }],
    ['a name that matches nothing says so', async () => {
      await search.fill('no_such_op_anywhere');
      await page.waitForSelector('#sf-results li');
      assertEqual(await page.locator('#sf-results').textContent(), 'no op or scope matches', 'message');
    }],
    ['still no console error', async () => assertEqual(errors, [], 'console errors')],
  ]);
  await browser.close();
  process.exit(ok ? 0 : 1);
})().catch((e) => { console.error(e); process.exit(1); });
