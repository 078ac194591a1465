// Browser test of the viewer on a graph TensorFlow wrote (../shared/golden/
// packt_mlp9_adam_saver/my-model.meta, turned into golden.html by viewer_test_pages through
// io::load_graph_file). Skipped, with a message, while that loader is not in the library.
'use strict';
const fs = require('fs');
const path = require('path');
const { SKIP, pagesDir, screenshotPath, openPage, shownPaths, clickBox, run, assert, assertEqual } = require('./browser');

(async () => {
  const file = path.join(pagesDir(), 'golden.html');
  if (!fs.existsSync(file)) {
    console.log('SKIP: golden.html was not written: viewer_test_pages was built without ' +
                'scopeflow/io/graph_file.h (io::load_graph_file), or ../shared/golden is missing');
    process.exit(SKIP);
  }
  const { browser, page, errors, requests } = await openPage(file);
  const ok = await run([
    ['the golden graph renders with no console error and fetches nothing', async () => {
      assertEqual(errors, [], 'console errors');
      assertEqual(requests, [], 'requests');
      assert((await page.locator('#sf-viewport [data-kind]').count()) > 0, 'boxes on screen');
    }],
    ['only its top level shows, and a scope opens', async () => {
      const shown = await shownPaths(page);
      assert(!shown.some((p) => p.includes('/')), 'nothing below the top level: ' + shown);
      const groups = await page.$$eval('#sf-viewport [data-kind="group"]', (gs) => gs.map((g) => g.getAttribute('data-path')));
      assert(groups.length > 0, 'some scopes');
      const scope = groups.includes('gradients') ? 'gradients' : groups[0];
      await clickBox(page, scope);
      assert((await shownPaths(page)).some((p) => p.startsWith(scope + '/')), scope + ' shows its children');
      await page.screenshot({ path: screenshotPath('golden') });
    }],
    ['still no console error', async () => assertEqual(errors, [], 'console errors')],
  ]);
  await browser.close();
  process.exit(ok ? 0 : 1);
})().catch((e) => { console.error(e); process.exit(1); });
