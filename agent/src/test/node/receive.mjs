// Connects to a Rowcast agent's server with the official socket.io-client and prints one JSON
// line per received event: {"event":...,"args":[...]}. Prints {"connected":id} first.
// Usage: node receive.mjs <baseUrl> <deadlineMs>
import { io } from "socket.io-client";

const [base, deadlineMs] = process.argv.slice(2);
const socket = io(base, { reconnection: false, forceNew: true, transports: ["websocket"] });
const deadline = setTimeout(() => {
  socket.disconnect();
  process.exit(0);
}, Number(deadlineMs));

socket.on("connect", () => process.stdout.write(JSON.stringify({ connected: socket.id }) + "\n"));
socket.on("connect_error", (error) => {
  process.stderr.write("connect_error " + error.message + "\n");
  clearTimeout(deadline);
  process.exit(2);
});
socket.onAny((event, ...args) => process.stdout.write(JSON.stringify({ event, args }) + "\n"));
