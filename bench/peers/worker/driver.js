// One timed run of bench/run-worker-bench, against a worker that is already taking jobs.
//   1. warm-up (WARMUP jobs, default 300): lets Node's JIT and both workers' connection pools
//      settle, as in a long-running worker; their ranking rows are deleted afterwards;
//   2. samples the CPU time of the worker (WORKER_PID), the sample site (SITE_PID), PostgreSQL
//      (PG_MASTER and its children, reaped ones included) and Redis (INFO cpu), and its own;
//   3. adds one crawl job per keyword in PostgreSQL in one addBulk: the job data the API and
//      scheduler produce, the crawler's default job options, job id = keyword id;
//   4. waits until every job has completed (or nothing is left to run: jobs that failed for
//      good), from the queue's global events; samples again, and the worker's RSS. Also the
//      machine's busy CPUs over the batch (/proc/stat) and what of it no process of the run
//      used ("others": other tenants of a shared machine), per job.
// Prints one JSON line; times are ms since the addBulk started, jobs/s is over first job taken
// (its progress 10, the first thing both workers do) → last job completed, CPU in ms per job.
// TIMEOUT_S (default 600) bounds the wait.
// The run itself is bench/peers/worker/driver_core.js, shared with the browser benchmark.
'use strict';
require('./driver_core').run().catch((err) => { console.error(err); process.exit(1); });
