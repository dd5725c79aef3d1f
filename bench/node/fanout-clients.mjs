// ServerBench's load generator: lean raw-WebSocket Socket.IO clients (EIO=4 websocket transport,
// namespace "/") that every server under test accepts. They answer the open packet with "40" and pings
// with "3"; of an event "42[...]" they read only the server's stamp "t" (wall-clock microseconds) to
// record emit->receive latency. Usage: node fanout-clients.mjs <port> <clients>
// Prints "CONNECTED <n> <ms> <failed>", then serves on stdin:
//   "layout <rooms>"  client k joins room-(k % rooms) (event "join" with an ack) -> "JOINED <n> <ms>"
//   "reset"           zero the counters -> "READY"
//   "count"           -> "COUNT <deliveries since reset>"
//   "stats"           -> "STATS <deliveries> <ms from reset to last delivery> <p50 us> <p99 us> <max us> <closed>"
//   "quit"
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const [port, clients] = [Number(process.argv[2]), Number(process.argv[3])];
const url = `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`;
const CONCURRENCY = 100; // handshakes in flight; more only queues in the server's accept backlog

// Latency histogram: 10 us buckets below 100 ms, 1 ms buckets up to 10 s, the last one open.
const FINE = 10_000, histogram = new Uint32Array(FINE + 9_901);
const bucket = (us) => (us < 100_000 ? Math.max(0, Math.floor(us / 10)) : Math.min(histogram.length - 1, FINE + Math.floor((us - 100_000) / 1000)));
const bucketMicros = (b) => (b < FINE ? b * 10 + 10 : 100_000 + (b - FINE + 1) * 1000);

const sockets = [];
let connected = 0, failed = 0, closed = 0, started = 0, acks = 0, acksWanted = 0, layoutAt = 0;
let delivered = 0, resetAt = 0, lastAt = 0, maxUs = 0;
const begin = Date.now();
const nowMicros = () => (performance.timeOrigin + performance.now()) * 1000;

function onEvent(data) {
  delivered++;
  const now = nowMicros();
  lastAt = now;
  // 42["row",{"t":1764100000000000,...}]: the digits after "t":
  let at = data.indexOf(0x74 /* t */, 8) + 3, t = 0;
  for (let c = data[at]; c >= 0x30 && c <= 0x39; c = data[++at]) t = t * 10 + (c - 0x30);
  const us = now - t;
  if (us > maxUs) maxUs = us;
  histogram[bucket(us)]++;
}

function open() {
  if (started >= clients) return;
  started++;
  const ws = new WebSocket(url, { perMessageDeflate: false });
  let joined = false;
  ws.on('message', (data) => {
    const c0 = data[0], c1 = data[1];
    if (c0 === 0x34 && c1 === 0x32) { // "42": an event
      onEvent(data);
    } else if (c0 === 0x34 && c1 === 0x33) { // "43": the ack of a join
      if (++acks === acksWanted) console.log(`JOINED ${acks} ${Date.now() - layoutAt}`);
    } else if (c0 === 0x32) { // "2": ping
      ws.send('3');
    } else if (c0 === 0x30) { // "0": engine open -> connect to "/"
      ws.send('40');
    } else if (c0 === 0x34 && c1 === 0x30 && !joined) { // "40": connected
      joined = true;
      sockets.push(ws);
      connected++;
      settled();
    }
  });
  ws.on('error', (err) => console.error(`[rowcast-bench] client error: ${err.message}`));
  ws.on('close', () => { closed++; if (!joined) { failed++; settled(); } });
}

// Every client either connected or failed: report, and keep CONCURRENCY handshakes going.
function settled() {
  if (connected + failed === clients) console.log(`CONNECTED ${connected} ${Date.now() - begin} ${failed}`);
  open();
}

function layout(rooms) {
  acks = 0;
  acksWanted = sockets.length;
  layoutAt = Date.now();
  sockets.forEach((ws, k) => ws.send(`42${k + 1}["join","room-${k % rooms}"]`));
}

function percentile(p, total) {
  if (total === 0) return NaN;
  let seen = 0;
  const want = Math.ceil(total * p);
  for (let b = 0; b < histogram.length; b++) {
    seen += histogram[b];
    if (seen >= want) return bucketMicros(b);
  }
  return NaN;
}

for (let k = 0; k < CONCURRENCY; k++) open();

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'layout') {
    layout(Number(arg));
  } else if (cmd === 'reset') {
    delivered = 0;
    maxUs = 0;
    histogram.fill(0);
    resetAt = lastAt = nowMicros();
    console.log('READY');
  } else if (cmd === 'count') {
    console.log(`COUNT ${delivered}`);
  } else if (cmd === 'stats') {
    const span = (lastAt - resetAt) / 1000;
    console.log(`STATS ${delivered} ${span.toFixed(1)} ${percentile(0.5, delivered)} ${percentile(0.99, delivered)} ${Math.round(maxUs)} ${closed}`);
  } else if (cmd === 'quit') {
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  }
}).on('close', () => process.exit(0));
