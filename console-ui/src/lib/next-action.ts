import { ENTROPY_PATTERN } from '$protocol/draw';
import type { ShowCommandBody, ShowSnapshot } from '$protocol/show';

/** The desk's one large button: the run-of-show's next step, with what the desk itself supplies. */
export interface NextAction {
  command: ShowCommandBody;
  label: string;
  /** Cannot be undone (draws, reveals, closing): shown in the danger colour. */
  irreversible: boolean;
  /** Needs a deliberate hold before it is sent (the server's HELD_COMMANDS). */
  hold: boolean;
  /** For the lock: seats that should score and have not (the desk asks a second confirmation). */
  seatsMissing: number[];
  /** Why it cannot be sent yet (the button is shown, disabled, with this reason). */
  blocked: string | null;
}

/**
 * The next step as the server's run-of-show gives it (snapshot.outlook), with the two inputs only
 * the desk has: the digits the notary read out (the lock is offered only with valid ones) and the
 * server time now (a step that waits for the roll to land).
 */
export function nextAction(
  snapshot: Pick<ShowSnapshot, 'outlook'>,
  input: { entropy: string; now: number },
): NextAction | null {
  const main = snapshot.outlook?.main ?? null;
  if (main === null) return null;
  const entropy = input.entropy.replace(/\s+/gu, '');
  const command: ShowCommandBody =
    main.command === 'lockEntropy'
      ? { type: 'lockEntropy', entropy }
      : main.command === 'lockJudging'
        ? { type: 'lockJudging', without: [] }
        : { type: main.command };
  const blocked =
    main.blocked ??
    (main.command === 'lockEntropy' && !ENTROPY_PATTERN.test(entropy) ? '请先输入至少 20 位数字的公开随机数' : null) ??
    (main.notBefore !== null && input.now < main.notBefore.at ? main.notBefore.reason : null);
  return {
    command,
    label: main.label,
    irreversible: main.irreversible,
    hold: main.hold,
    seatsMissing: main.seatsMissing,
    blocked,
  };
}
