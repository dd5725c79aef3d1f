import { once } from 'node:events';

/** The next `event` from `emitter`, or a rejection naming the event after `ms`. */
export function next(emitter, event, ms = 5000) {
  return once(emitter, event, { signal: AbortSignal.timeout(ms) }).catch((error) => {
    throw new Error(`no '${event}' within ${ms} ms`, { cause: error });
  });
}

/** Polls `check` until it returns a truthy value, failing after `ms`. */
export async function until(check, ms = 5000, what = 'condition') {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
