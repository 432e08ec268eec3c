import type { RoundView, SeatStatus } from '$protocol/show';

/** A seat the operator is about to lock the scores without, and why. */
export interface LockConcern {
  seat: number;
  name: string;
  reasons: string[];
}

const ago = (ms: number) =>
  ms < 60_000 ? `${Math.max(1, Math.round(ms / 1000))} 秒前` : `${Math.round(ms / 60_000)} 分钟前`;

/**
 * The seats a lock would leave behind: those the run-of-show says have not scored (seatsMissing),
 * and those whose tablet is offline or holds an unsent score (the server's seat presence). The
 * desk names them and asks for a second, deliberate confirmation; the lock then logs them.
 */
export function lockConcerns(
  round: RoundView,
  seatsMissing: readonly number[],
  tablets: readonly SeatStatus[],
  now: number,
): LockConcern[] {
  return round.judging.seats.flatMap((seat) => {
    if (seat.recused) return [];
    const tablet = tablets.find((t) => t.seat === seat.seat);
    const missing = seatsMissing.includes(seat.seat);
    const reasons: string[] = [];
    if (missing) reasons.push('未提交评分');
    if (tablet && !tablet.online) {
      // Even after scoring: a tablet off the network may hold a changed score it cannot send.
      reasons.push(
        tablet.lastContactAt === null ? '平板离线' : `平板离线（最后联系 ${ago(now - tablet.lastContactAt)}）`,
      );
    } else if (!tablet && missing) reasons.push('平板未连接');
    if (tablet?.unsent) reasons.push('平板上有尚未发出的评分');
    return reasons.length === 0 ? [] : [{ seat: seat.seat, name: seat.name, reasons }];
  });
}
