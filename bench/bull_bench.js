// bull_bench.js: the same measurement as queue_bench, through npm bull 4.16 (tests/peers).
//
//   node bench/bull_bench.js <redis-url> <queue-name> <jobs> <concurrency>
//
// Adds the jobs with queue.addBulk in chunks of 1000 (Bull sends each chunk as one MULTI of
// addJob scripts), then processes them with queue.process(concurrency, noop) and prints one
// JSON line like queue_bench. The end is the local 'completed' event of the last job, which
// Bull emits after its moveToFinished script returned.
'use strict';
const path = require('path');
const Queue = require(path.join(__dirname, '..', 'tests', 'peers', 'node_modules', 'bull'));

async function main() {
  const [url, name, jobsArg, concArg] = process.argv.slice(2);
  const jobs = parseInt(jobsArg, 10);
  const concurrency = parseInt(concArg, 10);
  const queue = new Queue(name, url);
  await queue.isReady();
  const opts = {
    attempts: 3,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: 100,
    removeOnFail: 50
  };
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < jobs; i += 1000) {
    const chunk = [];
    for (let k = i; k < Math.min(jobs, i + 1000); k++) {
      chunk.push({ data: { keywordId: k }, opts });
    }
    await queue.addBulk(chunk);
  }
  const t1 = process.hrtime.bigint();
  let done = 0;
  let t3;
  const finished = new Promise(resolve => {
    queue.on('completed', () => {
      done += 1;
      if (done === jobs) {
        t3 = process.hrtime.bigint();
        resolve();
      }
    });
  });
  const t2 = process.hrtime.bigint();
  queue.process(concurrency, async () => ({}));
  await finished;
  const addS = Number(t1 - t0) / 1e9;
  const procS = Number(t3 - t2) / 1e9;
  console.log(
    JSON.stringify({
      impl: 'bull',
      concurrency,
      jobs,
      add_seconds: +addS.toFixed(3),
      process_seconds: +procS.toFixed(3),
      jobs_per_s: Math.round(jobs / procS)
    })
  );
  await queue.close();
}

main().then(
  () => process.exit(0),
  err => {
    console.error(err);
    process.exit(1);
  }
);
