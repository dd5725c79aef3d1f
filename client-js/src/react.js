// useRealtime: the plugin's hook, same signature and lifecycle, with an optional options object.
import { useEffect, useState } from 'react';
import { RealtimeClient } from './index.js';

function envUrl() {
  // Bundlers such as Next.js replace this expression at build time; elsewhere it may not exist.
  try {
    return process.env.NEXT_PUBLIC_WEBSOCKET_URL;
  } catch {
    return undefined;
  }
}

/**
 * Creates a RealtimeClient for `userId` and `token`, identifies the user, and disconnects on
 * unmount or when either changes. Returns the client, or null before the first effect runs.
 */
export function useRealtime(userId, token, options = {}) {
  const [client, setClient] = useState(null);
  const { url = envUrl() || 'ws://localhost:3001', ackTimeout } = options;

  useEffect(() => {
    const realtime = new RealtimeClient({ url, token, ackTimeout });
    if (userId) {
      realtime.identify(userId);
    }
    setClient(realtime);
    return () => {
      realtime.disconnect();
      setClient(null);
    };
  }, [userId, token, url, ackTimeout]);

  return client;
}
