// Adds N waiting jobs shaped like the crawler's to the queue, so /api/jobs/queue has work to show.
'use strict';
const Queue = require('bull');
const n = Number(process.argv[2] || 1000);
const queue = new Queue('crawl-jobs', process.env.REDIS_URL, { prefix: process.env.QUEUE_PREFIX || 'bull' });
(async () => {
  const jobs = [];
  for (let i = 1; i <= n; i++)
    jobs.push({ data: { keywordId: i, keyword: `키워드 ${i}`, targetUrl: `shop-${i}.example`, targetRank: 5 },
                opts: { attempts: 3, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 100, removeOnFail: 50 } });
  await queue.addBulk(jobs);
  await queue.close();
})();
