// Runs one interop scenario against a Rowcast server with the official socket.io-client and
// prints one JSON line with what the client saw. Usage: node scenario.mjs <name> <baseUrl> [arg]
import { io } from "socket.io-client";

const [name, base, arg] = process.argv.slice(2);
const deadline = setTimeout(() => fail(`scenario ${name} did not finish within 15 s`), 15000);

function done(result) {
  clearTimeout(deadline);
  process.stdout.write(JSON.stringify(result) + "\n");
  process.exit(0);
}

function fail(message) {
  process.stderr.write(message + "\n");
  process.exit(1);
}

function connect(path = "", options = {}) {
  return io(base + path, { reconnection: false, forceNew: true, ...options });
}

// Each awaited event is logged to stderr, so a scenario that times out shows where it stopped.
function once(emitter, event) {
  process.stderr.write(`${Date.now() % 100000} waiting for ${event}\n`);
  return new Promise((resolve) => emitter.once(event, (...args) => resolve(args)));
}

// Resolves with every ack argument (emitWithAck would keep only the first).
function ack(socket, event, ...args) {
  return new Promise((resolve, reject) =>
    socket.timeout(5000).emit(event, ...args, (error, ...answer) => (error ? reject(error) : resolve(answer))));
}

function echo(socket, ...args) {
  const back = once(socket, "message-back");
  socket.emit("message", ...args);
  return back;
}

const scenarios = {
  // arg: "default" | "websocket" | "polling"
  async transports() {
    const options = arg === "default" ? {} : { transports: [arg] };
    const socket = connect("", options);
    const auth = once(socket, "auth");
    await once(socket.io, "open");
    const first = socket.io.engine.transport.name;
    // registered while the probe is still on the wire: it needs a round trip first
    const upgraded = arg === "default" ? once(socket.io.engine, "upgrade") : Promise.resolve();
    const [authPayload] = await auth;
    await upgraded;
    const [a, b, c] = await echo(socket, 1, "2", { 3: [true] });
    const result = { first, transport: socket.io.engine.transport.name, auth: authPayload, echoed: [a, b, c], id: socket.id };
    socket.disconnect();
    return result;
  },

  async acks() {
    const socket = connect("", { transports: [arg || "websocket"] });
    await once(socket, "connect");
    const clientAck = await ack(socket, "message-with-ack", 1, "2", { 3: [true] });
    socket.on("question", (n, callback) => callback(n + 1, "from-client"));
    const answered = once(socket, "answer-received");
    socket.emit("ask-me", 41);
    const [serverSaw] = await answered;
    socket.disconnect();
    return { clientAck, serverSaw };
  },

  async binary() {
    const socket = connect("", { transports: [arg || "websocket"] });
    await once(socket, "connect");
    const [buf, nested] = await echo(socket, Buffer.from([1, 2, 3]), { inner: Buffer.from([250, 0, 7]), text: "t" });
    const [ackBuf] = await ack(socket, "message-with-ack", Buffer.from("hello"));
    const [serverBytes] = await (() => {
      const p = once(socket, "bytes");
      socket.emit("send-bytes");
      return p;
    })();
    socket.disconnect();
    return {
      echoed: [...buf],
      nested: [...nested.inner],
      nestedText: nested.text,
      acked: Buffer.from(ackBuf).toString(),
      fromServer: [...Buffer.from(serverBytes)],
      fromServerIsBuffer: Buffer.isBuffer(serverBytes),
    };
  },

  // arg: transport. An object shaped like a binary placeholder, in an event with no binary in
  // it, is plain data: it comes back as sent, and the session lives.
  async placeholderLookalike() {
    const socket = connect("", { transports: [arg] });
    await once(socket, "connect");
    const sent = { p: { _placeholder: true, num: 0 } };
    const result = await Promise.race([
      echo(socket, "x", sent).then(([name, back]) => ({ name, back })),
      once(socket, "disconnect").then(([reason]) => ({ disconnect: reason })),
    ]);
    socket.disconnect();
    return result;
  },

  async namespace() {
    const socket = connect("/custom", { auth: { token: "abc" } });
    const [auth] = await once(socket, "auth");
    const [back] = await echo(socket, "in-custom");
    socket.disconnect();
    return { auth, back, nsp: socket.nsp };
  },

  async unknownNamespace() {
    const socket = connect("/random");
    const [error] = await once(socket, "connect_error");
    return { message: error.message, active: socket.active };
  },

  // arg: transport. One socket sends more than maxPayload; another one keeps working.
  async maxPayload() {
    const bystander = connect("", { transports: ["websocket"] });
    await once(bystander, "connect");
    const offender = connect("", { transports: [arg] });
    await once(offender, "connect");
    const disconnected = once(offender, "disconnect");
    offender.emit("message", "x".repeat(Number(process.env.ROWCAST_BIG || 200000)));
    const [reason] = await disconnected;
    const [stillWorks] = await echo(bystander, "still-alive");
    bystander.disconnect();
    return { reason, stillWorks };
  },

  // The transport drops; the client comes back as itself and gets what was emitted meanwhile.
  async recovery() {
    const socket = connect("", { transports: ["websocket"], reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 200 });
    await once(socket, "auth");
    const firstId = socket.id;
    const firstRecovered = socket.recovered;
    await ack(socket, "join-room", "room1");
    await ack(socket, "emit-when-gone");
    const reconnected = once(socket, "connect");
    const missed = once(socket, "missed");
    socket.io.engine.close();
    await reconnected;
    const [reason] = await missed;
    const result = { firstRecovered, recovered: socket.recovered, sameId: socket.id === firstId, reason };
    socket.disconnect();
    return result;
  },

  // arg: how many numbered events the server streams to room "stream". The transport is cut
  // mid-stream; every number must arrive once, in order, the missed ones through recovery.
  async recoveryStream() {
    const socket = connect("", { transports: ["websocket"], reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 100, randomizationFactor: 0 });
    await once(socket, "connect");
    const firstId = socket.id;
    const received = [];
    let cutAfter = null;
    let reconnects = 0;
    socket.on("n", (n) => {
      received.push(n);
      if (received.length === 50) {
        cutAfter = n;
        socket.once("connect", () => reconnects++);
        // after this handler, so the client has taken this event's offset as its last one
        setImmediate(() => socket.io.engine.close());
      }
    });
    const ended = once(socket, "stream-end");
    await ack(socket, "join-room", "stream");
    await ack(socket, "start-stream", Number(arg));
    const [total] = await ended;
    const result = { recovered: socket.recovered, reconnects, sameId: socket.id === firstId, cutAfter, total, received };
    socket.disconnect();
    return result;
  },

  // arg: how long (ms) the client stays away on its second cut; the first cut is short (100 ms).
  async recoveryExpired() {
    const socket = connect("", { transports: ["websocket"], reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 100, randomizationFactor: 0 });
    await once(socket, "auth"); // an event with an offset: the client has a pid and an offset to come back with
    const firstId = socket.id;
    let reconnected = once(socket, "connect");
    socket.io.engine.close();
    await reconnected;
    const shortCut = { recovered: socket.recovered, sameId: socket.id === firstId };
    const away = Number(arg);
    socket.io.reconnectionDelay(away);
    socket.io.reconnectionDelayMax(away);
    reconnected = once(socket, "connect");
    const cutAt = Date.now();
    socket.io.engine.close();
    await reconnected;
    const result = { shortCut, recovered: socket.recovered, sameId: socket.id === firstId, awayMs: Date.now() - cutAt };
    socket.disconnect();
    return result;
  },

  // arg: "default" | "websocket" | "polling". The client stays ROWCAST_STAY_MS through the
  // heartbeats it answers, then echoes once: a dropped connection shows as its disconnect reason.
  async stayConnected() {
    const socket = connect("", arg === "default" ? {} : { transports: [arg] });
    await once(socket, "connect");
    let pings = 0;
    socket.io.on("ping", () => pings++);
    let disconnect = null;
    socket.on("disconnect", (reason) => (disconnect = reason));
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.ROWCAST_STAY_MS || 3000)));
    const result = { pings, disconnect, transport: socket.io.engine.transport.name };
    if (disconnect === null) [result.back] = await echo(socket, "still-here");
    socket.disconnect();
    return result;
  },

  // arg: how many events the server emits to room1 while the client is away, more than its send queue
  // holds. The client comes back; a second later it reports how it came back and what happened since.
  async recoveryTooLarge() {
    const socket = connect("", { transports: ["websocket"], reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 100, randomizationFactor: 0 });
    await once(socket, "auth");
    const firstId = socket.id;
    await ack(socket, "join-room", "room1");
    await ack(socket, "flood-when-gone", Number(arg));
    let connects = 0;
    let missed = 0;
    const disconnects = [];
    socket.on("missed", () => missed++);
    socket.on("disconnect", (reason) => disconnects.push(reason));
    const reconnected = once(socket, "connect");
    socket.on("connect", () => connects++);
    socket.io.engine.close();
    await reconnected;
    const recovered = socket.recovered;
    const sameId = socket.id === firstId;
    await new Promise((resolve) => setTimeout(resolve, 1000)); // a replay that overflowed the queue would end the session meanwhile
    const result = { recovered, sameId, connects, missed, disconnects: [...disconnects], connected: socket.connected };
    socket.disconnect();
    return result;
  },

  async serverDisconnect() {
    const socket = connect("", { reconnection: true, reconnectionDelay: 50 });
    await once(socket, "connect");
    let connects = 1;
    socket.on("connect", () => connects++);
    const disconnected = once(socket, "disconnect");
    socket.emit("please-disconnect");
    const [reason] = await disconnected;
    // a client that would reconnect does so after reconnectionDelay (50 ms); give it ten times that
    await new Promise((resolve) => setTimeout(resolve, 500));
    return { reason, active: socket.active, connects };
  },
};

if (!scenarios[name]) fail(`unknown scenario '${name}'; known: ${Object.keys(scenarios).join(", ")}`);
scenarios[name]().then(done, (error) => fail(`scenario ${name} failed: ${error && error.stack || error}`));
