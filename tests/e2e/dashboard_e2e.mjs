// The dashboard's end-to-end scenarios in real headless Chromium (playwright-core driving
// Debian's Chromium), against the servers dashboard_e2e_test.cpp started. Usage:
//
//   node dashboard_e2e.mjs <config.json>
//
// Prints one line per step as it goes and, last, a JSON report {steps: [{name, ok, ms,
// detail}], budget: {gzipBytes, files}}; exits 0 only when every step passed. Screenshots of
// each page at desktop and phone width go to config.screenshots.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import http from 'node:http';
import zlib from 'node:zlib';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const webDir = process.env.NODE_PATH ? join(process.env.NODE_PATH, '..') : new URL('../../web/', import.meta.url).pathname;
const require = createRequire(join(webDir, 'package.json'));
const { chromium } = require('playwright-core');

const base = config.baseUrl.replace(/\/$/, '');
const steps = [];
let failurePage = null; // the page to photograph when a step fails
const report = { steps, budget: null };
mkdirSync(config.screenshots, { recursive: true });
mkdirSync(config.downloads, { recursive: true });

async function step(name, fn) {
  const t0 = Date.now();
  try {
    const detail = await fn();
    steps.push({ name, ok: true, ms: Date.now() - t0, detail: detail ?? null });
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
    return detail;
  } catch (e) {
    steps.push({ name, ok: false, ms: Date.now() - t0, detail: String(e?.stack ?? e) });
    console.log(`FAIL ${name}: ${e?.stack ?? e}`);
    // What the page showed when the step failed, beside the other screenshots.
    await failurePage?.screenshot({ path: join(config.screenshots, `FAILED-${steps.length}.png`), fullPage: true }).catch(() => {});
    return undefined;
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

// Raw GET: status, headers, the body as sent (not decompressed).
function get(path, headers = {}) {
  return new Promise((resolve, reject) => {
    http
      .get(base + path, { headers }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}
async function rest(method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { 'x-api-key': config.apiKey, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  if (!json.success) throw new Error(`${method} ${path}: ${res.status} ${json.error}`);
  return json.data;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(what, fn, ms = 30000, every = 250) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${what}`);
    await sleep(every);
  }
}

// ---- the first load's weight: index.html and the assets it references, as sent gzipped ----
await step('first load under budget (gzip)', async () => {
  const enc = { 'accept-encoding': 'gzip' };
  const index = await get('/', enc);
  assert(index.status === 200, `GET / → ${index.status}`);
  const html = (index.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(index.body) : index.body).toString();
  const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  assert(refs.length >= 2, `assets referenced by index.html: ${refs}`);
  const files = {};
  let total = index.body.length;
  for (const ref of refs) {
    const r = await get(ref, enc);
    assert(r.status === 200 && r.headers['content-encoding'] === 'gzip', `${ref}: ${r.status} ${r.headers['content-encoding']}`);
    files[ref] = r.body.length;
    total += r.body.length;
  }
  report.budget = { gzipBytes: total, files, limit: config.budgetBytes };
  assert(total < config.budgetBytes, `${total} bytes >= ${config.budgetBytes}`);
  return report.budget;
});

// A keyword whose crawl fails, queued now: its 3 attempts take a few seconds.
const failing = await step('setup: a keyword whose job will fail', async () => {
  const k = await rest('POST', '/api/keywords', { keyword: config.failKeyword, url: config.failUrl });
  await rest('POST', '/api/jobs/enqueue/priority', { ids: [k.id] });
  return { id: k.id };
});

const browser = await chromium.launch({
  executablePath: config.chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
});
const desktop = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US', acceptDownloads: true });
const page = await desktop.newPage();
failurePage = page;
page.setDefaultTimeout(30000);
const consoleErrors = [];
page.on('pageerror', (e) => consoleErrors.push(String(e)));
// The Content-Security-Policy must not refuse anything the dashboard does.
page.on('console', (m) => m.type() === 'error' && /Content Security Policy/i.test(m.text()) && consoleErrors.push(m.text()));
// Toasts are dismissed first: they would cover the page in the picture.
async function shot(p, name) {
  await p.evaluate(() => document.querySelectorAll('.toast').forEach((t) => t.click()));
  await p.screenshot({ path: join(config.screenshots, name), fullPage: true });
}
// Set on the window once; still there later = the page was never reloaded.
const markNoReload = () => page.evaluate(() => (window.__e2eMarker = 42));
const stillSamePage = async () => assert((await page.evaluate(() => window.__e2eMarker)) === 42, 'the page was reloaded');

await step('API key asked once and kept', async () => {
  await page.goto(base + '/');
  await page.getByTestId('key-prompt').waitFor();
  await page.getByTestId('key-input').fill(config.apiKey);
  await page.getByTestId('key-prompt').locator('button[type=submit]').click();
  await page.getByTestId('key-prompt').waitFor({ state: 'detached' });
  await page.reload();
  await page.getByTestId('kw-table').waitFor();
  await sleep(500);
  assert((await page.getByTestId('key-prompt').count()) === 0, 'asked again after a reload');
  await until('Socket.IO connected', async () => (await page.getByTestId('live-state').getAttribute('data-state')) === 'connected', 15000);
});

let keywordId;
await step('add a keyword', async () => {
  await page.getByTestId('kw-add').click();
  const d = page.getByTestId('add-dialog');
  await d.locator('input[name=keyword]').fill(config.keyword);
  await d.locator('input[name=url]').fill(config.url);
  await d.locator('input[name=tags]').fill('e2e, 맛집');
  await d.locator('input[name=target]').fill(String(config.targetRank));
  await page.getByTestId('add-submit').click();
  const row = page.getByTestId('kw-table').locator('tr', { hasText: config.keyword });
  await row.waitFor();
  keywordId = Number((await row.getAttribute('data-testid')).replace('kw-row-', ''));
  assert(keywordId > 0, 'row id');
  return { keywordId };
});

await step('check now: the rank arrives live, with an alert toast (rank worse than target)', async () => {
  await markNoReload();
  const row = page.getByTestId(`kw-row-${keywordId}`);
  assert((await row.getByTestId('kw-checked').innerText()).trim() !== '' , 'row rendered');
  await row.locator('input[type=checkbox]').check();
  await page.getByTestId('kw-check-now').click();
  await until(
    `AD rank ${config.expectedRank} in the row`,
    async () => (await row.getByTestId('kw-ad-rank').innerText()).trim() === String(config.expectedRank),
    60000,
  );
  const toast = page.getByTestId('toast-alert').filter({ hasText: config.keyword });
  await toast.first().waitFor({ timeout: 15000 });
  const toastText = await toast.first().innerText();
  await stillSamePage();
  // The url is not on the ORGANIC page: shown as "not found", not as a rank.
  await until('ORGANIC not found', async () => (await row.getByTestId('kw-organic-rank').innerText()).trim() === 'not found', 10000);
  await shot(page, 'keywords-desktop.png');
  return { toast: toastText, organic: await row.getByTestId('kw-organic-rank').innerText() };
});

await step('keyword page: a new check adds a point to the chart live', async () => {
  await page.getByTestId(`kw-row-${keywordId}`).getByTestId('kw-link').click();
  const chart = page.getByTestId('rank-chart');
  await until('chart has the first check', async () => Number(await chart.getAttribute('data-points')) >= 1, 10000);
  const before = Number(await chart.getAttribute('data-points'));
  await markNoReload();
  await page.getByTestId('kw-page-check-now').click();
  await until('a new point on the chart', async () => Number(await chart.getAttribute('data-points')) > before, 60000);
  await stillSamePage();
  // A few more checks a little apart, so the picture shows a history.
  for (let i = 0; i < 3; i++) {
    await sleep(1500);
    const n = Number(await chart.getAttribute('data-points'));
    await page.getByTestId('kw-page-check-now').click();
    await until('one more point', async () => Number(await chart.getAttribute('data-points')) > n, 30000);
  }
  await page.locator('.u-over').first().hover({ position: { x: 200, y: 100 } }).catch(() => {});
  await shot(page, 'keyword-desktop.png');
  await chart.screenshot({ path: join(config.screenshots, 'rank-chart-desktop.png') });
  return { before, after: Number(await chart.getAttribute('data-points')) };
});

await step('add many (pasted), check all now, edit one, delete one with confirmation', async () => {
  await page.getByTestId('nav-keywords').click();
  await page.getByTestId('kw-add-many').click();
  const lines = config.moreKeywords.map((k, i) => `${k.keyword}, ${k.url}, e2e|붙여넣기, ${i + 1}`).join('\n');
  await page.getByTestId('many-text').fill(lines + '\n' + `${config.moreKeywords[0].keyword}, ${config.moreKeywords[0].url}`);
  await page.getByTestId('many-submit').click();
  await page.getByTestId('toast-info').filter({ hasText: `${config.moreKeywords.length} added, 1 already present, 0 invalid` }).first().waitFor();
  const table = page.getByTestId('kw-table');
  for (const k of config.moreKeywords) await table.locator('tr', { hasText: k.keyword }).waitFor();
  // And from an .xlsx file.
  await page.getByTestId('kw-add-many').click();
  await page.getByTestId('many-file').setInputFiles(config.importFile);
  await page.getByTestId('many-submit').click();
  await page.getByTestId('toast-info').filter({ hasText: `${config.importRows} added, 0 already present, 0 invalid` }).first().waitFor();
  // Select every row on the page but the failing keyword's (the queue scenario needs its job
  // failed), and check them all now.
  await markNoReload();
  await table.locator('thead input[type=checkbox]').check();
  await table.locator('tr', { hasText: config.failKeyword }).locator('input[type=checkbox]').uncheck();
  await page.getByTestId('kw-check-now').click();
  await page.getByTestId('toast-info').filter({ hasText: `${config.moreKeywords.length + config.importRows + 1} queued` }).first().waitFor();
  const pasted = config.moreKeywords.map((k) => table.locator('tr', { hasText: k.keyword }).getByTestId('kw-checked'));
  await until('every pasted row checked, live', async () => (await Promise.all(pasted.map((c) => c.innerText()))).every((t) => !/never/.test(t)), 60000, 250);
  await stillSamePage();
  await table.locator('thead input[type=checkbox]').uncheck();
  // Edit the target rank of the first pasted keyword.
  const row = table.locator('tr', { hasText: config.moreKeywords[0].keyword });
  await row.getByTestId('kw-edit').click();
  await page.getByTestId('edit-dialog').locator('input[name=target]').fill('9');
  await page.getByTestId('edit-submit').click();
  await until('target rank 9', async () => (await row.locator('td.num').first().innerText()).trim() === '9', 10000);
  // Delete the last one, after confirming.
  const last = config.moreKeywords[config.moreKeywords.length - 1].keyword;
  await table.locator('tr', { hasText: last }).getByTestId('kw-delete').click();
  await page.getByTestId('confirm-yes').click();
  await table.locator('tr', { hasText: last }).waitFor({ state: 'detached' });
  const rows = await table.locator('tbody tr').count();
  await shot(page, 'keywords-desktop.png');
  return { rows };
});

let bulkId;
await step('bulk search: upload an .xlsx, progress reaches 100 %', async () => {
  await page.getByTestId('nav-bulk').click();
  await page.getByTestId('bulk-file').setInputFiles(config.bulkFile);
  await page.getByTestId('bulk-upload').click();
  await until('upload progress 100', async () => (await page.getByTestId('upload-progress').getAttribute('data-value')) === '100', 15000);
  const row = page.getByTestId('bulk-table').locator('tbody tr').first();
  await row.waitFor();
  bulkId = Number((await row.getAttribute('data-testid')).replace('bulk-row-', ''));
  const seen = new Set();
  await until(
    'bulk progress 100',
    async () => {
      const v = await row.getByTestId('bulk-progress').getAttribute('data-value');
      seen.add(v);
      return v === '100';
    },
    60000,
    100,
  );
  await shot(page, 'bulk-desktop.png');
  return { bulkId, progressSeen: [...seen] };
});

await step('bulk search: export the results', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`bulk-row-${bulkId}`).getByTestId('bulk-export').click()]);
  const path = join(config.downloads, download.suggestedFilename());
  await download.saveAs(path);
  const bytes = readFileSync(path);
  assert(bytes.length > 100 && bytes.subarray(0, 2).toString() === 'PK', `not an .xlsx: ${bytes.length} bytes`);
  await page.goto(`${base}/#/bulk/${bulkId}`);
  await page.getByTestId('bulk-results').locator('tbody tr').nth(config.bulkRows - 1).waitFor();
  await shot(page, 'bulk-detail-desktop.png');
  return { file: download.suggestedFilename(), bytes: bytes.length };
});

await step('queue: a failed job shows its reason and is retried', async () => {
  assert(failing, 'setup failed');
  const id = String(failing.id);
  await until('the job failed', async () => (await rest('GET', `/api/jobs/${id}`)).status === 'failed', 60000, 500);
  await page.getByTestId('nav-queue').click();
  await page.getByTestId('tab-failed').click();
  const row = page.getByTestId(`job-${id}`);
  await row.waitFor();
  const reason = await row.locator('.reason').innerText();
  assert(reason.length > 0, 'no reason shown');
  await shot(page, 'queue-desktop.png');
  const attempts = async () => (await rest('GET', '/api/jobs/list?state=failed&limit=500')).jobs.find((j) => j.id === id);
  const before = (await attempts()).attemptsMade;
  await row.getByTestId('retry-one').click();
  // Retried: the job left the failed set and ran again (its attempts are spent, so this
  // crawl fails at once, one more attempt made) — either is proof of the retry.
  const state = await until(
    'the job retried',
    async () => {
      const j = await rest('GET', `/api/jobs/${id}`);
      if (j.status !== 'failed') return j.status;
      const f = await attempts();
      return f && f.attemptsMade > before ? `failed again after attempt ${f.attemptsMade}` : null;
    },
    10000,
    100,
  );
  // And "retry all failed" from the toolbar once it failed again.
  await until('failed again', async () => (await rest('GET', `/api/jobs/${id}`)).status === 'failed', 30000, 250);
  await until('retry-all enabled', async () => page.getByTestId('retry-all').isEnabled(), 10000);
  await page.getByTestId('retry-all').click();
  await page.getByTestId('toast-info').filter({ hasText: /1 jobs retried/ }).first().waitFor({ timeout: 5000 });
  return { reason, stateAfterRetry: state };
});

await step('workers page: the live worker and the queue metric', async () => {
  await page.getByTestId('nav-workers').click();
  await page.getByTestId('workers-table').locator('tbody tr td.num').first().waitFor();
  await page.getByTestId('queue-chart').waitFor();
  await page.getByTestId('scaling-advice').locator('b').waitFor();
  await shot(page, 'workers-desktop.png');
  return { advice: await page.getByTestId('scaling-advice').locator('b').innerText() };
});

// ---- phone width, Korean browser: Korean by default, every page ----
await step('phone width in Korean: every page', async () => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'ko-KR' });
  await phone.addInitScript((key) => localStorage.setItem('crawler.apiKey', key), config.apiKey);
  const p = await phone.newPage();
  await p.goto(base + '/');
  await p.getByTestId(`kw-row-${keywordId}`).waitFor();
  const title = await p.locator('header h1').innerText();
  assert(title === '키워드 순위 모니터', `not Korean: ${title}`);
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `page wider than the phone by ${overflow}px`);
  const pages = [
    ['keywords-phone.png', '#/keywords', 'kw-table'],
    ['keyword-phone.png', `#/keywords/${keywordId}`, 'rank-chart'],
    ['queue-phone.png', '#/queue', 'jobs-table'],
    ['bulk-phone.png', '#/bulk', 'bulk-table'],
    ['bulk-detail-phone.png', `#/bulk/${bulkId}`, 'bulk-results'],
    ['workers-phone.png', '#/workers', 'workers-table'],
  ];
  for (const [file, hash, testid] of pages) {
    await p.goto(`${base}/${hash}`);
    await p.getByTestId(testid).waitFor();
    await sleep(600);
    await p.screenshot({ path: join(config.screenshots, file), fullPage: true });
  }
  await phone.close();
  return { title };
});

// Last, as it empties the queue the pages above show.
await step('queue: clean after confirming', async () => {
  await page.getByTestId('nav-queue').click();
  await page.getByTestId('queue-clean').click();
  await page.getByTestId('confirm-yes').click();
  await until(
    'an empty queue',
    async () => {
      const counts = await Promise.all(['waiting', 'active', 'delayed', 'failed', 'completed'].map((s) => page.getByTestId(`count-${s}`).locator('b').innerText()));
      return counts.every((c) => c.trim() === '0');
    },
    15000,
  );
});

await step('switch language to English and back', async () => {
  await page.getByTestId('nav-keywords').click();
  await page.getByTestId('lang').selectOption('ko');
  await until('Korean', async () => (await page.locator('header h1').innerText()) === '키워드 순위 모니터', 5000);
  await page.getByTestId('lang').selectOption('en');
  await until('English', async () => (await page.locator('header h1').innerText()) === 'Keyword rank monitor', 5000);
});

await step('no uncaught errors and no CSP refusals in the page', async () => {
  assert(consoleErrors.length === 0, consoleErrors.join('\n'));
});

await browser.close();
console.log(JSON.stringify(report));
process.exit(steps.every((s) => s.ok) ? 0 : 1);
