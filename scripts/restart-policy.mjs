// When npm start's supervisor (scripts/start.mjs) starts the server again, and when it stops trying.
import { EXIT_CONFIG } from '../server/exit-codes.mjs';

/** At most this many restarts within the window: the next crash in it ends npm start. */
export const RESTART_LIMIT = { restarts: 5, windowMs: 30_000 };

/**
 * What follows the server's end: `stop` when it was asked to stop or ended cleanly, `config` for
 * a wrong setting (EXIT_CONFIG: it would fail the same way again), `restart` for a crash or a
 * kill, `give-up` when that crash is one more than the limit allows within the window. `crashes`
 * are the times of the earlier crashes; the answer's list adds this one and drops those past the window.
 */
export function afterServerExit({ code, stopping }, crashes, now) {
  if (stopping || code === 0) return { action: 'stop', crashes };
  if (code === EXIT_CONFIG) return { action: 'config', crashes };
  const recent = [...crashes.filter((at) => at > now - RESTART_LIMIT.windowMs), now];
  return { action: recent.length > RESTART_LIMIT.restarts ? 'give-up' : 'restart', crashes: recent };
}
