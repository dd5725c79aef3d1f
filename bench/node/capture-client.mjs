// One official socket.io-client for the capture benchmark's insert-throughput runs "with one
// connected client": it joins the given rooms and counts the events it receives (any name).
// Usage: node capture-client.mjs <port> <room>... Prints "JOINED"; on stdin "count" answers
// "COUNT <events received>", "quit" exits.
import { createInterface } from 'node:readline';
import { io } from 'socket.io-client';

const [port, ...rooms] = [Number(process.argv[2]), ...process.argv.slice(3)];
let received = 0;
const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
socket.onAny(() => { received++; });
socket.on('connect_error', (err) => { console.error(`[capture-client] cannot connect to 127.0.0.1:${port}: ${err.message}`); process.exit(1); });
socket.on('connect', () => {
  socket.emit('join', rooms, (answer) => {
    if (answer && answer.ok === false) { console.error(`[capture-client] join refused: ${answer.error}`); process.exit(1); }
    console.log('JOINED');
  });
});

createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = line.trim();
  if (cmd === 'count') console.log(`COUNT ${received}`);
  else if (cmd === 'quit') { socket.close(); process.exit(0); }
}).on('close', () => process.exit(0));
