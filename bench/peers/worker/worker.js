// The original's crawl worker, fast path only, as an idiomatic Node program: a Bull 4 consumer
// of `crawl-jobs` that fetches the AD search page with axios (iPhone Safari UA, ko-KR
// Accept-Language, 10 s timeout), finds the rank with cheerio (li.list_item, .tit_area .tit,
// .url_link as in src/crawl/profiles.json), and writes the ranking row and the keyword's
// last_rank / last_checked_at in one pg transaction, on our schema (`crawler migrate`).
// Progress 10/80/100 and two log lines per job, as the original and our worker do.
//
//   REDIS_URL, DATABASE_URL, SERP_AD_URL (with {query}), WORKER_CONCURRENCY,
//   QUEUE_PREFIX (bull), QUEUE_NAME (crawl-jobs)   →  node worker.js
// Prints "ready" once it takes jobs; SIGTERM closes the queue and the pool.
'use strict';
const { recordAdRanking } = require('./record_ranking.js');
const Queue = require('bull');
const axios = require('axios');
const cheerio = require('cheerio');
const { Pool } = require('pg');

const concurrency = Number(process.env.WORKER_CONCURRENCY || 1);
const serpUrl = process.env.SERP_AD_URL ||
  'https://m.ad.search.naver.com/search.naver?where=m_expd&query={query}';
const USER_AGENT = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 ' +
  '(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: concurrency });
const http = axios.create({
  timeout: 10000,
  headers: { 'User-Agent': USER_AGENT, 'Accept-Language': 'ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7' },
});
const queue = new Queue(process.env.QUEUE_NAME || 'crawl-jobs', process.env.REDIS_URL,
  { prefix: process.env.QUEUE_PREFIX || 'bull' });

function findRank(html, targetUrl) {
  const $ = cheerio.load(html);
  const items = $('li.list_item');
  let rank = null;
  items.each((i, el) => {
    const title = $(el).find('.tit_area .tit').text().trim();
    const displayUrl = $(el).find('.url_link').text().trim();
    if (title.includes(targetUrl) || displayUrl.includes(targetUrl)) {
      rank = i + 1;
      return false;
    }
  });
  return { rank, items: items.length };
}

async function crawl(job) {
  const { keywordId, keyword, targetUrl, targetRank } = job.data;
  const started = Date.now();
  await job.progress(10);
  await job.log(`crawl: '${keyword}' for ${targetUrl}`);

  const url = serpUrl.replace('{query}', encodeURIComponent(keyword));
  const res = await http.get(url);
  const html = res.data;
  const { rank, items } = findRank(html, targetUrl);
  const crawlMs = Date.now() - started;
  // The original estimated sizes rather than counting them.
  const requestBytes = url.length + 400;
  const responseBytes = Buffer.byteLength(html);
  await job.log(`AD: ${rank === null ? 'not found' : 'found'} via http (${items} items, HTTP ${res.status}, ${crawlMs} ms)`);
  await job.progress(80);

  await recordAdRanking(pool, job, { keywordId, rank, crawlMs, method: 'http', requestBytes, responseBytes });
  await job.progress(100);
  return { rank, targetRank: targetRank ?? null, keyword };
}

queue.process(concurrency, crawl);
queue.isReady().then(() => console.log('ready'));

process.on('SIGTERM', async () => {
  await queue.close();
  await pool.end();
  process.exit(0);
});
