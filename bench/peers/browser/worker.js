// The original's crawl worker, browser path only, as an idiomatic Node program: a Bull 4
// consumer of `crawl-jobs` that opens the AD search page in headless Chromium through
// puppeteer-core, waits as the original does (page.goto waitUntil 'networkidle2', 30 s
// timeout), evaluates the AD selectors in the page (li.list_item, .tit_area .tit, .url_link;
// the original's page.evaluate), and writes the ranking row and the keyword's last_rank /
// last_checked_at in one pg transaction, on our schema (`crawler migrate`). Progress 10/80/100
// and two log lines per job, as bench/peers/worker/worker.js (the fast path's peer) and ours.
//
// Per process one browser (the original's getBrowser): /usr/bin/chromium (CHROMIUM_PATH),
// headless, --no-sandbox and the --disable-* flags of our launcher
// (src/crawl/browser/chromium_process.cpp). Per job, as the original: a fresh incognito
// context (browser.createBrowserContext(), the original's createIncognitoBrowserContext) and
// a page, mobile viewport 375x812 (touch, scale 3 like ours; the original randomises the size
// by up to +50/+100 px), the iPhone UA and ko-KR Accept-Language like ours, the page closed and
// the context disposed at the end.
//
// Fairness: unlike the original, requests for images, fonts and media are refused through
// request interception (page.setRequestInterception), as our browser path does by default;
// and the original's extras are left out unless ORIGINAL_DELAYS=1: puppeteer-extra's stealth
// plugin and ghost-cursor (not installed at all), and the "human-like" scrolls with their
// sleeps (500–1500 ms + 500 ms per job) between goto and the evaluation.
//
//   REDIS_URL, DATABASE_URL, SERP_AD_URL (with {query}), WORKER_CONCURRENCY, CHROMIUM_PATH,
//   QUEUE_PREFIX (bull), QUEUE_NAME (crawl-jobs), ORIGINAL_DELAYS  →  node worker.js
// Prints "ready" once it takes jobs (the browser is launched first); SIGTERM closes the
// queue, the browser and the pool.
'use strict';
const { recordAdRanking } = require('../worker/record_ranking.js');
const Queue = require('bull');
const { Pool } = require('pg');

const concurrency = Number(process.env.WORKER_CONCURRENCY || 1);
const serpUrl = process.env.SERP_AD_URL ||
  'https://m.ad.search.naver.com/search.naver?where=m_expd&query={query}';
const originalDelays = process.env.ORIGINAL_DELAYS === '1';
const USER_AGENT = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 ' +
  '(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const ACCEPT_LANGUAGE = 'ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7';
const BLOCKED = new Set(['image', 'font', 'media']);
// Our launcher's flags (chromium_process.cpp) less --remote-debugging-pipe and
// --user-data-dir, which puppeteer sets itself (it talks over a WebSocket, as the original).
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-extensions', '--disable-default-apps', '--no-first-run',
  '--no-default-browser-check', '--mute-audio', '--hide-scrollbars'];

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: concurrency });
const queue = new Queue(process.env.QUEUE_NAME || 'crawl-jobs', process.env.REDIS_URL,
  { prefix: process.env.QUEUE_PREFIX || 'bull' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let browser = null;
async function launch() {
  const puppeteer = (await import('puppeteer-core')).default;
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true, args: ARGS, protocolTimeout: 60000,
  });
  console.log(`browser ${await browser.version()} pid ${browser.process().pid}`);
}

async function findRankInBrowser(url, targetUrl) {
  const context = await browser.createBrowserContext();
  let page = null;
  try {
    page = await context.newPage();
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      if (req.isInterceptResolutionHandled()) return;
      if (BLOCKED.has(req.resourceType())) req.abort('blockedbyclient');
      else req.continue();
    });
    await page.setUserAgent(USER_AGENT);
    await page.setExtraHTTPHeaders({ 'Accept-Language': ACCEPT_LANGUAGE });
    await page.setViewport({ width: 375, height: 812, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
    const res = await page.goto(url, { waitUntil: 'networkidle2', timeout: 30000 });
    if (originalDelays) {
      await page.evaluate(() => { window.scrollBy(0, window.innerHeight / 2); });
      await sleep(500 + Math.random() * 1000);
      await page.evaluate(() => { window.scrollBy(0, -window.innerHeight / 4); });
      await sleep(500);
    }
    const found = await page.evaluate((target) => {
      const items = document.querySelectorAll('li.list_item');
      for (let i = 0; i < items.length; i++) {
        const title = items[i].querySelector('.tit_area .tit')?.textContent || '';
        const displayUrl = items[i].querySelector('.url_link')?.textContent || '';
        if (displayUrl.includes(target) || title.includes(target)) return { rank: i + 1, items: items.length };
      }
      return { rank: null, items: items.length };
    }, targetUrl);
    return { ...found, status: res ? res.status() : 0 };
  } finally {
    if (page) await page.close().catch(() => {});
    await context.close().catch(() => {});
  }
}

async function crawl(job) {
  const { keywordId, keyword, targetUrl, targetRank } = job.data;
  const started = Date.now();
  await job.progress(10);
  await job.log(`crawl: '${keyword}' for ${targetUrl}`);

  const url = serpUrl.replace('{query}', encodeURIComponent(keyword));
  const { rank, items, status } = await findRankInBrowser(url, targetUrl);
  const crawlMs = Date.now() - started;
  // The original estimated sizes rather than counting them.
  const requestBytes = url.length + 400;
  const responseBytes = 50 * 1024;
  await job.log(`AD: ${rank === null ? 'not found' : 'found'} via browser (${items} items, HTTP ${status}, ${crawlMs} ms)`);
  await job.progress(80);

  await recordAdRanking(pool, job, { keywordId, rank, crawlMs, method: 'browser', requestBytes, responseBytes });
  await job.progress(100);
  return { rank, targetRank: targetRank ?? null, keyword };
}

launch().then(async () => {
  queue.process(concurrency, crawl);
  await queue.isReady();
  console.log('ready');
}).catch((err) => { console.error(err); process.exit(1); });

process.on('SIGTERM', async () => {
  await queue.close().catch(() => {});
  if (browser) await browser.close().catch(() => {});
  await pool.end().catch(() => {});
  process.exit(0);
});
