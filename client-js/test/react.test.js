import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import TestRenderer from 'react-test-renderer';
import { useRealtime } from '../src/react.js';
import { startReferenceServer } from './support/reference-server.js';
import { until } from './support/wait.js';

globalThis.IS_REACT_ACT_ENVIRONMENT = true;
const { act } = TestRenderer;

let server;
beforeEach(async () => {
  server = await startReferenceServer();
});
afterEach(() => server.close());

function renderHook(props) {
  const seen = [];
  function Probe({ userId, token }) {
    seen.push(useRealtime(userId, token, { url: server.url }));
    return null;
  }
  let renderer;
  act(() => {
    renderer = TestRenderer.create(createElement(Probe, props));
  });
  return {
    seen,
    current: () => seen.at(-1),
    update: (next) => act(() => renderer.update(createElement(Probe, next))),
    unmount: () => act(() => renderer.unmount()),
  };
}

test('useRealtime connects with the token, identifies the user and disconnects on unmount', async () => {
  const hook = renderHook({ userId: 'alice', token: 'token-alice' });
  assert.equal(hook.seen[0], null, 'null before the effect has run, as in the plugin');
  const client = hook.current();
  assert.ok(client);
  await until(() => server.calls.some(([, event, arg]) => event === 'identify' && arg === 'alice'), 5000, 'identify');
  const [socketId] = server.calls.find(([, event]) => event === 'identify');
  assert.deepEqual(server.io.sockets.sockets.get(socketId).handshake.auth, { token: 'token-alice' });

  hook.unmount();
  assert.equal(client.connected, false);
  await until(() => server.io.sockets.sockets.size === 0, 5000, 'server-side disconnect');
});

test('useRealtime replaces its client when the token changes, as the README example does after login', async () => {
  // The README's page renders with '' first, then with the user fetched from /api/users/me.
  const hook = renderHook({ userId: '', token: '' });
  const anonymous = hook.current();
  assert.ok(anonymous);
  hook.update({ userId: 'bob', token: 'token-bob' });
  const bob = hook.current();
  assert.notEqual(bob, anonymous);
  assert.equal(anonymous.socket.active, false, 'the first client was disconnected');
  await until(() => bob.connected, 5000, 'bob connected');
  assert.deepEqual(await bob.join('user:bob'), { ok: true });
  assert.ok(!server.calls.some(([, event, arg]) => event === 'identify' && arg === ''), 'no identify for no user');
  hook.unmount();
  assert.equal(hook.current(), bob, 'unmounting renders nothing more');
  assert.equal(bob.connected, false);
});
