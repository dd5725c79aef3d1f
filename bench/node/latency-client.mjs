// The capture benchmark's latency clients: <clients> official socket.io-clients (WebSocket
// transport), client k joined to its own room <prefix>k. Each received <event> is stamped with
// process.hrtime (CLOCK_MONOTONIC, the clock Java's System.nanoTime reads on Linux, so stamps of
// both processes compare directly) and keyed by the row id in its payload (data.id).
// Usage: node latency-client.mjs <port> <clients> <event> <prefix>
// Prints "CLOCK <hrtime ns>" at once and "JOINED <joined> <ms> <failed>" when every client has
// joined or failed. Stdin: "count" -> "COUNT <received>", "dump <file>" -> writes "<id> <receive ns>"
// lines and answers "DUMPED <n>", "quit" exits.
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { io } from 'socket.io-client';

const [port, clients, event, prefix] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4], process.argv[5]];
const CONCURRENCY = 50; // handshakes in flight
const ids = [];
const times = [];
const sockets = [];
let started = 0, joined = 0, failed = 0;
const begin = Date.now();
console.log(`CLOCK ${process.hrtime.bigint()}`);

function open() {
  if (started >= clients) return;
  const k = started++;
  const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
  sockets.push(socket);
  socket.on(event, (payload) => {
    const at = process.hrtime.bigint();
    ids.push(payload.data.id);
    times.push(at);
  });
  let settledOnce = false;
  const settle = (ok) => {
    if (settledOnce) return;
    settledOnce = true;
    if (ok) joined++; else failed++;
    if (joined + failed === clients) console.log(`JOINED ${joined} ${Date.now() - begin} ${failed}`);
    open();
  };
  socket.on('connect_error', (err) => { console.error(`[latency-client] client ${k}: ${err.message}`); settle(false); });
  socket.on('connect', () => socket.emit('join', `${prefix}${k}`, (answer) => settle(!(answer && answer.ok === false))));
}

for (let k = 0; k < CONCURRENCY; k++) open();

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'count') {
    console.log(`COUNT ${ids.length}`);
  } else if (cmd === 'dump') {
    const lines = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) lines[i] = `${ids[i]} ${times[i]}`;
    writeFileSync(arg, lines.join('\n') + '\n');
    console.log(`DUMPED ${ids.length}`);
  } else if (cmd === 'quit') {
    for (const s of sockets) s.close();
    process.exit(0);
  }
}).on('close', () => process.exit(0));
