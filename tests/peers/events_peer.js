// Real npm peers for the real-time events tests (tests/events/events_*_test.cpp) and the
// fan-out benchmark (bench/events_bench.js).
//
//   node events_peer.js sio <url> <opts-json>   socket.io-client 4 with default options plus
//                                                opts.io (e.g. {transports:['websocket'], auth})
//   node events_peer.js ws <url> <opts-json>    npm ws; opts.headers; opts.slow: stop reading
//                                                (opts.send: a text to send first)
//                                                after the handshake (a client that stalls)
//   node events_peer.js jobs <redis-url> <prefix> <queue> <jobs-json>
//        a Bull 4 worker in this process: adds each {data, result, fail?} job, processes it
//        returning `result` (or throwing `fail`), prints "done" when all finished.
//
// Listeners print one JSON line per happening: {"type":"engine_open","transport":...},
// {"type":"connect","transport":...},
// {"type":"upgrade"}, {"type":"event","event":...,"data":...}, {"type":"connect_error",
// "message":...}, {"type":"disconnect","reason":...}, {"type":"open"}, {"type":"refused",
// "status":...}, {"type":"close"}. They run until killed.
'use strict';

const [, , mode, ...args] = process.argv;
const say = o => process.stdout.write(JSON.stringify(o) + '\n');
const EVENTS = ['rank_updated', 'rank_alert', 'job_failed', 'job_progress'];

function sio(url, opts) {
  const { io } = require('socket.io-client');
  const socket = io(url, opts.io || {});
  // The engine opens (and may upgrade) before the Socket.IO CONNECT completes.
  socket.io.on('open', () => {
    const engine = socket.io.engine;
    say({ type: 'engine_open', transport: engine.transport.name });
    engine.once('upgrade', t => say({ type: 'upgrade', transport: t.name }));
  });
  socket.on('connect', () => say({ type: 'connect', transport: socket.io.engine.transport.name }));
  socket.on('connect_error', e => say({ type: 'connect_error', message: e.message }));
  socket.on('disconnect', reason => say({ type: 'disconnect', reason }));
  for (const name of EVENTS) socket.on(name, data => say({ type: 'event', event: name, data }));
}

function ws(url, opts) {
  const WebSocket = require('ws');
  const socket = new WebSocket(url, { headers: opts.headers || {} });
  socket.on('open', () => {
    say({ type: 'open' });
    if (opts.send) socket.send(opts.send);
    if (opts.slow) socket._socket.pause();
  });
  socket.on('unexpected-response', (req, res) => {
    say({ type: 'refused', status: res.statusCode });
    process.exit(0);
  });
  socket.on('message', text => {
    const m = JSON.parse(text.toString());
    say({ type: 'event', event: m.event, data: m.data });
  });
  socket.on('close', () => say({ type: 'close' }));
  socket.on('error', e => say({ type: 'error', message: e.message }));
}

async function jobs(redisUrl, prefix, name, specJson) {
  const Queue = require('bull');
  const queue = new Queue(name, redisUrl, { prefix, redis: { maxRetriesPerRequest: null } });
  await queue.isReady();
  const specs = JSON.parse(specJson);
  let left = specs.length;
  const finished = new Promise(resolve => {
    const one = () => {
      if (--left === 0) resolve();
    };
    queue.on('completed', one);
    queue.on('failed', one);
  });
  queue.process(4, async job => {
    await job.progress(50);
    if (job.data.fail) throw new Error(job.data.fail);
    return job.data.result;
  });
  for (const s of specs) {
    // bigKeyword: n → an n-byte keyword (kept off the command line, which has a size limit)
    if (s.bigKeyword) s.data.keyword = s.result.keyword = 'k'.repeat(s.bigKeyword);
    await queue.add({ ...s.data, result: s.result, fail: s.fail }, { removeOnComplete: 100 });
  }
  await finished;
  await new Promise(r => setTimeout(r, 200));
  await queue.close();
  say({ type: 'done' });
  process.exit(0);
}

if (mode === 'sio') sio(args[0], JSON.parse(args[1] || '{}'));
else if (mode === 'ws') ws(args[0], JSON.parse(args[1] || '{}'));
else if (mode === 'jobs') jobs(...args).catch(e => (console.error(e), process.exit(1)));
else {
  console.error('usage: events_peer.js sio|ws|jobs ...');
  process.exit(2);
}
