// Browser test of the viewer on a small scoped graph (small.html from viewer_test_pages):
// loads cleanly, shows only the top level, opens and closes scopes and series, draws control
// edges apart, and shows an op's details and the variables.
'use strict';
const path = require('path');
const { pagesDir, screenshotPath, openPage, shownPaths, clickBox, run, assert, assertEqual } = require('./browser');

(async () => {
  const { browser, page, errors, requests } = await openPage(path.join(pagesDir(), 'small.html'));
  const text = (sel) => page.locator(sel).first().textContent();
  const ok = await run([
    ['the page loads with no console error and fetches nothing', async () => {
      assertEqual(errors, [], 'console errors');
      assertEqual(requests, [], 'requests');
    }],
    ['only the top-level groups and ops show at first', async () => {
      assertEqual(await shownPaths(page), ['AddN', 'init', 'layer1', 'layer2', 'note', 'output',
        'random_normal', 'sum', 'tower[0-2]', 'x'], 'boxes on screen');
      await page.screenshot({ path: screenshotPath('small') });
    }],
    ['closed groups give their op counts', async () => {
      assert((await text('[data-path="sum"]')).includes('6 ops'), 'sum: 6 ops');
      assert((await text('[data-path="tower[0-2]"]')).includes('3 scopes, 3 ops'), 'tower[0-2]: 3 scopes, 3 ops');
      assert((await text('[data-path="layer1"]')).includes('2 variables'), 'layer1: 2 variables');
    }],
    ['opening a scope shows its children, closing hides them', async () => {
      await clickBox(page, 'layer1');
      const shown = await shownPaths(page);
      for (const p of ['layer1/MatMul', 'layer1/BiasAdd', 'layer1/Relu', 'layer1/w', 'layer1/b']) {
        assert(shown.includes(p), p + ' is on screen after opening layer1: ' + shown);
      }
      assert(!shown.some((p) => p.startsWith('layer1/w/')), 'layer1/w stays closed');
      await clickBox(page, 'layer1');
      assert(!(await shownPaths(page)).some((p) => p.startsWith('layer1/')), 'layer1 closed again');
    }],
    ['numbered ops fold into a series that opens to its members', async () => {
      await clickBox(page, 'sum');
      assert((await shownPaths(page)).includes('sum/Add[0-5]'), 'sum/Add[0-5] after opening sum');
      await clickBox(page, 'sum/Add[0-5]');
      const adds = (await shownPaths(page)).filter((p) => p.startsWith('sum/Add'));
      assertEqual(adds, ['sum/Add', 'sum/Add[0-5]', 'sum/Add_1', 'sum/Add_2', 'sum/Add_3', 'sum/Add_4', 'sum/Add_5'], 'series members');
    }],
    ['sibling scopes tower_0..2 fold into one series', async () => {
      await clickBox(page, 'tower[0-2]');
      const shown = await shownPaths(page);
      for (const p of ['tower_0', 'tower_1', 'tower_2']) assert(shown.includes(p), p + ' after opening tower[0-2]');
    }],
    ['an op named like its scope is drawn inside it', async () => {
      await clickBox(page, 'random_normal');
      const op = page.locator('#sf-viewport [data-kind="op"][data-path="random_normal"]');
      assertEqual(await op.count(), 1, 'the op random_normal on screen');
      assertEqual(await op.locator('text').textContent(), '(random_normal)', 'its label');
    }],
    ['control edges are drawn dashed, apart from data edges', async () => {
      const control = await page.locator('#sf-viewport path.edge.control').count();
      const data = await page.locator('#sf-viewport path.edge:not(.control)').count();
      assert(control >= 1 && data >= 1, 'control ' + control + ', data ' + data);
      const dash = await page.locator('#sf-viewport path.edge.control').first().evaluate((e) => getComputedStyle(e).strokeDasharray);
      assert(dash && dash !== 'none', 'control edges have a dash pattern: ' + dash);
    }],
    ['the details panel shows an op: type, inputs, outputs with dtype and shape, attrs', async () => {
      await clickBox(page, 'output');
      assertEqual(await text('#sf-details-name'), 'output', 'name');
      assertEqual(await text('#sf-details-type'), 'Add', 'op type');
      const details = await text('#sf-details');
      assert(details.includes('AddN:0') && details.includes('random_normal:0'), 'inputs: ' + details);
      assert(details.includes('output:0 float32 (?, 2)'), 'outputs: ' + details);
      assert(/T\s*float32/.test(await text('#sf-details-attrs')), 'attr T');
      await clickBox(page, 'x');
      assert((await text('#sf-details')).includes('x:0 float32 (?, 4)'), 'x:0 float32 (?, 4)');
    }],
    ['text from the graph stays text', async () => {
      await clickBox(page, 'note');
      assert((await text('#sf-details-attrs')).includes("</script><script>document.title='pwned'</script>"), 'the attr, verbatim');
      assertEqual(await page.title(), 'small scoped graph', 'title');
    }],
    ['variables are listed, and one click shows a variable and its readers', async () => {
      await page.locator('#sf-variables-box summary').click();
      const vars = await page.$$eval('#sf-variables a', (as) => as.map((a) => a.textContent));
      assertEqual(vars, ['layer1/w', 'layer1/b', 'layer2/w', 'layer2/b'], 'variables');
      await page.locator('#sf-variables a', { hasText: 'layer2/w' }).click();
      assert((await shownPaths(page)).includes('layer2/w'), 'layer2/w on screen');
      assertEqual(await page.locator('#sf-viewport .selected').getAttribute('data-path'), 'layer2/w', 'selected');
      const details = await text('#sf-details');
      assert(details.includes('layer2/w/read') && details.includes('layer2/w/Assign'), 'readers: ' + details);
      await page.screenshot({ path: screenshotPath('expanded') });
    }],
    ['still no console error', async () => assertEqual(errors, [], 'console errors')],
  ]);
  await browser.close();
  process.exit(ok ? 0 : 1);
})().catch((e) => { console.error(e); process.exit(1); });
