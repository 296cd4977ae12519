// Checks what a run of bench/run-worker-bench left in PostgreSQL: one AD ranking row per
// keyword, each with the rank the sample site's deterministic rule gives (see
// src/crawl/sample_site/site.h: FNV-1a 64 of the keyword, offset = h % 20, the item at rank r is
// shop-((offset + r - 1) % 20 + 1).example, ten items), and keywords.last_rank equal to it.
// The rule itself is spot-checked against the live site (SERP_AD_URL) for 20 keywords: the
// position of the li.list_item whose link goes to the keyword's shop must be the same.
// Prints one JSON line {keywords, rows, distinct, wrongRank, wrongLastRank, found, notFound,
// ruleChecked, ruleMismatch}.
//
// `node verify.js --browser` is the check of bench/run-browser-bench, whose keywords are
// "sample:js:<keyword>": the rule applies to <keyword> (the prefix is always stripped; the
// worker bench's keywords have none), and the line adds jsStaticItems (items in the static HTML
// of a js page: must be 0, the page really needs a browser) and crawlMsP50/P90 (the worker's
// own crawling_duration).
'use strict';
const { Client } = require('pg');

function fnv1a64(s) {
  let h = 14695981039346656037n;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= BigInt(b);
    h = (h * 1099511628211n) & 0xffffffffffffffffn;
  }
  return h;
}

const browser = process.argv.includes('--browser');
const plain = (keyword) => keyword.replace(/^sample:[a-z0-9]+:/, '');

function expectedAdRank(keyword, domain) {
  keyword = plain(keyword);
  const offset = Number(fnv1a64(keyword) % 20n);
  for (let r = 1; r <= 10; r++)
    if (`shop-${((offset + r - 1) % 20) + 1}.example` === domain) return r;
  return null;
}

(async () => {
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  const keywords = (await db.query('SELECT id, keyword, url, last_rank FROM keywords')).rows;
  const rows = (await db.query(
    "SELECT keyword_id, rank FROM keyword_rankings WHERE rank_type = 'AD'")).rows;
  const extra = {};
  if (browser) {
    const dur = (await db.query(`SELECT
        percentile_cont(0.5) WITHIN GROUP (ORDER BY crawling_duration) AS p50,
        percentile_cont(0.9) WITHIN GROUP (ORDER BY crawling_duration) AS p90
      FROM keyword_rankings WHERE rank_type = 'AD'`)).rows[0];
    extra.crawlMsP50 = Math.round(dur.p50);
    extra.crawlMsP90 = Math.round(dur.p90);
  }
  await db.end();
  let ruleChecked = 0, ruleMismatch = 0;
  if (process.env.SERP_AD_URL) {
    for (let i = 0; i < keywords.length; i += Math.max(1, Math.floor(keywords.length / 20))) {
      const k = keywords[i];
      const html = await (await fetch(process.env.SERP_AD_URL.replace('{query}',
        encodeURIComponent(plain(k.keyword))))).text();
      const links = [...html.matchAll(/<li class="list_item">.*?href="https:\/\/([^/"]+)\//g)]
        .map((m) => m[1]);
      const pos = links.indexOf(k.url);
      ruleChecked++;
      if ((pos < 0 ? null : pos + 1) !== expectedAdRank(k.keyword, k.url)) ruleMismatch++;
    }
  }
  if (browser) {
    extra.jsStaticItems = null;
    if (process.env.SERP_AD_URL && keywords.length) {
      const html = await (await fetch(process.env.SERP_AD_URL.replace('{query}',
        encodeURIComponent(keywords[0].keyword)))).text();
      extra.jsStaticItems = (html.match(/<li class="list_item">/g) || []).length;
    }
  }
  const byId = new Map(keywords.map((k) => [String(k.id), k]));
  const seen = new Set();
  let wrongRank = 0, wrongLastRank = 0, found = 0, notFound = 0;
  for (const r of rows) {
    const k = byId.get(String(r.keyword_id));
    seen.add(String(r.keyword_id));
    const want = expectedAdRank(k.keyword, k.url);
    if (r.rank !== want) wrongRank++;
    if (want === null) notFound++; else found++;
  }
  for (const k of keywords)
    if (seen.has(String(k.id)) && k.last_rank !== expectedAdRank(k.keyword, k.url)) wrongLastRank++;
  console.log(JSON.stringify({ keywords: keywords.length, rows: rows.length, distinct: seen.size,
                               wrongRank, wrongLastRank, found, notFound,
                               ruleChecked, ruleMismatch, ...extra }));
})().catch((err) => { console.error(err); process.exit(1); });
