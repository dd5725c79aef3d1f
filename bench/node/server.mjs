// The peer: the Node reference socket.io server, driven over stdin by ServerBench.
// Commands: "gc" -> "HEAP <heap bytes used after full GC> <off-heap buffer bytes>", "fanout <n>" -> "EMITTED <n> <ms>", "quit".
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { Server } from 'socket.io';

const joinAt = process.argv.indexOf('--join');
const room = joinAt > 0 ? process.argv[joinAt + 1] : null;
if (typeof global.gc !== 'function') {
  console.error('[rowcast-bench] server.mjs needs node --expose-gc to measure heap after GC');
  process.exit(2);
}

const http = createServer();
const io = new Server(http, { serveClient: false });
io.on('connection', (socket) => { if (room) socket.join(room); });
http.listen(0, '127.0.0.1', () => console.log(`PORT ${http.address().port}`));

// The same ~120-byte row event the Rowcast server emits.
const payload = (seq) => ({ seq, table: 'orders', op: 'update',
  row: { id: 4711, status: 'shipped', total: 129.95, currency: 'EUR', updatedAt: '2026-11-25T20:55:00Z' } });

function fanout(count) {
  const start = process.hrtime.bigint();
  let seq = 0;
  // Emit a few per turn, then yield so the event loop writes and reads (pings) between batches.
  const batch = () => {
    for (let k = 0; k < 10 && seq < count; k++) io.to(room).emit('row', payload(seq++));
    if (seq < count) setImmediate(batch);
    else console.log(`EMITTED ${count} ${Number(process.hrtime.bigint() - start) / 1e6}`);
  };
  batch();
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'gc') {
    for (let k = 0; k < 3; k++) global.gc();
    const m = process.memoryUsage();
    console.log(`HEAP ${m.heapUsed} ${m.external}`);
  } else if (cmd === 'fanout') {
    fanout(Number(arg));
  } else if (cmd === 'quit') {
    io.close();
    process.exit(0);
  }
}).on('close', () => process.exit(0));
