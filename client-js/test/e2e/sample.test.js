// The plugin's client code, unchanged, against the sample CMS with the real agent attached.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createElement, useEffect, useState } from 'react';
import TestRenderer from 'react-test-renderer';
import { io } from 'socket.io-client';
import { RealtimeClient } from '../../src/index.js';
import { useRealtime } from '../../src/react.js';
import { startSampleWithAgent } from '../support/sample-app.js';
import { next, until } from '../support/wait.js';

globalThis.IS_REACT_ACT_ENVIRONMENT = true;
const outDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../sample-app/target/client-e2e');

let sample;
let alice;
let bob;
const sockets = [];

before(async () => {
  sample = await startSampleWithAgent({ outDir });
  alice = await sample.login('alice@example.com', 'alice');
  bob = await sample.login('bob@example.com', 'bob');
});
after(async () => {
  sockets.forEach((s) => s.disconnect());
  await sample?.stop();
});

test("the plugin client's exact wire calls receive committed rows and relay chat", async () => {
  // PayloadRealtimeClient: io(url, { auth: token ? { token } : undefined }) and plain emits.
  const socket = io(sample.realtime, { auth: { token: bob.token } });
  sockets.push(socket);
  socket.emit('identify', String(bob.user.id));
  socket.emit('join', `user:${bob.user.id}`);
  socket.emit('join', 'chat:abc123');
  await next(socket, 'connect');
  // One acked call (a repeated join) as a round trip: the joins above are handled before rows are written.
  assert.deepEqual(await socket.timeout(5000).emitWithAck('join', 'chat:abc123'), { ok: true });

  const notification = next(socket, 'realtime:notifications');
  await sample.api('POST', '/api/notifications', alice.token, { user: bob.user.id, message: 'From Alice' });
  const [event] = await notification;
  assert.deepEqual(Object.keys(event).slice(0, 3), ['operation', 'collection', 'data']);
  assert.equal(event.operation, 'create');
  assert.equal(event.collection, 'notifications');
  assert.equal(event.data.message, 'From Alice');
  assert.equal(String(event.data.user), String(bob.user.id));

  const relayed = next(socket, 'chat-message');
  socket.emit('chat-message', { roomId: 'chat:abc123', content: 'Hello world!' });
  assert.deepEqual((await relayed)[0], { content: 'Hello world!' });

  const refused = await new Promise((resolve) => {
    const other = io(sample.realtime, { auth: { token: 'not-a-token' } });
    sockets.push(other);
    other.on('connect_error', resolve);
  });
  assert.equal(refused.message, 'Invalid token');
});

test("the plugin README's useRealtime example shows a notification as it is committed", async () => {
  // The README's page: user and token arrive after a fetch, the hook starts with ''.
  let setSession;
  function Page() {
    const [session, set] = useState();
    setSession = set;
    const realtime = useRealtime(session?.user.id.toString() ?? '', session?.token ?? '', { url: sample.realtime });
    const [message, setMessage] = useState();
    useEffect(() => {
      if (!session || !realtime) return;
      realtime.join(`user:${session.user.id}`);
      realtime.onCollection('notifications', (data) => setMessage(data.data.message));
    }, [session, realtime]);
    Page.realtime = realtime;
    return createElement('div', null, createElement('div', null, session?.user.email), createElement('div', null, message));
  }
  let renderer;
  TestRenderer.act(() => {
    renderer = TestRenderer.create(createElement(Page));
  });
  try {
    await TestRenderer.act(async () => setSession(alice));
    await until(() => Page.realtime?.connected, 10000, 'the hook connected');
    // The example's join was sent without waiting; this acked join is a round trip behind it.
    assert.deepEqual(await Page.realtime.join(`user:${alice.user.id}`), { ok: true });

    await sample.api('POST', '/api/notifications', bob.token, { user: alice.user.id, message: 'Lunch at noon?' });
    await until(() => JSON.stringify(renderer.toJSON()).includes('Lunch at noon?'), 5000, 'the message rendered');
    assert.match(JSON.stringify(renderer.toJSON()), /alice@example\.com/);
  } finally {
    TestRenderer.act(() => renderer.unmount()); // disconnects the hook's client
  }
});

test("Rowcast's client against the real server: refused rooms, presence and relay refusals", async () => {
  const [aliceId, bobId] = [String(alice.user.id), String(bob.user.id)];
  const a = new RealtimeClient({ url: sample.realtime, token: alice.token });
  const b = new RealtimeClient({ url: sample.realtime, token: bob.token });
  sockets.push(a.socket, b.socket);

  // auth.rooms in the sample's rowcast.yml: a user's own room and any chat room, nothing else.
  assert.deepEqual(await a.join(`user:${aliceId}`), { ok: true });
  assert.equal((await a.join(`user:${bobId}`)).ok, false);
  assert.equal((await a.identify(bobId)).ok, false, "identify as another user than the token's");

  assert.deepEqual(await a.identify(aliceId), { ok: true });
  assert.deepEqual(await a.join('chat:e2e'), { ok: true });
  const joined = next(a.socket, 'presence:join');
  assert.deepEqual(await b.identify(bobId), { ok: true });
  assert.deepEqual(await b.join('chat:e2e'), { ok: true });
  assert.deepEqual((await joined)[0], { room: 'chat:e2e', userId: bobId });
  assert.deepEqual((await a.presence('chat:e2e')).sort(), [aliceId, bobId].sort());

  // A relay into a room the sender has not joined, and a reserved event name, are refused.
  assert.equal((await a.emitWithAck('typing', { roomId: 'chat:elsewhere' })).ok, false);
  const error = next(a.socket, 'rowcast:error');
  a.emit('realtime:posts', { roomId: 'chat:e2e' });
  assert.equal((await error)[0].event, 'realtime:posts');

  const left = next(a.socket, 'presence:leave');
  b.disconnect();
  assert.deepEqual((await left)[0], { room: 'chat:e2e', userId: bobId });
  assert.deepEqual(await a.presence('chat:e2e'), [aliceId]);
  a.disconnect();
});
