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
// The run itself is bench/peers/worker/driver_core.js (shared with the HTTP-path benchmark);
// this file adds what concerns Chromium.
'use strict';
const fs = require('fs');
const { run, ticks, TICK_MS } = require('../worker/driver_core');

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
let typesBefore = {};
let memTimer = null;
run({
  warmupDefault: 20,
  jobsPerSecDigits: 2,
  processes: { chromium: () => chromiumTicks() * TICK_MS },
  start() {
    memPeak = { rss: 0, pss: 0, n: 0 };
    typesBefore = chromiumTicksByType();
    memTimer = setInterval(sampleMemory, 500);
  },
  finish(completed) {
    const typesAfter = chromiumTicksByType();
    clearInterval(memTimer);
    sampleMemory();
    const chromiumByType = {};
    for (const k of new Set([...Object.keys(typesBefore), ...Object.keys(typesAfter)]))
      chromiumByType[k] = +(((typesAfter[k] || 0) - (typesBefore[k] || 0)) * TICK_MS /
                            Math.max(completed, 1)).toFixed(1);
    return { chromiumMem: { peak: memPeak, end: memLast }, chromiumByType };
  },
}).catch((err) => { console.error(err); process.exit(1); });
