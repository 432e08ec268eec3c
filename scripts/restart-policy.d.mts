export const RESTART_LIMIT: { restarts: number; windowMs: number };
export type AfterExit = 'stop' | 'config' | 'restart' | 'give-up';
/** What follows the server's end, and the crash times to remember (this one added, those past the window dropped). */
export function afterServerExit(
  exit: { code: number | null; stopping: boolean },
  crashes: readonly number[],
  now: number,
): { action: AfterExit; crashes: number[] };
