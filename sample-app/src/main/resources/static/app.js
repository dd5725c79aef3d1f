// The sample CMS page: REST for reads and writes, Rowcast (Socket.IO) for everything live.
import { RealtimeClient } from '/vendor/rowcast-client/index.js';

const params = new URLSearchParams(location.search);
// The realtime server runs beside the CMS on port 3001; ?realtime=ws://host:port overrides it.
const REALTIME_URL = params.get('realtime') ?? `ws://${location.hostname || 'localhost'}:3001`;
const CHAT = params.get('chat') ?? 'general';
const CHAT_ROOM = `chat:${CHAT}`;
const SESSION_KEY = 'cms.session';

const $ = (id) => document.getElementById(id);
const state = {
  session: null, // {token, user}
  users: new Map(), // id -> user
  notifications: new Map(),
  posts: new Map(),
  messages: new Map(),
  online: new Set(),
  client: null,
};

// ---- REST

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: {
      ...(body ? { 'Content-Type': 'application/json' } : {}),
      ...(state.session ? { Authorization: `JWT ${state.session.token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await response.json().catch(() => ({}));
  if (response.status === 401 && state.session) {
    logout('Your session has ended; please log in again.');
  }
  if (!response.ok) {
    throw new Error(json.errors?.[0]?.message ?? `${method} ${path} failed (${response.status})`);
  }
  return json;
}

// ---- rendering

function userName(id) {
  const user = state.users.get(String(id));
  return user ? user.name ?? user.email : `user ${id}`;
}

function time(doc) {
  const at = doc.createdAt ?? doc.created_at;
  return at ? new Date(at).toLocaleTimeString() : '';
}

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function renderList(list, docs, render, emptyText) {
  list.replaceChildren(...(docs.length ? docs.map(render) : [el('li', { className: 'empty', textContent: emptyText })]));
}

const byId = (map, newestFirst) =>
  [...map.values()].sort((a, b) => (newestFirst ? Number(b.id) - Number(a.id) : Number(a.id) - Number(b.id)));

function renderNotifications() {
  const docs = byId(state.notifications, true);
  renderList($('notifications'), docs, (n) => {
    const item = el('li', { className: n.read ? 'read' : 'unread' },
      el('span', { className: 'text', textContent: n.message }),
      el('span', { className: 'meta', textContent: time(n) }));
    item.dataset.id = n.id;
    if (!n.read) {
      const mark = el('button', { type: 'button', className: 'small', textContent: 'Mark read' });
      mark.setAttribute('aria-label', `Mark "${n.message}" as read`);
      mark.addEventListener('click', () => api('PATCH', `/api/notifications/${n.id}`, { read: true }).then(
        (r) => upsert('notifications', r.doc), showError));
      item.append(mark);
    }
    return item;
  }, 'No notifications yet.');
  const unread = docs.filter((n) => !n.read).length;
  $('unread').textContent = unread ? String(unread) : '';
}

function renderPosts() {
  renderList($('posts'), byId(state.posts, true), (p) => {
    const item = el('li', {},
      el('span', { className: 'text' }, el('strong', { textContent: p.title }), p.body ? ` — ${p.body}` : ''),
      el('span', { className: 'meta', textContent: [userName(p.author), time(p)].filter(Boolean).join(' · ') }));
    item.dataset.id = p.id;
    return item;
  }, 'No posts yet.');
}

function renderMessages() {
  const list = $('messages');
  renderList(list, byId(state.messages, false), (m) => {
    const item = el('li', {},
      el('span', { className: 'author', textContent: userName(m.author) }),
      el('span', { className: 'text', textContent: m.content }),
      el('span', { className: 'meta', textContent: ` ${time(m)}` }));
    item.dataset.id = m.id;
    return item;
  }, 'No messages yet.');
  list.scrollTop = list.scrollHeight;
}

function renderPresence() {
  const me = String(state.session?.user.id);
  const people = [...state.online].sort().map((id) =>
    el('li', { textContent: id === me ? `${userName(id)} (you)` : userName(id) }));
  $('presence').replaceChildren(...people);
}

const renderers = { notifications: renderNotifications, posts: renderPosts, messages: renderMessages };

// An update's data may hold only what the write changed (and what its rooms need): merged into the doc.
function upsert(collection, doc) {
  state[collection].set(String(doc.id), { ...state[collection].get(String(doc.id)), ...doc });
  renderers[collection]();
}

function setStatus(text, stateName) {
  $('status').textContent = text;
  $('status').dataset.state = stateName;
}

function showError(error) {
  $('app-error').textContent = error?.message ?? String(error);
}

// ---- realtime

function connect() {
  const { token, user } = state.session;
  const client = new RealtimeClient({ url: REALTIME_URL, token });
  state.client = client;

  let connectedBefore = false;
  client.on('connect', async () => {
    setStatus(client.socket.recovered ? 'Live (session resumed)' : 'Live', 'online');
    if (connectedBefore && !client.socket.recovered) {
      // back without the events missed meanwhile (a server restart, a long outage): read the lists anew
      loadLists().catch(showError);
    }
    connectedBefore = true;
    // Sent after the client's own identify/join (buffered or restored), so it sees this socket too.
    try {
      state.online = new Set((await client.presence(CHAT_ROOM)).map(String));
      renderPresence();
    } catch (error) {
      showError(new Error(`Could not read who is online: ${error.message}`));
    }
  });
  client.on('disconnect', () => setStatus('Reconnecting…', 'offline'));
  client.on('connect_error', (error) => setStatus(
    `Realtime unavailable (${error.message})${client.socket.active ? '; retrying…' : ''}`, 'error'));
  client.on('rowcast:error', (e) => showError(new Error(`Realtime refused ${e.event}: ${e.error}`)));

  client.identify(String(user.id));
  client.join([`user:${user.id}`, CHAT_ROOM]).then((ack) => {
    if (!ack.ok) showError(new Error(`Could not join the live rooms: ${ack.error}`));
  });

  for (const collection of ['notifications', 'posts', 'messages']) {
    client.onCollection(collection, (event) => {
      const doc = { ...event.data, id: event.data?.id ?? event.id };
      if (collection === 'messages' && doc.chat !== CHAT) return;
      if (event.operation === 'delete') {
        state[collection].delete(String(doc.id));
        renderers[collection]();
      } else {
        upsert(collection, doc);
      }
    });
  }
  client.on('presence:join', ({ room, userId }) => {
    if (room !== CHAT_ROOM) return;
    state.online.add(String(userId));
    renderPresence();
  });
  client.on('presence:leave', ({ room, userId }) => {
    if (room !== CHAT_ROOM) return;
    state.online.delete(String(userId));
    renderPresence();
  });
}

// The lists as the API has them now, in place of what the page held.
async function loadLists() {
  const [notifications, posts, messages] = await Promise.all([
    api('GET', '/api/notifications?limit=50'),
    api('GET', '/api/posts?limit=50'),
    api('GET', `/api/messages?limit=100&sort=-id&where[chat][equals]=${encodeURIComponent(CHAT)}`),
  ]);
  for (const [collection, result] of [['notifications', notifications], ['posts', posts], ['messages', messages]]) {
    state[collection].clear();
    result.docs.forEach((d) => state[collection].set(String(d.id), d));
    renderers[collection]();
  }
}

// ---- session

async function start(session) {
  state.session = session;
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  $('login').hidden = true;
  $('app').hidden = false;
  $('whoami').hidden = false;
  $('me-email').textContent = session.user.email;
  $('chat-room').textContent = `#${CHAT}`;
  try {
    const users = await api('GET', '/api/users?limit=100&sort=id');
    users.docs.forEach((u) => state.users.set(String(u.id), u));
    // Others first: notifying someone else is what shows the per-user rooms at work.
    const others = [...users.docs].sort((a, b) => (a.id === session.user.id) - (b.id === session.user.id));
    $('notify-user').replaceChildren(...others.map((u) =>
      el('option', { value: u.id, textContent: `${u.name} (${u.email})` })));
    connect();
    await loadLists();
  } catch (error) {
    showError(error);
  }
}

function logout(message = '') {
  state.client?.disconnect();
  state.client = null;
  state.session = null;
  for (const key of ['notifications', 'posts', 'messages']) state[key].clear();
  state.online.clear();
  sessionStorage.removeItem(SESSION_KEY);
  $('app').hidden = true;
  $('whoami').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message;
  setStatus('Not connected', 'offline');
}

// ---- forms

function onSubmit(id, handler) {
  const form = $(id);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await handler(new FormData(form), form);
      $('app-error').textContent = '';
    } catch (error) {
      (id === 'login-form' ? $('login-error') : $('app-error')).textContent = error.message;
    } finally {
      button.disabled = false;
    }
  });
}

onSubmit('login-form', async (data) => {
  const result = await api('POST', '/api/users/login', { email: data.get('email'), password: data.get('password') });
  $('login-error').textContent = '';
  await start({ token: result.token, user: result.user });
});
onSubmit('notify-form', async (data, form) => {
  const result = await api('POST', '/api/notifications', { user: Number(data.get('user')), message: data.get('message') });
  if (String(result.doc.user) === String(state.session.user.id)) upsert('notifications', result.doc);
  form.elements.message.value = '';
});
onSubmit('post-form', async (data, form) => {
  const result = await api('POST', '/api/posts', { title: data.get('title'), body: data.get('body') });
  upsert('posts', result.doc);
  form.reset();
});
onSubmit('chat-form', async (data, form) => {
  const result = await api('POST', '/api/messages', { chat: CHAT, content: data.get('content') });
  upsert('messages', result.doc);
  form.reset();
  form.elements.content.focus();
});
$('logout').addEventListener('click', () => logout());

const saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
if (saved) start(saved);
