// Load generator: lean raw-WebSocket Socket.IO clients (EIO=4 websocket transport, namespace "/").
// It answers the open packet with "40", pings "2" with "3", and only counts event packets "42...",
// so the generator stays light. Usage: node loadgen.mjs <port> <clients>
// Prints "CONNECTED <n> <ms> <failed>"; then on stdin "expect <events>" answers "READY" and prints
// "DELIVERED <deliveries> <ms> <closed>" when every client got that many more events; "quit" exits.
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

const [port, clients] = [Number(process.argv[2]), Number(process.argv[3])];
const url = `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`;
const CONCURRENCY = 100; // handshakes in flight; more only queues in the server's accept backlog

const sockets = [];
let connected = 0, failed = 0, closed = 0, delivered = 0, target = Infinity, t0 = 0, started = 0;
const begin = Date.now();

function open() {
  if (started >= clients) return;
  started++;
  const ws = new WebSocket(url, { perMessageDeflate: false });
  sockets.push(ws);
  let joined = false;
  ws.on('message', (data) => {
    const c0 = data[0], c1 = data[1];
    if (c0 === 0x34 && c1 === 0x32) { // "42": an event
      if (++delivered === target) finish();
    } else if (c0 === 0x32) { // "2": ping
      ws.send('3');
    } else if (c0 === 0x30) { // "0": engine open -> connect to "/"
      ws.send('40');
    } else if (c0 === 0x34 && c1 === 0x30 && !joined) { // "40": connected
      joined = true;
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

function finish() {
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`DELIVERED ${target} ${ms} ${closed}`);
}

for (let k = 0; k < CONCURRENCY; k++) open();

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'expect') {
    delivered = 0;
    target = Number(arg) * connected;
    t0 = process.hrtime.bigint();
    console.log('READY');
  } else if (cmd === 'quit') {
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  }
}).on('close', () => process.exit(0));
