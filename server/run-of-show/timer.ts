import type { ReportStatus } from '../protocol/round';

/** The report timer, in server time; shared by the run-of-show and every output. */
export interface ReportTimer {
  durationMs: number;
  status: ReportStatus;
  /** Server time the current run started, while running. */
  runningSince: number | null;
  /** Time already spent in earlier runs. */
  elapsedMs: number;
}

/** Remaining report time at a server moment. */
export function remainingMs(timer: ReportTimer, at: number): number {
  const running = timer.status === 'running' && timer.runningSince !== null ? at - timer.runningSince : 0;
  return Math.max(0, timer.durationMs - timer.elapsedMs - running);
}
