// The plugin client's calls (@alejotoro-o/payload-real-time's PayloadRealtimeClient) made with the
// official socket.io-client against Rowcast's realtime server; prints one JSON line with what the
// client saw, raw packets included. Usage: node realtime.mjs <scenario> <baseUrl>
import { io } from "socket.io-client";

const [name, base] = process.argv.slice(2);
const deadline = setTimeout(() => fail(`scenario ${name} did not finish within 20 s`), 20000);

function done(result) {
  clearTimeout(deadline);
  process.stdout.write(JSON.stringify(result) + "\n");
  process.exit(0);
}

function fail(message) {
  process.stderr.write(message + "\n");
  process.exit(1);
}

function once(emitter, event) {
  process.stderr.write(`${Date.now() % 100000} waiting for ${event}\n`);
  return new Promise((resolve) => emitter.once(event, (...args) => resolve(args)));
}

function ack(socket, event, ...args) {
  return new Promise((resolve, reject) =>
    socket.timeout(5000).emit(event, ...args, (error, answer) => (error ? reject(error) : resolve(answer))));
}

// As PayloadRealtimeClient: io(url, { auth: token ? { token } : undefined }), no reconnection here.
function client(token) {
  return io(base, { auth: token ? { token } : undefined, reconnection: false, forceNew: true });
}

// Every Socket.IO packet the server sent, as on the wire ("42[...]"), whatever the transport.
function recordPackets(socket) {
  const raw = [];
  socket.io.on("open", () => socket.io.engine.on("packet", (p) => {
    if (p.type === "message") raw.push("4" + p.data);
  }));
  return raw;
}

const scenarios = {
  // identify, join (string and array), leave, relay, onCollection; then what killed the plugin.
  async pluginClient() {
    const socket = client();
    const raw = recordPackets(socket);
    await once(socket, "connect");
    const notification = once(socket, "realtime:notifications"); // onCollection('notifications', cb)
    const chat = once(socket, "chat");
    socket.emit("identify", "u1");
    socket.emit("join", "room1");
    socket.emit("join", ["room2", "room3"]);
    socket.emit("leave", "room3");
    socket.emit("chat", { roomId: "room1", x: 1 });
    const [chatData] = await chat;
    const [notificationData] = await notification;
    const errorEvent = once(socket, "rowcast:error");
    socket.emit("x");
    const [noArgument] = await errorEvent;
    const nullAck = await ack(socket, "x", null);
    const fakeAck = await ack(socket, "realtime:notifications", { roomId: "room1", operation: "create" });
    const stillServing = await ack(socket, "join", "room4");
    const transport = socket.io.engine.transport.name;
    socket.disconnect();
    return { raw, chatData, notificationData, noArgument, nullAck, fakeAck, stillServing, transport };
  },

  // Two tabs of user a, one of user b, in room r: presence counts each user once.
  async presence() {
    const [a1, a2, b] = [client(), client(), client()];
    await Promise.all([a1, a2, b].map((s) => once(s, "connect")));
    const seen = { a1: [], b: [] };
    for (const event of ["presence:join", "presence:leave"]) {
      a1.on(event, (p) => seen.a1.push([event, p]));
      b.on(event, (p) => seen.b.push([event, p]));
    }
    await ack(a1, "identify", "a");
    await ack(a1, "join", "r");
    await ack(a2, "identify", "a");
    await ack(a2, "join", "r");
    // b's join reaches a1 on a1's own connection, which b's acks do not wait for
    const bSeenByA1 = new Promise((resolve) => a1.on("presence:join", (p) => p.userId === "b" && resolve()));
    await ack(b, "join", "r");
    await ack(b, "identify", "b");
    const both = await ack(b, "presence:list", "r");
    await bSeenByA1;
    a1.disconnect();
    const afterOneTab = await ack(b, "presence:list", "r");
    const left = once(b, "presence:leave");
    a2.disconnect();
    await left;
    const afterLastTab = await ack(b, "presence:list", "r");
    b.disconnect();
    return { seen, both, afterOneTab, afterLastTab };
  },

  // TOKENS: {"name": token or null}; each connects once and reports connect or connect_error.
  async tokens() {
    const tokens = JSON.parse(process.env.TOKENS);
    const result = {};
    for (const [label, token] of Object.entries(tokens)) {
      const socket = client(token);
      const outcome = await Promise.race([
        once(socket, "connect").then(() => ({ connected: true })),
        once(socket, "connect_error").then(([error]) => ({ message: error.message, data: error.data, active: socket.active })),
      ]);
      socket.disconnect();
      result[label] = outcome;
    }
    return result;
  },

  // TOKEN expires in a moment: the server says why, then disconnects.
  async expiry() {
    const socket = client(process.env.TOKEN);
    await once(socket, "connect");
    const joined = await ack(socket, "join", "user:1");
    const error = once(socket, "rowcast:error");
    const disconnected = once(socket, "disconnect");
    const [why] = await error;
    const [reason] = await disconnected;
    return { joined, why, reason, active: socket.active };
  },

  // TOKEN (user 1) joins user:1, where the server streams "tick" n. The transport is cut; the client stays
  // away until BACK_AT (epoch ms) and comes back with NEXT as its token (pid and offset added by the client).
  // Connected again, it stays until STAY_UNTIL (epoch ms) and reports what it got after the cut.
  async recoveryToken() {
    const socket = io(base, { auth: { token: process.env.TOKEN }, forceNew: true, transports: ["websocket"],
      reconnection: true, randomizationFactor: 0 });
    const before = [];
    const afterCut = [];
    const errors = [];
    const disconnects = [];
    let cut = false;
    socket.on("tick", (n) => (cut ? afterCut : before).push(n));
    socket.on("rowcast:error", (e) => errors.push(e));
    const first = await Promise.race([once(socket, "connect"), once(socket, "connect_error")]);
    if (first.length) fail(`the first CONNECT was refused: ${first[0].message}`);
    const firstId = socket.id;
    await ack(socket, "join", "user:1");
    await once(socket, "tick"); // an offset to come back with
    socket.on("disconnect", (reason) => disconnects.push(reason));
    const back = Promise.race([
      once(socket, "connect").then(() => ({ connected: true })),
      once(socket, "connect_error").then(([error]) => ({ message: error.message, data: error.data })),
    ]);
    socket.auth = { token: process.env.NEXT };
    const away = Math.max(100, Number(process.env.BACK_AT) - Date.now());
    socket.io.reconnectionDelay(away);
    socket.io.reconnectionDelayMax(away);
    cut = true;
    socket.io.engine.close();
    const outcome = await back;
    const recovered = socket.recovered;
    const sameId = socket.id === firstId;
    const wait = Number(process.env.STAY_UNTIL) - Date.now();
    if (outcome.connected && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // the first disconnect is the cut itself
    const result = { outcome, recovered, sameId, before, afterCut, errors, disconnects: disconnects.slice(1),
      connectedAtEnd: socket.connected };
    socket.disconnect();
    return result;
  },
  // The README's snippet as written: io(url, {auth: {token}}), a join without an ack, a listener. The test cuts
  // the TCP connection under it (a proxy) and commits notifications until EXPECT reached it, or 10 s passed;
  // the client has got no event when the connection drops. Reports each connect's `recovered` and the ids got.
  async blip() {
    const socket = io(base, { auth: { token: process.env.TOKEN }, forceNew: true });
    const connects = [];
    const ids = [];
    const notifications = [];
    socket.on("connect", () => {
      connects.push(socket.recovered);
      ids.push(socket.id);
    });
    socket.emit("join", "user:2");
    const expected = Number(process.env.EXPECT);
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 10000);
      socket.on("realtime:notifications", (event) => {
        notifications.push(event.id);
        if (notifications.length >= expected) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    socket.disconnect();
    return { connects, sameId: new Set(ids).size === 1, notifications };
  },

  // TOKEN (user 1) expires in a moment while the client is in user:1, where the server streams "tick" n. The
  // client does what the README says: its auth is a function reading the current token, and it answers the
  // expiry's disconnect with socket.connect() once it holds a fresh one (NEXT), here AWAY_MS later. Connected
  // again, it waits for 20 ticks (or 3 s) and reports what it got before and after the expiry.
  async expiryComeBack() {
    let token = process.env.TOKEN;
    const socket = io(base, { auth: (cb) => cb({ token }), forceNew: true, transports: ["websocket"] });
    const before = [];
    const after = [];
    const connects = [];
    const reasons = [];
    let expired = false;
    socket.on("rowcast:error", (e) => {
      if (e.event === "auth" && e.error === "Token expired") expired = true;
    });
    socket.on("disconnect", (reason) => {
      reasons.push(reason);
      if (reason === "io server disconnect" && expired) {
        token = process.env.NEXT;
        setTimeout(() => socket.connect(), Number(process.env.AWAY_MS));
      }
    });
    socket.on("connect", () => connects.push(socket.recovered));
    const enough = new Promise((resolve) => {
      socket.on("tick", (n) => {
        (expired ? after : before).push(n);
        if (after.length >= 20) resolve();
      });
    });
    await once(socket, "connect");
    const firstId = socket.id;
    await ack(socket, "join", "user:1");
    await once(socket, "disconnect");
    await Promise.race([once(socket, "connect"), once(socket, "connect_error")]);
    await Promise.race([enough, new Promise((resolve) => setTimeout(resolve, 3000))]);
    const result = { connects: [...connects], reasons: [...reasons], before, after, sameId: socket.id === firstId };
    socket.disconnect();
    return result;
  },
};

if (!scenarios[name]) fail(`unknown scenario '${name}'; known: ${Object.keys(scenarios).join(", ")}`);
scenarios[name]().then(done, (error) => fail(`scenario ${name} failed: ${error && error.stack || error}`));
