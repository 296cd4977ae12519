// A real npm `bull` 4 peer for the C++ queue's conformance tests (tests/queue/queue_*).
//
//   node bull_peer.js <command> <redis-url> <prefix> <queue> [args...]
//
// Commands (each prints one JSON document on stdout, except `listen`, which prints one JSON
// line per event after a line "ready"):
//   add <jobs-json>            adds [{name?, data, opts?}] one by one with queue.add; prints ids
//   counts                     prints queue.getJobCounts()
//   job <id>                   prints the job as Node reads it (null if missing)
//   consume <n> <behaviour-json>
//       processes jobs at concurrency behaviour.concurrency (default 1) until n handler calls
//       finished; a job whose data has `failUntil: k` throws while attemptsMade < k; prints
//       [{id, data, attemptsMade, at}] in processing order (at = ms since the epoch)
//   listen <n> <timeout-ms>    prints global:completed / global:failed events as they come
//   paused                     prints queue.isPaused()
// The Redis client gets `maxRetriesPerRequest: null` so a slow CI machine does not fail a
// command that Bull would retry.
'use strict';

const Queue = require('bull');

const [, , command, url, prefix, name, ...rest] = process.argv;

function open() {
  return new Queue(name, url, { prefix, redis: { maxRetriesPerRequest: null } });
}

async function main() {
  const queue = open();
  await queue.isReady();
  switch (command) {
    case 'add': {
      const jobs = JSON.parse(rest[0]);
      const ids = [];
      for (const j of jobs) {
        const job = j.name
          ? await queue.add(j.name, j.data, j.opts || {})
          : await queue.add(j.data, j.opts || {});
        ids.push(String(job.id));
      }
      console.log(JSON.stringify(ids));
      break;
    }
    case 'counts':
      console.log(JSON.stringify(await queue.getJobCounts()));
      break;
    case 'paused':
      console.log(JSON.stringify(await queue.isPaused()));
      break;
    case 'job': {
      const job = await queue.getJob(rest[0]);
      if (!job) {
        console.log('null');
        break;
      }
      console.log(
        JSON.stringify({
          id: String(job.id),
          name: job.name,
          data: job.data,
          opts: job.opts,
          attemptsMade: job.attemptsMade,
          returnvalue: job.returnvalue === undefined ? null : job.returnvalue,
          failedReason: job.failedReason === undefined ? null : job.failedReason,
          stacktrace: job.stacktrace,
          progress: job.progress(),
          state: await job.getState(),
          logs: (await queue.getJobLogs(String(job.id))).logs
        })
      );
      break;
    }
    case 'consume': {
      const n = parseInt(rest[0], 10);
      const behaviour = JSON.parse(rest[1] || '{}');
      const seen = [];
      let calls = 0;
      await new Promise(resolve => {
        queue.process(behaviour.concurrency || 1, async job => {
          seen.push({
            id: String(job.id),
            data: job.data,
            attemptsMade: job.attemptsMade,
            at: Date.now()
          });
          try {
            if (job.data && job.data.failUntil && job.attemptsMade < job.data.failUntil) {
              throw new Error('planned failure ' + job.attemptsMade);
            }
            return { echo: job.data };
          } finally {
            calls += 1;
            if (calls >= n) setTimeout(resolve, 300);
          }
        });
      });
      console.log(JSON.stringify(seen));
      break;
    }
    case 'listen': {
      const n = parseInt(rest[0], 10);
      const timeout = parseInt(rest[1], 10);
      let got = 0;
      await new Promise(resolve => {
        const done = () => {
          got += 1;
          if (got >= n) resolve();
        };
        queue.on('global:completed', (jobId, val) => {
          console.log(JSON.stringify({ event: 'completed', jobId: String(jobId), val }));
          done();
        });
        queue.on('global:failed', (jobId, val) => {
          console.log(JSON.stringify({ event: 'failed', jobId: String(jobId), val }));
          done();
        });
        Promise.all([
          new Promise(r => queue.once('registered:global:completed', r)),
          new Promise(r => queue.once('registered:global:failed', r))
        ]).then(() => console.log('ready'));
        setTimeout(resolve, timeout);
      });
      break;
    }
    default:
      throw new Error('unknown command ' + command);
  }
  await queue.close();
}

main().then(
  () => process.exit(0),
  err => {
    console.error(err && err.stack ? err.stack : err);
    process.exit(1);
  }
);
