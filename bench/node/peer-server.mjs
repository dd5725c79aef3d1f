// The Node peer of ServerBench: the reference socket.io server, configured for throughput, driven over
// stdin like the Java servers (ServerLoop.java):
//   "gc" -> "HEAP <heap bytes used after full GC> <off-heap bytes>"
//   "run <emits/s> <rooms> <ms>" -> emits a stamped row event to room-0..room-(rooms-1) in turn at that
//     rate for that long, then "EMITTED <emits> <ms>"; "quit".
// A client's "join" event (with an ack) moves it from its previous bench room to the named one.
// Configuration (socket.io's performance-tuning advice): ws with its native add-ons bufferutil and
// utf-8-validate installed, WebSocket transport only, no per-message deflate, no HTTP compression.
// socket.io's adapter encodes a broadcast once and writes the same frame to every socket in the room.
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { Server } from 'socket.io';

if (typeof global.gc !== 'function') {
  console.error('[rowcast-bench] peer-server.mjs needs node --expose-gc to measure heap after GC');
  process.exit(2);
}

const http = createServer();
const io = new Server(http, {
  serveClient: false,
  transports: ['websocket'],
  perMessageDeflate: false,
  httpCompression: false,
});
io.on('connection', (socket) => {
  socket.on('join', (room, ack) => {
    if (socket.data.room) socket.leave(socket.data.room);
    socket.data.room = room;
    socket.join(room);
    if (typeof ack === 'function') ack();
  });
});
http.listen(0, '127.0.0.1', () => console.log(`PORT ${http.address().port}`));

const nowMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

// The same row event the Java servers emit; "t" first so the load generator finds it at once.
const payload = (seq) => ({ t: nowMicros(), seq, table: 'orders', op: 'update',
  row: { id: 4711, status: 'shipped', total: 129.95, currency: 'EUR', updatedAt: '2026-11-25T20:55:00Z' } });

// Emits on the event loop, at most 500 per turn so reads and writes run between bursts; when ahead of
// the schedule it sleeps a millisecond. Late emits are sent late; it stops at twice the time.
function run(rate, rooms, ms) {
  const names = Array.from({ length: rooms }, (_, k) => `room-${k}`);
  const total = Math.floor(rate * ms / 1000), start = performance.now();
  let sent = 0, room = 0;
  const tick = () => {
    const elapsed = performance.now() - start;
    const due = Math.min(total, Math.floor(elapsed * rate / 1000));
    for (let burst = 0; sent < due && burst < 500; burst++) {
      io.to(names[room]).emit('row', payload(sent++));
      if (++room === rooms) room = 0;
    }
    if (sent >= total || elapsed > 2 * ms) console.log(`EMITTED ${sent} ${performance.now() - start}`);
    else if (sent < due) setImmediate(tick);
    else setTimeout(tick, 1);
  };
  tick();
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, ...args] = line.trim().split(/\s+/);
  if (cmd === 'gc') {
    for (let k = 0; k < 3; k++) global.gc();
    const m = process.memoryUsage();
    console.log(`HEAP ${m.heapUsed} ${m.external}`);
  } else if (cmd === 'run') {
    run(Number(args[0]), Number(args[1]), Number(args[2]));
  } else if (cmd === 'quit') {
    io.close();
    process.exit(0);
  } else {
    console.error(`[rowcast-bench] peer-server.mjs: unknown command '${line}'; use gc, run <emits/s> <rooms> <ms> or quit`);
  }
}).on('close', () => process.exit(0));
