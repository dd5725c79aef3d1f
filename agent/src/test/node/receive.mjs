// Connects to a Rowcast agent's server with the official socket.io-client and prints one JSON
// line per received event: {"event":...,"args":[...]}. Prints {"connected":id} first, or
// {"connect_error":message} and exits 2. With a token it connects with auth {token}; each room
// given is joined with an ack, printed as {"join":room,"ack":...}, before {"ready":true}; a
// disconnect prints {"disconnect":reason}.
// Usage: node receive.mjs <baseUrl> <deadlineMs> [token|-] [room...]
import { io } from "socket.io-client";

const [base, deadlineMs, token, ...rooms] = process.argv.slice(2);
const auth = token && token !== "-" ? { token } : undefined;
const socket = io(base, { reconnection: false, forceNew: true, transports: ["websocket"], auth });
const print = (value) => process.stdout.write(JSON.stringify(value) + "\n");
const deadline = setTimeout(() => {
  socket.disconnect();
  process.exit(0);
}, Number(deadlineMs));

socket.on("connect", async () => {
  print({ connected: socket.id });
  for (const room of rooms) {
    print({ join: room, ack: await socket.timeout(10000).emitWithAck("join", room).catch((e) => String(e)) });
  }
  print({ ready: true });
});
socket.on("connect_error", (error) => {
  print({ connect_error: error.message });
  clearTimeout(deadline);
  // let stdout drain before exiting
  process.stdout.write("", () => process.exit(2));
});
socket.onAny((event, ...args) => print({ event, args }));
socket.on("disconnect", (reason) => print({ disconnect: reason }));
