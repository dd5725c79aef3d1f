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

  /**
   * @param {{url?: string, token?: string, ackTimeout?: number, socketOptions?: object}} [options]
   */
  constructor({ url = DEFAULT_URL, token, ackTimeout = DEFAULT_ACK_TIMEOUT, socketOptions } = {}) {
    this.#ackTimeout = ackTimeout;
    // Same call as the plugin: an empty token means no auth payload at all.
    this.#socket = io(url, { ...socketOptions, auth: token ? { token } : undefined });
    this.#socket.on('connect', () => {
      // A recovered session kept its rooms on the server; a new one starts with none.
      if (this.#connectedBefore && !this.#socket.recovered) {
        this.#restore();
      }
      this.#connectedBefore = true;
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

  #restore() {
    if (this.#userId !== undefined) {
      this.#request('identify', this.#userId);
    }
    if (this.#rooms.size > 0) {
      this.#request('join', [...this.#rooms]);
    }
  }
}

/** The plugin's class name, for code written against `@alejotoro-o/payload-real-time`. */
export { RealtimeClient as PayloadRealtimeClient };
