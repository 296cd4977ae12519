// One timed run of bench/run-browser-bench, against a worker that is already taking jobs
// (bench/peers/worker/driver.js plus the worker's Chromium).
//   1. warm-up (WARMUP jobs, default 20): lets Node's JIT, both workers' connection pools and
//      Chromium settle; their ranking rows are deleted afterwards;
//   2. samples the CPU time of the worker (WORKER_PID, its own threads only), of its Chromium
//      (every descendant process of the worker: utime + stime + the cutime + cstime of
//      children they reaped, i.e. renderers that came and went), the sample site (SITE_PID),
//      PostgreSQL (PG_MASTER and its children, reaped ones included) and Redis (INFO cpu), and
//      its own; during the batch, every 500 ms, the memory of the Chromium processes (sum of
//      VmRSS, which counts shared pages once per process, and sum of Pss from smaps_rollup,
//      which shares them out) and their number: peak and last sample are reported;
//   3. adds one crawl job per keyword in PostgreSQL in one addBulk: the job data the API and
//      scheduler produce, the crawler's default job options, job id = keyword id;
//   4. waits until every job has completed (or nothing is left to run: jobs that failed for
//      good), from the queue's global events; samples again, and the worker's RSS. Also the
//      machine's busy CPUs over the batch (/proc/stat) and what of it no process of the run
//      used ("others": other tenants of a shared machine), per job.
// Prints one JSON line; times are ms since the addBulk started, jobs/s is over first job taken
// (its progress 10, the first thing both workers do) → last job completed, CPU in ms per job.
// TIMEOUT_S (default 600) bounds the wait.
'use strict';
const fs = require('fs');
const Queue = require('bull');
const { Client } = require('pg');

const timeoutS = Number(process.env.TIMEOUT_S || 600);
const warmup = Number(process.env.WARMUP ?? 20);
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
function descendants(root) {  // every live process below root (ppid links from /proc)
  const parent = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(f.slice(f.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone */ }
  }
  const out = [], todo = [root];
  while (todo.length) {
    const p = todo.pop();
    for (const [c, pp] of parent) if (pp === p) { out.push(c); todo.push(c); }
  }
  return out;
}
const workerPid = Number(process.env.WORKER_PID);
const chromiumTicks = () => descendants(workerPid).reduce((s, p) => s + ticks(p, true), 0);
// The same time by Chromium process type (--type=renderer, zygote, utility, gpu-process; the
// browser has none); what a process reaped (exited renderers, for the zygote) under "<type>+".
function chromiumTicksByType() {
  const out = {};
  for (const p of descendants(workerPid)) {
    let type = 'browser';
    try {
      const m = /--type=([a-z-]+)/.exec(fs.readFileSync(`/proc/${p}/cmdline`, 'utf8'));
      if (m) type = m[1];
    } catch { continue; }
    const own = ticks(p, false), all = ticks(p, true);
    out[type] = (out[type] || 0) + own;
    if (all > own) out[`${type}+`] = (out[`${type}+`] || 0) + all - own;
  }
  return out;
}
function chromiumMemory() {  // MB: sum of VmRSS, sum of Pss; process count
  let rss = 0, pss = 0, n = 0;
  for (const p of descendants(workerPid)) {
    try {
      const st = fs.readFileSync(`/proc/${p}/status`, 'utf8');
      const r = /^VmRSS:\s+(\d+)/m.exec(st);
      if (!r) continue;  // a zombie
      const sm = fs.readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      rss += Number(r[1]); pss += Number(/^Pss:\s+(\d+)/m.exec(sm)[1]); n++;
    } catch { /* gone */ }
  }
  return { rss: +(rss / 1024).toFixed(1), pss: +(pss / 1024).toFixed(1), n };
}
let memPeak = { rss: 0, pss: 0, n: 0 }, memLast = null;
function sampleMemory() {
  memLast = chromiumMemory();
  if (memLast.pss > memPeak.pss) memPeak = { ...memLast };
  if (memLast.rss > memPeak.rss) memPeak.rss = memLast.rss;
  if (memLast.n > memPeak.n) memPeak.n = memLast.n;
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
async function sample() {
  const u = process.cpuUsage();
  const [busy] = machine();
  return { machine: busy, worker: ticks(process.env.WORKER_PID) * TICK_MS,
           chromium: chromiumTicks() * TICK_MS, site: ticks(process.env.SITE_PID) * TICK_MS,
           postgres: pgTicks() * TICK_MS, redis: await redisCpuMs(), driver: (u.user + u.system) / 1000 };
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

(async () => {
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

  memPeak = { rss: 0, pss: 0, n: 0 };
  const typesBefore = chromiumTicksByType();
  const before = await sample();
  const memTimer = setInterval(sampleMemory, 500);
  const { t0, enqueueMs } = await runBatch(rows.map((k) => job(k, String(k.id))));
  const after = await sample();
  const typesAfter = chromiumTicksByType();
  clearInterval(memTimer);
  sampleMemory();
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
  const ours = ['worker', 'chromium', 'site', 'postgres', 'redis', 'driver'].reduce((a, k) => a + perJob[k], 0);
  perJob.others = +(perJob.machine - ours).toFixed(3);
  delete perJob.machine;
  const chromiumByType = {};
  for (const k of new Set([...Object.keys(typesBefore), ...Object.keys(typesAfter)]))
    chromiumByType[k] = +(((typesAfter[k] || 0) - (typesBefore[k] || 0)) * TICK_MS / Math.max(completed, 1)).toFixed(1);
  console.log(JSON.stringify({
    jobs: n, completed, failedAttempts, failedForGood: c.failed,
    left: c.waiting + c.active + c.delayed,
    enqueueMs: +enqueueMs.toFixed(1),
    firstTakenMs: first === null ? null : +(first - t0).toFixed(1),
    lastDoneMs: last === null ? null : +(last - t0).toFixed(1),
    seconds, jobsPerSec: seconds ? +(completed / seconds).toFixed(2) : null,
    cpuMsPerJob: perJob, mem, chromiumMem: { peak: memPeak, end: memLast }, chromiumByType, busyCores: +busyCores.toFixed(2),
    failures: Object.fromEntries(failures),
  }));
  await queue.close();
  process.exit(0);
})().catch((err) => { console.error(err); process.exit(1); });
