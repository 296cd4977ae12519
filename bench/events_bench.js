// Fan-out benchmark of the real-time events (bench/RESULTS.md, "Real-time events").
//
//   node bench/events_bench.js <base-url> <redis-url> <prefix> [clients=1000] [procs=4] [jobs=50]
//
// Opens <clients> socket.io-client 4 connections (default options: polling, then the WebSocket
// upgrade) spread over <procs> Node processes, waits until all are upgraded, then completes
// <jobs> Bull jobs one after another (200 ms apart) with a Bull worker in this process. For
// each job, the completion time is taken when Bull reports the job completed here; each client
// stamps the matching rank_updated on arrival. Clocks: performance.timeOrigin + now() in every
// process (same machine). Prints per-delivery p50/p99/max, and per-job "time until the last
// client had it" p50/p99.
'use strict';
const { fork } = require('child_process');
const path = require('path');
const peers = path.join(__dirname, '..', 'tests', 'peers', 'node_modules');
const now = () => performance.timeOrigin + performance.now();

if (process.argv[2] === '--child') {
  const { io } = require(path.join(peers, 'socket.io-client'));
  const [, , , url, n] = process.argv;
  const got = [];
  let ready = 0;
  for (let i = 0; i < Number(n); i++) {
    const s = io(url, { reconnection: false });
    s.on('connect', () => {
      const done = () => ++ready === Number(n) && process.send({ ready: true });
      if (s.io.engine.transport.name === 'websocket') done();
      else s.io.engine.once('upgrade', done);
    });
    s.on('rank_updated', d => got.push([d.keywordId, now()]));
    s.on('connect_error', e => console.error('connect_error', e.message));
  }
  process.on('message', m => {
    if (m.report) process.send({ got }, () => process.exit(0));
  });
  return;
}

const [, , url, redisUrl, prefix, clients = '1000', procs = '4', jobs = '50'] = process.argv;
const Queue = require(path.join(peers, 'bull'));

async function main() {
  const children = [];
  const per = Math.ceil(Number(clients) / Number(procs));
  let readyCount = 0;
  const t0 = Date.now();
  await new Promise(resolve => {
    for (let p = 0; p < Number(procs); p++) {
      const n = Math.min(per, Number(clients) - p * per);
      const c = fork(__filename, ['--child', url, String(n)]);
      c.on('message', m => m.ready && ++readyCount === Number(procs) && resolve());
      children.push(c);
    }
  });
  console.log(`${clients} clients connected and upgraded in ${Date.now() - t0} ms`);
  const queue = new Queue('crawl-jobs', redisUrl, { prefix, redis: { maxRetriesPerRequest: null } });
  const completedAt = new Map();
  queue.on('completed', job => completedAt.set(job.data.keywordId, now()));
  queue.process(1, async () => ({ rank: 5, targetRank: 3, keyword: 'bench' }));
  for (let i = 1; i <= Number(jobs); i++) {
    await queue.add({ keywordId: i, keyword: 'bench', targetUrl: 'a.example', targetRank: 3 },
                    { removeOnComplete: 100 });
    await new Promise(r => setTimeout(r, 200));
  }
  await new Promise(r => setTimeout(r, 1000));
  const reports = await Promise.all(children.map(c => new Promise(res => {
    c.on('message', m => m.got && res(m.got));
    c.send({ report: true });
  })));
  const all = [], lastPerJob = new Map();
  let deliveries = 0;
  for (const got of reports)
    for (const [id, t] of got) {
      const done = completedAt.get(id);
      if (done === undefined) continue;
      const ms = t - done;
      all.push(ms);
      deliveries++;
      lastPerJob.set(id, Math.max(lastPerJob.get(id) ?? -Infinity, ms));
    }
  const pct = (xs, p) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(1);
  };
  const expected = Number(clients) * Number(jobs);
  console.log(`deliveries ${deliveries}/${expected}`);
  console.log(`per delivery: p50 ${pct(all, 50)} ms  p99 ${pct(all, 99)} ms  max ${pct(all, 100)} ms`);
  const last = [...lastPerJob.values()];
  console.log(`job → last client: p50 ${pct(last, 50)} ms  p99 ${pct(last, 99)} ms  max ${pct(last, 100)} ms`);
  await queue.close();
  process.exit(0);
}
main().catch(e => (console.error(e), process.exit(1)));
