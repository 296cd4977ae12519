// The original's two hot routes as an Express + pg + bull service, written for the benchmark:
// GET /api/keywords (the original's query shape: count(*) OVER() for the total) and
// GET /api/jobs/queue (getJobCounts + up to 100 active/waiting/delayed jobs).
// Usage: PORT=... DATABASE_URL=... REDIS_URL=... QUEUE_PREFIX=... node server.js
'use strict';
const express = require('express');
const { Pool } = require('pg');
const Queue = require('bull');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const queue = new Queue('crawl-jobs', process.env.REDIS_URL, {
  prefix: process.env.QUEUE_PREFIX || 'bull',
});
const app = express();

const sortColumns = {
  created: 'created_at',
  lastChecked: 'last_checked_at',
  keyword: 'keyword',
  rank: 'last_rank',
};

app.get('/api/keywords', async (req, res) => {
  try {
    const page = parseInt(req.query.page || '1', 10);
    const limit = parseInt(req.query.limit || '100', 10);
    const column = sortColumns[req.query.sortBy] || 'created_at';
    const order = req.query.order === 'asc' ? 'ASC' : 'DESC';
    const where = [];
    const params = [];
    if (req.query.search) {
      params.push(`%${req.query.search}%`);
      where.push(`(keyword ILIKE $${params.length} OR url ILIKE $${params.length})`);
    }
    if (req.query.tag) {
      params.push(req.query.tag);
      where.push(`$${params.length} = ANY(tags)`);
    }
    params.push(limit, (page - 1) * limit);
    const sql =
      `SELECT *, count(*) OVER() AS total_count FROM keywords ` +
      (where.length ? `WHERE ${where.join(' AND ')} ` : '') +
      `ORDER BY ${column} ${order} NULLS LAST LIMIT $${params.length - 1} OFFSET $${params.length}`;
    const { rows } = await pool.query(sql, params);
    const total = rows.length ? Number(rows[0].total_count) : 0;
    res.json({ success: true, data: { keywords: rows, total } });
  } catch (e) {
    res.status(500).json({ success: false, error: e.message });
  }
});

app.get('/api/jobs/queue', async (req, res) => {
  try {
    const counts = await queue.getJobCounts();
    const jobs = (await queue.getJobs(['active', 'waiting', 'delayed'], 0, 99, true))
      .filter(Boolean).slice(0, 100);
    const states = await Promise.all(jobs.map((j) => j.getState()));
    res.json({
      success: true,
      data: {
        ...counts,
        jobs: jobs.map((j, i) => ({
          id: j.id, data: j.data, status: states[i], progress: j.progress(),
          finishedOn: j.finishedOn, failedReason: j.failedReason,
        })),
      },
    });
  } catch (e) {
    res.status(500).json({ success: false, error: e.message });
  }
});

app.listen(Number(process.env.PORT), '127.0.0.1');
