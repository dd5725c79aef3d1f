// @rowcast/client: the Payload real-time plugin's client API over socket.io-client, plus what it
// lacks: rooms and identity restored after a reconnect, unsubscribe functions and acks as promises.
import { io } from 'socket.io-client';

const DEFAULT_URL = 'ws://localhost:3001';
const DEFAULT_ACK_TIMEOUT = 10000;

export class RealtimeClient {
  #socket;
  #userId;
  #rooms = new Set();
  #ackTimeout;
  #connectedBefore = false;
  #expired = false;
  /** This client's own listeners, by event: `off(event)` without a callback leaves them. */
  #own = new Map();

  /**
   * @param {{url?: string, token?: string | (() => string | null | undefined | Promise<string | null | undefined>),
   *   ackTimeout?: number, socketOptions?: object}} [options]
   *   token: a JWT, or a function giving the current one, called on every connect and reconnect.
   */
  constructor({ url = DEFAULT_URL, token, ackTimeout = DEFAULT_ACK_TIMEOUT, socketOptions } = {}) {
    this.#ackTimeout = ackTimeout;
    const renewable = typeof token === 'function';
    // Same call as the plugin: an empty token means no auth payload at all.
    const auth = renewable ? (send) => currentToken(token).then((t) => send(t ? { token: t } : undefined))
      : token ? { token } : undefined;
    this.#socket = io(url, { ...socketOptions, auth });
    this.#listen('connect', () => {
      // A recovered session kept its rooms on the server; a new one starts with none.
      if (this.#connectedBefore && !this.#socket.recovered) {
        this.#restore();
      }
      this.#connectedBefore = true;
    });
    // The server says why before it disconnects an expired login; it keeps the session a while, so a client
    // back with a fresh token recovers it. socket.io-client never reconnects after a server disconnect by itself.
    this.#listen('rowcast:error', (error) => {
      if (error?.event === 'auth' && error?.error === 'Token expired') this.#expired = true;
    });
    this.#listen('disconnect', (reason) => {
      const expired = this.#expired;
      this.#expired = false;
      if (reason === 'io server disconnect' && expired && renewable) this.#socket.connect();
    });
  }

  /** The underlying socket.io-client Socket. */
  get socket() {
    return this.#socket;
  }

  get connected() {
    return this.#socket.connected;
  }

  /** Registers presence as `userId`; resolves to the server's ack `{ok, error?}`. */
  identify(userId) {
    this.#userId = userId;
    return this.#request('identify', userId);
  }

  /** Joins one room or several; resolves to the server's ack `{ok, error?, joined?}`. */
  join(roomId) {
    for (const room of Array.isArray(roomId) ? roomId : [roomId]) {
      this.#rooms.add(room);
    }
    return this.#request('join', roomId);
  }

  /** Leaves a room; resolves to the server's ack `{ok, error?}`. */
  leave(roomId) {
    this.#rooms.delete(roomId);
    return this.#request('leave', roomId);
  }

  /** Listens to `realtime:{slug}` collection events; returns a function that stops listening. */
  onCollection(slug, callback) {
    return this.on(`realtime:${slug}`, callback);
  }

  /** Listens to any event; returns a function that stops listening. */
  on(event, callback) {
    this.#socket.on(event, callback);
    return () => this.off(event, callback);
  }

  /** Stops `callback` (or, without one, every listener) from receiving `event`. */
  off(event, callback) {
    if (callback) {
      this.#socket.off(event, callback);
    } else {
      this.#socket.removeAllListeners(event);
      // the client's own listeners stay: of that event, or of every event when none is named
      for (const [own, listener] of this.#own) {
        if (event === undefined || own === event) this.#socket.on(own, listener);
      }
    }
  }

  /** Sends an event as the plugin does, without waiting for an answer. */
  emit(event, data) {
    this.#socket.emit(event, data);
  }

  /** Sends an event and resolves to the server's ack; rejects when none comes within the timeout. */
  emitWithAck(event, ...args) {
    return this.#socket.timeout(this.#ackTimeout).emitWithAck(event, ...args);
  }

  /** The user ids present in a room (Rowcast's `presence:list`). */
  async presence(roomId) {
    const answer = await this.emitWithAck('presence:list', roomId);
    return Array.isArray(answer) ? answer : (answer?.userIds ?? answer?.users ?? []);
  }

  disconnect() {
    this.#socket.disconnect();
  }

  // identify/join/leave are usually called without await, as with the plugin: their promises
  // never reject, so an unanswered ack cannot surface as an unhandled rejection.
  #request(event, arg) {
    return this.emitWithAck(event, arg).then(
      (ack) => ack ?? { ok: true },
      (error) => ({ ok: false, error: error?.message ?? String(error) }),
    );
  }

  #listen(event, listener) {
    this.#own.set(event, listener);
    this.#socket.on(event, listener);
  }

  #restore() {
    if (this.#userId !== undefined) {
      this.#request('identify', this.#userId);
    }
    if (this.#rooms.size > 0) {
      this.#request('join', [...this.#rooms]);
    }
  }
}

/** The token function's answer; one that throws or rejects gives no token (the server then refuses a required one). */
async function currentToken(token) {
  try {
    return await token();
  } catch {
    return undefined;
  }
}

/** The plugin's class name, for code written against `@alejotoro-o/payload-real-time`. */
export { RealtimeClient as PayloadRealtimeClient };
