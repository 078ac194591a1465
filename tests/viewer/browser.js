// What the viewer's browser tests share: Debian's chromium driven by playwright-core (from
// viewer/node_modules, installed by scripts/install-deps.sh), a page opened with its console
// errors and network requests recorded, and a small runner that prints TAP-like lines and
// "N passed, N failed".
'use strict';
const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');

const ROOT = path.resolve(__dirname, '..', '..');
const SKIP = 77;  // ctest's SKIP_RETURN_CODE for these tests

function playwright() {
  const where = path.join(ROOT, 'viewer', 'node_modules', 'playwright-core');
  if (!fs.existsSync(where)) {
    console.error('playwright-core is missing from viewer/node_modules: run scripts/install-deps.sh');
    process.exit(1);
  }
  return require(where);
}

// The folder of pages written by viewer_test_pages (the tests' first argument).
function pagesDir() {
  const dir = process.argv[2];
  if (!dir || !fs.existsSync(dir)) {
    console.error('usage: node ' + path.basename(process.argv[1]) + ' PAGES_DIR (written by viewer_test_pages)');
    process.exit(1);
  }
  return path.resolve(dir);
}

// Where screenshots go: $SF_VIEWER_SCREENSHOTS (e.g. docs/) or the pages folder.
function screenshotPath(name) {
  const dir = process.env.SF_VIEWER_SCREENSHOTS || pagesDir();
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, 'viewer-' + name + '.png');
}

// Opens `file` in a fresh headless chromium; resolves once the viewer says it is ready.
async function openPage(file, { width = 1400, height = 900 } = {}) {
  const browser = await playwright().chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  const page = await browser.newPage({ viewport: { width, height } });
  const pageUrl = pathToFileURL(path.resolve(file)).href;
  const errors = [], requests = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
  page.on('pageerror', (e) => errors.push('page error: ' + e.message));
  page.on('request', (r) => {
    const url = r.url();
    if (url !== pageUrl && !url.startsWith('data:')) requests.push(url);
  });
  const start = Date.now();
  await page.goto(pageUrl);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 60000 });
  const loadMs = Date.now() - start;
  return { browser, page, errors, requests, loadMs };
}

// Paths of the boxes on screen, sorted.
async function shownPaths(page) {
  return (await page.$$eval('#sf-viewport [data-path]', (els) => els.map((e) => e.getAttribute('data-path')))).sort();
}

// Clicks the box of `p` as a user would (a group opens or closes, an op is selected), after
// moving the view so that the box is in sight.
async function clickBox(page, p) {
  const shown = await page.evaluate((q) => window.sfViewer.center(q), p);
  if (!shown) throw new Error('no box "' + p + '" on screen');
  const box = page.locator('#sf-viewport [data-path="' + p + '"]').first();
  // A group is clicked near its top-left corner: on an open group that is its title bar, not
  // one of the boxes inside.
  const isGroup = (await box.getAttribute('data-kind')) === 'group';
  await box.locator(':scope > rect').last().click(isGroup ? { position: { x: 14, y: 10 } } : {});
}

// Runs named checks in order; a failure is reported and the rest still run.
async function run(checks) {
  let passed = 0, failed = 0;
  for (const [name, fn] of checks) {
    try {
      await fn();
      passed++;
      console.log('ok - ' + name);
    } catch (e) {
      failed++;
      console.log('not ok - ' + name + '\n    ' + String(e && e.stack || e).split('\n').join('\n    '));
    }
  }
  console.log(passed + ' passed, ' + failed + ' failed');
  return failed === 0;
}

function assert(cond, message) { if (!cond) throw new Error(message); }
function assertEqual(actual, expected, what) {
  const a = JSON.stringify(actual), b = JSON.stringify(expected);
  if (a !== b) throw new Error(what + ':\n      got      ' + a + '\n      expected ' + b);
}

module.exports = { SKIP, pagesDir, screenshotPath, openPage, shownPaths, clickBox, run, assert, assertEqual };
