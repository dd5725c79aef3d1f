import type { RealtimeClient, RealtimeClientOptions } from './index.js';

export interface UseRealtimeOptions {
  /** Default: `process.env.NEXT_PUBLIC_WEBSOCKET_URL`, else `ws://localhost:3001`. */
  url?: string;
  ackTimeout?: RealtimeClientOptions['ackTimeout'];
}

/**
 * The plugin's hook: a client for `userId`/`token`, identified, disconnected on unmount or when
 * an argument changes. `null` until the effect has run.
 */
export declare function useRealtime(userId: string, token?: string, options?: UseRealtimeOptions): RealtimeClient | null;
