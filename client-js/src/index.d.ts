import type { Socket, ManagerOptions, SocketOptions } from 'socket.io-client';

export interface RealtimeClientOptions {
  /** Socket.IO server URL. Default `ws://localhost:3001`. */
  url?: string;
  /**
   * JWT sent in the CONNECT auth payload as `{ token }`; empty or absent: no auth payload. A function is called
   * for the current token on every connect and reconnect (it may return a promise), and lets the client
   * reconnect by itself, with a fresh token, when the server disconnects it because its token expired.
   */
  token?: string | TokenSource;
  /** Milliseconds to wait for an ack before giving up. Default 10000. */
  ackTimeout?: number;
  /** Passed to socket.io-client's `io()` (transports, reconnection delays, ...); `auth` is set from `token`. */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

/** Gives the current token; called on every connect and reconnect. Throwing or rejecting sends no token. */
export type TokenSource = () => string | null | undefined | Promise<string | null | undefined>;

/** The server's answer to identify/join/leave/relayed events. */
export interface Ack {
  ok: boolean;
  error?: string;
  /** A join that refused some of its rooms: the rooms of the call the connection is in. */
  joined?: string[];
}

export type Operation = 'create' | 'update' | 'delete';

/** The payload of a `realtime:{slug}` event. */
export interface CollectionEvent<T = Record<string, unknown>> {
  operation: Operation;
  collection: string;
  /** The row after the write (for a delete: before it). */
  data: T;
  id: string | number;
  /** Names of the changed fields; updates only. */
  changes?: string[];
  /** Commit time, epoch milliseconds. */
  ts: number;
}

export interface PresenceEvent {
  room: string;
  userId: string;
}

/** Error payload the server sends when a request without an ack is refused. */
export interface RowcastError {
  event: string;
  error: string;
}

export type Unsubscribe = () => void;

export declare class RealtimeClient {
  constructor(options?: RealtimeClientOptions);
  /** The underlying socket.io-client socket. */
  readonly socket: Socket;
  readonly connected: boolean;
  /** Registers presence; re-sent after a reconnect that did not recover the session. Never rejects. */
  identify(userId: string): Promise<Ack>;
  /** Joins rooms; they are re-joined after a reconnect that did not recover the session. Never rejects. */
  join(roomId: string | string[]): Promise<Ack>;
  /** Leaves a room and forgets it. Never rejects. */
  leave(roomId: string): Promise<Ack>;
  onCollection<T = Record<string, unknown>>(slug: string, callback: (event: CollectionEvent<T>) => void): Unsubscribe;
  on(event: 'presence:join' | 'presence:leave', callback: (event: PresenceEvent) => void): Unsubscribe;
  on(event: 'rowcast:error', callback: (event: RowcastError) => void): Unsubscribe;
  on(event: string, callback: (...args: any[]) => void): Unsubscribe;
  off(event: string, callback?: (...args: any[]) => void): void;
  /** Fire and forget, as the plugin's client does. Put `roomId` in `data` to relay it to a room. */
  emit(event: string, data?: unknown): void;
  /** Resolves to the server's ack; rejects if none arrives within `ackTimeout`. */
  emitWithAck<R = Ack>(event: string, ...args: unknown[]): Promise<R>;
  /** The user ids present in a room. */
  presence(roomId: string): Promise<string[]>;
  disconnect(): void;
}

/** The plugin's name for the same class. */
export { RealtimeClient as PayloadRealtimeClient };
