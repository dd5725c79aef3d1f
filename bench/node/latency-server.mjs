// The capture benchmark's Node peer: the reference socket.io server (4.8.4, default options)
// emitting at a steady rate, event k to room "user:<k % users>", the way an app calls
// io.to(room).emit. Clients join with the plugin's "join" event (ack {ok: true}).
// Prints "PORT <port>". Stdin: "run <rate per s> <events> <users> <stamps file>" emits, stamping each
// event with process.hrtime just before io.to(room).emit, writes "<id> <stamp> <stamp> <lag>" lines
// (the format of the Java app's stamps; lag: ns behind schedule) and answers "DONE <max lag behind
// schedule in µs>"; "quit" exits.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { serveClient: false });
io.on('connection', (socket) => {
  socket.on('join', (rooms, ack) => {
    socket.join(rooms);
    if (typeof ack === 'function') ack({ ok: true });
  });
});
http.listen(0, '127.0.0.1', () => console.log(`PORT ${http.address().port}`));

function run(rate, events, users, file) {
  const interval = 1e9 / rate;
  const stamps = new Array(events);
  const lags = new Array(events);
  const start = process.hrtime.bigint();
  let id = 0, maxLag = 0;
  const tick = () => {
    let now = process.hrtime.bigint();
    while (id < events && Number(now - start) >= id * interval) {
      lags[id] = Math.round(Number(now - start) - id * interval);
      maxLag = Math.max(maxLag, lags[id]);
      const user = id % users;
      stamps[id] = now;
      io.to(`user:${user}`).emit('realtime:events', { operation: 'create', collection: 'events',
        data: { id, user_id: user, title: `event ${id}`, created_at: new Date().toISOString() } });
      id++;
      now = process.hrtime.bigint();
    }
    if (id < events) {
      // setTimeout has 1 ms granularity; an event due sooner waits for the next turn (the stamp is taken when it is sent)
      setTimeout(tick, Math.max(0, Math.floor((id * interval - Number(now - start)) / 1e6)));
    } else {
      writeFileSync(file, stamps.map((s, k) => `${k} ${s} ${s} ${lags[k]}`).join('\n') + '\n');
      console.log(`DONE ${Math.round(maxLag / 1000)}`);
    }
  };
  tick();
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, ...args] = line.trim().split(/\s+/);
  if (cmd === 'run') run(Number(args[0]), Number(args[1]), Number(args[2]), args[3]);
  else if (cmd === 'quit') { io.close(); process.exit(0); }
}).on('close', () => process.exit(0));
