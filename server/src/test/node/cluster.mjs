// Clients of a Rowcast cluster (several realtime nodes sharing one Redis) for the Java cluster
// tests; prints one JSON line with what the clients saw. Usage: node cluster.mjs <scenario> <url>
// Other node URLs come in the environment: A, B, C (nodes), N (how many stream events to expect).
import { io } from "socket.io-client";

const [name, base] = process.argv.slice(2);
const deadline = setTimeout(() => fail(`scenario ${name} did not finish within 25 s`), 25000);
const env = process.env;

function done(result) {
  clearTimeout(deadline);
  process.stdout.write(JSON.stringify(result) + "\n");
  process.exit(0);
}

function fail(message) {
  process.stderr.write(message + "\n");
  process.exit(1);
}

function once(emitter, event, matching = () => true) {
  process.stderr.write(`${Date.now() % 100000} waiting for ${event}\n`);
  return new Promise((resolve) => {
    const listener = (...args) => {
      if (!matching(...args)) return;
      emitter.off(event, listener);
      resolve(args);
    };
    emitter.on(event, listener);
  });
}

function ack(socket, event, ...args) {
  return new Promise((resolve, reject) =>
    socket.timeout(5000).emit(event, ...args, (error, answer) => (error ? reject(error) : resolve(answer))));
}

function client(url, options = {}) {
  return io(url, { reconnection: false, forceNew: true, transports: ["websocket"], ...options });
}

async function member(url, userId, room) {
  const socket = client(url);
  await once(socket, "connect");
  await ack(socket, "identify", userId);
  await ack(socket, "join", room);
  return socket;
}

const scenarios = {
  // Sockets on B and C: presence and relay across nodes, and an event captured on node A (env A).
  async acrossNodes() {
    const b = await member(env.B, "u1", "room1");
    const posts = once(b, "realtime:posts");
    const joined = once(b, "presence:join", (p) => p.userId === "u2");
    const c = await member(env.C, "u2", "room1");
    const [presenceJoin] = await joined;
    const list = await ack(b, "presence:list", "room1");
    const chat = once(b, "chat");
    await ack(c, "chat", { roomId: "room1", text: "from C" });
    const [chatData] = await chat;
    b.emit("test:ready");
    const [post] = await posts;
    const left = once(b, "presence:leave", (p) => p.userId === "u2");
    c.disconnect();
    const [presenceLeave] = await left;
    b.disconnect();
    done({ presenceJoin, list, chat: chatData, post, presenceLeave });
  },

  // A user on node A (env A) is seen from B; then node A dies without a word.
  async nodeLoss() {
    const b = await member(env.B, "watcher", "room2");
    const joined = once(b, "presence:join", (p) => p.userId === "doomed");
    const a = await member(env.A, "doomed", "room2");
    await joined;
    const before = await ack(b, "presence:list", "room2");
    const left = once(b, "presence:leave", (p) => p.userId === "doomed");
    b.emit("test:ready");
    const readyAt = Date.now();
    const [presenceLeave] = await left;
    const leftAfterMs = Date.now() - readyAt;
    const after = await ack(b, "presence:list", "room2");
    done({ before, presenceLeave, after, leftAfterMs });
  },

  // Through the balancer (the url); its node dies mid-stream and the client comes back on another.
  async recoverAcrossNodes() {
    const total = Number(env.N);
    const socket = client(base, { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 200 });
    const received = [];
    const connects = [];
    let firstId;
    socket.on("n", (n) => {
      received.push(n);
      if (received.length >= total) done({ received, connects, sameId: socket.id === firstId });
    });
    socket.on("connect", async () => {
      connects.push({ recovered: socket.recovered });
      if (connects.length === 1) {
        firstId = socket.id;
        await ack(socket, "join", "feed");
        socket.emit("test:ready");
      }
    });
  },

  // Joins "feed" on the node of the url, takes one event "n", then sends N events the server refuses;
  // reports the offset of "n" and the one each rowcast:error ended with.
  async refusals() {
    const total = Number(env.N);
    const socket = client(base);
    await once(socket, "connect");
    await ack(socket, "join", "feed");
    const first = once(socket, "n");
    socket.emit("test:ready");
    const [, offset] = await first;
    const errorOffsets = [];
    const all = new Promise((resolve) => socket.on("rowcast:error", (error, errorOffset) => {
      errorOffsets.push(errorOffset);
      if (errorOffsets.length === total) resolve();
    }));
    for (let i = 0; i < total; i++) socket.emit("x");
    await all;
    socket.disconnect();
    done({ offset, errorOffsets });
  },

  // Joins N long-named rooms in one call, then leaves them in one call.
  async manyRooms() {
    const total = Number(env.N);
    const socket = client(base);
    await once(socket, "connect");
    const rooms = Array.from({ length: total }, (_, i) => `${"x".repeat(100)}-${i}`);
    const joined = await ack(socket, "join", rooms);
    const left = await ack(socket, "leave", rooms);
    socket.disconnect();
    done({ joined, left });
  },

  // Joins "feed" on the node of the url and collects the events "n" until the server closes the connection.
  async untilClosed() {
    const socket = client(base);
    const received = [];
    socket.on("n", (n) => received.push(n));
    socket.on("disconnect", (reason) => done({ received, reason }));
    await once(socket, "connect");
    await ack(socket, "join", "feed");
    socket.emit("test:ready");
  },

  // Joins "feed" on the node of the url and collects N events "n" (the Redis outage test).
  async listen() {
    const total = Number(env.N);
    const socket = client(base);
    const received = [];
    socket.on("n", (n) => {
      received.push(n);
      if (received.length >= total) done({ received });
    });
    await once(socket, "connect");
    await ack(socket, "join", "feed");
    socket.emit("test:ready");
  },
};

const scenario = scenarios[name];
if (!scenario) fail(`unknown scenario ${name}`);
scenario().catch((error) => fail(`${name}: ${error.stack || error}`));
