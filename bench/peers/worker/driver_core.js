// The timed run shared by bench/peers/worker/driver.js (HTTP path) and
// bench/peers/browser/driver.js (browser path): warm-up, CPU samples of every process of the
// run, one addBulk of a job per keyword, completion from the queue's global events, one JSON
// line. A caller extends it with `extra`:
//   warmupDefault            WARMUP when the environment does not say
//   processes                more CPU series: { name: () => ms }, sampled with the others
//   start(), finish()        around the batch; finish() returns more fields for the JSON line
//   jobsPerSecDigits         decimals of jobs/s
'use strict';
const fs = require('fs');
const Queue = require('bull');
const { Client } = require('pg');

const timeoutS = Number(process.env.TIMEOUT_S || 600);
const queue = new Queue(process.env.QUEUE_NAME || 'crawl-jobs', process.env.REDIS_URL,
  { prefix: process.env.QUEUE_PREFIX || 'bull' });
const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const jobOptions = { attempts: 3, backoff: { type: 'exponential', delay: 2000 },
                     removeOnComplete: 100, removeOnFail: 50 };

const TICK_MS = 1000 / 100;  // USER_HZ; CLK_TCK is 100 on Linux
function ticks(pid, withChildren) {  // utime + stime (+ cutime + cstime) of every thread
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const v = f.slice(f.lastIndexOf(')') + 2).split(' ');  // fields from 3 (state) on
    const t = Number(v[11]) + Number(v[12]);
    return withChildren ? t + Number(v[13]) + Number(v[14]) : t;
  } catch { return 0; }  // a child that just exited: its time is in the parent's cutime
}
function children(pid) {
  const out = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(f.slice(f.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}
const pgMaster = Number(process.env.PG_MASTER || 0);
const pgTicks = () => (pgMaster ? ticks(pgMaster, true) +
  children(pgMaster).reduce((s, p) => s + ticks(p, false), 0) : 0);
async function redisCpuMs() {
  const info = await queue.client.info('cpu');
  let s = 0;
  for (const m of info.matchAll(/^used_cpu_(?:sys|user):([\d.]+)/gm)) s += Number(m[1]);
  return s * 1000;
}
function machine() {  // all CPUs: [busy, total] in ms (iowait counts as idle)
  const v = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  return [(total - v[3] - v[4]) * TICK_MS, total * TICK_MS];
}
async function sample(processes) {
  const u = process.cpuUsage();
  const [busy] = machine();
  const out = { machine: busy, worker: ticks(process.env.WORKER_PID) * TICK_MS };
  for (const [name, ms] of Object.entries(processes)) out[name] = ms();
  return Object.assign(out, { site: ticks(process.env.SITE_PID) * TICK_MS,
    postgres: pgTicks() * TICK_MS, redis: await redisCpuMs(), driver: (u.user + u.system) / 1000 });
}
function status(pid) {
  const out = {};
  for (const line of fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const m = /^(VmHWM|VmRSS|RssAnon|RssFile|Threads):\s+(\d+)/.exec(line);
    if (m) out[m[1]] = m[1] === 'Threads' ? Number(m[2]) : +(Number(m[2]) / 1024).toFixed(1);
  }
  return out;
}

// Counting global events; `expect` jobs, `finish` when they are all completed.
let first = null, last = null, completed = 0, failedAttempts = 0, expect = 0, finish = () => {};
const failures = new Map();
queue.on('global:progress', () => { if (first === null) first = now(); });
queue.on('global:completed', () => {
  last = now();
  if (++completed === expect) finish();
});
queue.on('global:failed', (id, err) => {
  failedAttempts++;
  failures.set(String(err), (failures.get(String(err)) || 0) + 1);
});

async function runBatch(jobs) {
  first = null; last = null; completed = 0; failedAttempts = 0; failures.clear();
  expect = jobs.length;
  const done = new Promise((resolve) => { finish = resolve; });
  const t0 = now();
  await queue.addBulk(jobs);
  const enqueueMs = now() - t0;
  // Also stop when nothing is left to run (jobs that failed for good never complete).
  const poll = setInterval(async () => {
    const c = await queue.getJobCounts();
    if (c.waiting + c.active + c.delayed + (c.paused || 0) === 0) finish();
  }, 500);
  const timer = setTimeout(finish, timeoutS * 1000);
  await done;
  clearInterval(poll);
  clearTimeout(timer);
  return { t0, enqueueMs };
}

async function run(extra = {}) {
  const warmup = Number(process.env.WARMUP ?? extra.warmupDefault ?? 300);
  const processes = extra.processes || {};
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  const { rows } = await db.query('SELECT id, keyword, url, target_rank FROM keywords ORDER BY id');
  const n = rows.length;
  const job = (k, id) => ({
    data: { keywordId: Number(k.id), keyword: k.keyword, targetUrl: k.url, targetRank: k.target_rank },
    opts: { ...jobOptions, jobId: id },
  });
  await queue.isReady();
  await sleep(300);  // the event subscriptions are made lazily

  if (warmup > 0) {
    await runBatch(rows.slice(0, warmup).map((k) => job(k, `warmup-${k.id}`)));
    await db.query('TRUNCATE keyword_rankings');
    await db.query('UPDATE keywords SET last_rank = NULL, last_checked_at = NULL');
  }
  await db.end();
  await sleep(500);

  if (extra.start) extra.start();
  const before = await sample(processes);
  const { t0, enqueueMs } = await runBatch(rows.map((k) => job(k, String(k.id))));
  const after = await sample(processes);
  const more = extra.finish ? extra.finish(completed) : {};
  const mem = status(process.env.WORKER_PID);
  const c = await queue.getJobCounts();
  const seconds = first !== null && last !== null ? (last - first) / 1000 : null;
  const perJob = {};
  for (const k of Object.keys(before))
    perJob[k] = +((after[k] - before[k]) / Math.max(completed, 1)).toFixed(3);
  // Busy CPUs of the whole machine over the batch, and the part no process of this run used
  // (other tenants of a shared machine).
  const elapsedMs = now() - t0;
  const busyCores = (after.machine - before.machine) / elapsedMs;
  const ours = ['worker', ...Object.keys(processes), 'site', 'postgres', 'redis', 'driver']
    .reduce((a, k) => a + perJob[k], 0);
  perJob.others = +(perJob.machine - ours).toFixed(3);
  delete perJob.machine;
  console.log(JSON.stringify({
    jobs: n, completed, failedAttempts, failedForGood: c.failed,
    left: c.waiting + c.active + c.delayed,
    enqueueMs: +enqueueMs.toFixed(1),
    firstTakenMs: first === null ? null : +(first - t0).toFixed(1),
    lastDoneMs: last === null ? null : +(last - t0).toFixed(1),
    seconds, jobsPerSec: seconds ? +(completed / seconds).toFixed(extra.jobsPerSecDigits ?? 1) : null,
    cpuMsPerJob: perJob, mem, ...more, busyCores: +busyCores.toFixed(2),
    failures: Object.fromEntries(failures),
  }));
  await queue.close();
  process.exit(0);
}

module.exports = { run, ticks, TICK_MS };
