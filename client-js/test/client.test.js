import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { RealtimeClient, PayloadRealtimeClient } from '../src/index.js';
import { startReferenceServer } from './support/reference-server.js';
import { next, until } from './support/wait.js';

let server;
const clients = [];
const fast = { reconnectionDelay: 50, reconnectionDelayMax: 100 };

function client(options) {
  const c = new RealtimeClient({ url: server.url, socketOptions: fast, ...options });
  clients.push(c);
  return c;
}
const serverSocket = async (c) => {
  await until(() => c.connected && server.io.sockets.sockets.get(c.socket.id), 5000, 'server socket');
  return server.io.sockets.sockets.get(c.socket.id);
};

beforeEach(async () => {
  server = await startReferenceServer();
});
afterEach(async () => {
  clients.splice(0).forEach((c) => c.disconnect());
  await server.close();
});

test('the token travels in the CONNECT auth payload, and no token means no auth payload', async () => {
  const alice = client({ token: 'token-alice' });
  await next(alice.socket, 'connect');
  assert.deepEqual((await serverSocket(alice)).handshake.auth, { token: 'token-alice' });

  const anonymous = client({ token: '' });
  const [error] = await next(anonymous.socket, 'connect_error');
  assert.equal(error.message, 'Missing token');
});

test('the plugin class name and default url are kept', () => {
  assert.equal(PayloadRealtimeClient, RealtimeClient);
  const c = new RealtimeClient({ socketOptions: { autoConnect: false } });
  assert.equal(c.socket.io.uri, 'ws://localhost:3001');
});

test('join resolves to the ack, and a refused room is reported and not joined', async () => {
  const alice = client({ token: 'token-alice' });
  assert.deepEqual(await alice.join('user:alice'), { ok: true });
  const refused = await alice.join('user:bob');
  assert.equal(refused.ok, false);
  assert.match(refused.error, /user:bob/);
  const rooms = (await serverSocket(alice)).rooms;
  assert.ok(rooms.has('user:alice'));
  assert.ok(!rooms.has('user:bob'));
});

test('onCollection delivers realtime:{slug} events until its unsubscribe is called', async () => {
  const alice = client({ token: 'token-alice' });
  await alice.join('user:alice');
  const received = [];
  const stop = alice.onCollection('notifications', (event) => received.push(event));
  const event = {
    operation: 'create', collection: 'notifications', data: { id: 7, user: 'alice', message: 'hi' }, id: 7, ts: 1,
  };
  server.io.to('user:alice').emit('realtime:notifications', event);
  await until(() => received.length === 1, 5000, 'first event');
  assert.deepEqual(received[0], event);

  stop();
  server.io.to('user:alice').emit('realtime:notifications', { ...event, id: 8 });
  server.io.to('user:alice').emit('marker');
  await next(alice.socket, 'marker');
  assert.equal(received.length, 1);
});

test('off removes a listener registered with on', async () => {
  const alice = client({ token: 'token-alice' });
  await alice.join('chat:general');
  let count = 0;
  const listener = () => count++;
  alice.on('ping-room', listener);
  alice.off('ping-room', listener);
  server.io.to('chat:general').emit('ping-room');
  server.io.to('chat:general').emit('marker');
  await next(alice.socket, 'marker');
  assert.equal(count, 0);
});

test('emit sends the plugin wire call, and a relayed event reaches the room with roomId removed', async () => {
  const alice = client({ token: 'token-alice' });
  const bob = client({ token: 'token-bob' });
  await Promise.all([alice.join('chat:general'), bob.join('chat:general')]);
  const heard = next(bob.socket, 'chat-message');
  alice.emit('chat-message', { roomId: 'chat:general', content: 'Hello world!' });
  assert.deepEqual((await heard)[0], { content: 'Hello world!' });
  assert.deepEqual(server.calls.at(-1).slice(1), ['chat-message', { roomId: 'chat:general', content: 'Hello world!' }]);
});

test('emitWithAck resolves to the server ack, and a refusal without ack arrives as rowcast:error', async () => {
  const alice = client({ token: 'token-alice' });
  await alice.join('chat:general');
  assert.deepEqual(await alice.emitWithAck('typing', { roomId: 'chat:general' }), { ok: true });
  assert.equal((await alice.emitWithAck('typing', { roomId: 'chat:elsewhere' })).ok, false);

  const error = next(alice.socket, 'rowcast:error');
  alice.emit('realtime:posts', { roomId: 'chat:general' });
  assert.deepEqual((await error)[0], { event: 'realtime:posts', error: 'refused: realtime:posts' });
});

test('rooms and identity are restored after a reconnect that lost the session', async () => {
  const alice = client({ token: 'token-alice' });
  await alice.identify('alice');
  await alice.join(['user:alice', 'chat:general', 'chat:random']);
  await alice.leave('chat:random');
  const first = await serverSocket(alice);

  first.conn.close(); // a network drop: the client reconnects as a new socket
  await until(() => alice.connected && alice.socket.id !== first.id, 5000, 'reconnect');
  const second = await serverSocket(alice);
  await until(() => second.rooms.has('chat:general') && second.data.identified === 'alice', 5000, 'restore');
  assert.deepEqual([...second.rooms].filter((r) => r !== second.id).sort(), ['chat:general', 'user:alice']);
  assert.ok(!alice.socket.recovered);
});

test('a recovered session is not re-joined', async () => {
  await server.close();
  server = await startReferenceServer({ recovery: true });
  const alice = client({ token: 'token-alice' });
  await alice.join('chat:general');
  // The client can only ask for recovery once it has received an event carrying an offset.
  const heardBefore = next(alice.socket, 'before');
  server.io.to('chat:general').emit('before');
  await heardBefore;
  const before = server.calls.length;
  const first = await serverSocket(alice);
  first.conn.close();
  await until(() => alice.connected && alice.socket.recovered, 5000, 'recovered session');
  const heard = next(alice.socket, 'after');
  server.io.to('chat:general').emit('after');
  await heard; // the recovered socket is still in its room
  await alice.presence('chat:general'); // a round trip: the server has seen all that came before
  assert.deepEqual(server.calls.slice(before).map(([, event]) => event), ['presence:list'], 'nothing re-sent');
});

test('identify, join and leave never reject when the server sends no acks (the plugin server)', async () => {
  await server.close();
  server = await startReferenceServer({ acks: false });
  const alice = client({ token: 'token-alice', ackTimeout: 200 });
  const results = await Promise.all([alice.identify('alice'), alice.join('chat:general'), alice.leave('chat:general')]);
  for (const result of results) {
    assert.equal(result.ok, false);
    assert.match(result.error, /timed out/);
  }
  await assert.rejects(alice.emitWithAck('typing', { roomId: 'chat:general' }), /timed out/);
});

test('presence: join and leave events, and the list of users in a room', async () => {
  const alice = client({ token: 'token-alice' });
  await alice.identify('alice');
  await alice.join('chat:general');
  const joined = next(alice.socket, 'presence:join');
  const bob = client({ token: 'token-bob' });
  await bob.identify('bob');
  await bob.join('chat:general');
  assert.deepEqual((await joined)[0], { room: 'chat:general', userId: 'bob' });
  assert.deepEqual((await alice.presence('chat:general')).sort(), ['alice', 'bob']);

  const left = next(alice.socket, 'presence:leave');
  bob.disconnect();
  assert.deepEqual((await left)[0], { room: 'chat:general', userId: 'bob' });
  assert.deepEqual(await alice.presence('chat:general'), ['alice']);
});

test('a token function is asked on connect, and its promise is awaited; one that fails gives no token', async () => {
  let calls = 0;
  const alice = client({ token: async () => { calls += 1; return 'token-alice'; } });
  await next(alice.socket, 'connect');
  assert.deepEqual((await serverSocket(alice)).handshake.auth, { token: 'token-alice' });
  assert.equal(calls, 1);

  const failing = client({ token: () => Promise.reject(new Error('refresh failed')) });
  const [error] = await next(failing.socket, 'connect_error');
  assert.equal(error.message, 'Missing token', 'a token that cannot be had is no token');
});

/** What Rowcast does when a token expires: it says why, then disconnects the socket. */
function expire(serverSide) {
  serverSide.emit('rowcast:error', { event: 'auth', error: 'Token expired' });
  serverSide.disconnect();
}

test('an expired token is renewed through the token function and the client reconnects by itself', async () => {
  await server.close();
  server = await startReferenceServer({ userOf: (t) => (t.startsWith('token-alice') ? 'alice' : undefined) });
  const tokens = ['token-alice-1', 'token-alice-2'];
  const alice = client({ token: () => tokens.shift() });
  await alice.join('user:alice');
  const first = await serverSocket(alice);

  const back = next(alice.socket, 'connect');
  expire(first);
  await back;
  const second = await serverSocket(alice);
  assert.deepEqual(second.handshake.auth, { token: 'token-alice-2' }, 'the function was asked again');
  // this stand-in keeps no session after a server disconnect (Rowcast does): the client joins its rooms again
  await until(() => second.rooms.has('user:alice'), 5000, 'rooms joined again');
});

test('no reconnect after a server disconnect that is not an expiry, nor with a token that cannot be renewed', async () => {
  const renewable = client({ token: () => 'token-alice' });
  await next(renewable.socket, 'connect');
  const kicked = next(renewable.socket, 'disconnect');
  (await serverSocket(renewable)).disconnect();
  assert.equal((await kicked)[0], 'io server disconnect');
  assert.equal(renewable.socket.active, false);

  const fixed = client({ token: 'token-alice' });
  await next(fixed.socket, 'connect');
  const expired = next(fixed.socket, 'disconnect');
  expire(await serverSocket(fixed));
  assert.equal((await expired)[0], 'io server disconnect');
  assert.equal(fixed.socket.active, false, 'the same expired token would be refused');
});

test('off(event) without a callback leaves the client its own listeners', async () => {
  const tokens = ['token-alice', 'token-alice'];
  const alice = client({ token: () => tokens.shift() });
  alice.on('rowcast:error', () => {});
  alice.off('rowcast:error');
  alice.off('disconnect');
  alice.off(); // every event: the client's own listeners stay all the same
  await next(alice.socket, 'connect');
  const back = next(alice.socket, 'connect');
  expire(await serverSocket(alice));
  await back;
});
