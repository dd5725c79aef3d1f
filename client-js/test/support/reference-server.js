// A stand-in for the Rowcast server built on the Node reference implementation (socket.io 4.8.4),
// answering identify/join/leave/presence/relay with Rowcast's acks (SPEC §4).
// TODO(lead): point the tests at the real Rowcast server once it runs; this file then goes.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

/** Tokens the stand-in accepts, and the user each names (Rowcast reads `sub` from a JWT). */
export const TOKENS = { 'token-alice': 'alice', 'token-bob': 'bob' };

const RESERVED = /^(realtime:|presence:|rowcast:)/;

/**
 * @param {{acks?: boolean, recovery?: boolean, userOf?: (token: string) => string | undefined}} [options]
 *   userOf names a token's user (undefined: invalid); default: the TOKENS table.
 */
export async function startReferenceServer({ acks = true, recovery = false, userOf = (t) => TOKENS[t] } = {}) {
  const http = createServer();
  const io = new Server(http, {
    cors: { origin: '*' }, // the plugin's default, and Rowcast's
    connectionStateRecovery: recovery ? { maxDisconnectionDuration: 60000 } : undefined,
  });
  const calls = []; // every client → server event, in order: [socketId, event, arg]
  const online = new Map(); // room -> Map<userId, count of sockets>

  const reply = (ack, answer) => {
    if (acks && typeof ack === 'function') ack(answer);
  };
  const allowed = (socket, room) =>
    typeof room === 'string' && (room === `user:${socket.data.userId}` || room.startsWith('chat:'));

  function enterPresence(socket, room) {
    const who = socket.data.identified;
    if (!who) return;
    const users = online.get(room) ?? new Map();
    online.set(room, users);
    users.set(who, (users.get(who) ?? 0) + 1);
    if (users.get(who) === 1) io.to(room).emit('presence:join', { room, userId: who });
  }
  function exitPresence(socket, room) {
    const who = socket.data.identified;
    const users = online.get(room);
    if (!who || !users?.has(who)) return;
    users.set(who, users.get(who) - 1);
    if (users.get(who) === 0) {
      users.delete(who);
      io.to(room).emit('presence:leave', { room, userId: who });
    }
  }

  io.use((socket, next) => {
    const token = socket.handshake.auth?.token;
    if (!token) return next(new Error('Missing token'));
    const userId = userOf(token);
    if (!userId) return next(new Error('Invalid token'));
    socket.data.userId = userId;
    next();
  });

  io.on('connection', (socket) => {
    socket.onAny((event, ...args) => {
      const ack = typeof args.at(-1) === 'function' ? args.pop() : undefined;
      const data = args[0];
      calls.push([socket.id, event, data]);
      if (['identify', 'join', 'leave', 'presence:list'].includes(event)) return;
      const roomId = data?.roomId;
      if (RESERVED.test(event) || !allowed(socket, roomId) || !socket.rooms.has(roomId)) {
        const error = `refused: ${event}`;
        return ack ? reply(ack, { ok: false, error }) : socket.emit('rowcast:error', { event, error });
      }
      const { roomId: _, ...rest } = data;
      io.to(roomId).emit(event, rest);
      reply(ack, { ok: true });
    });
    socket.on('identify', (userId, ack) => {
      if (userId !== socket.data.userId) return reply(ack, { ok: false, error: 'identify: not your user id' });
      socket.data.identified = userId;
      for (const room of socket.rooms) if (room !== socket.id) enterPresence(socket, room);
      reply(ack, { ok: true });
    });
    socket.on('join', (rooms, ack) => {
      const list = Array.isArray(rooms) ? rooms : [rooms];
      const refused = list.filter((room) => !allowed(socket, room));
      for (const room of list.filter((r) => allowed(socket, r))) {
        if (!socket.rooms.has(room)) {
          socket.join(room);
          enterPresence(socket, room);
        }
      }
      reply(ack, refused.length ? { ok: false, error: `room not allowed: ${refused.join(', ')}` } : { ok: true });
    });
    socket.on('leave', (room, ack) => {
      exitPresence(socket, room);
      socket.leave(room);
      reply(ack, { ok: true });
    });
    socket.on('presence:list', (room, ack) => reply(ack, [...(online.get(room)?.keys() ?? [])]));
    socket.on('disconnecting', () => {
      for (const room of socket.rooms) if (room !== socket.id) exitPresence(socket, room);
    });
  });

  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${http.address().port}`;
  return {
    io,
    url,
    calls,
    async close() {
      io.disconnectSockets(true);
      await new Promise((resolve) => io.close(resolve));
    },
  };
}
