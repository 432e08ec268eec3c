import { ENTROPY_PATTERN } from '$protocol/draw';
import type { StaffRole } from '$protocol/auth';
import type { ShowCommandBody, ShowSnapshot } from '$protocol/show';

/** The desk's one large button: the run-of-show's next step, with what the desk itself supplies. */
export interface NextAction {
  command: ShowCommandBody;
  label: string;
  /** Whose step it is (the server's outlook says): the other desk shows `waiting` instead. */
  by: StaffRole;
  waiting: string;
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
 * The notary's secret as typed from the printed words or read from their file: 64 hex digits,
 * in groups or with spaces, any case; null when it is not that.
 */
export function normaliseSecret(text: string): string | null {
  const hex = text.replace(/[\s\-:]+/gu, '').toLowerCase();
  return /^[0-9a-f]{64}$/u.test(hex) ? hex : null;
}

/**
 * The next step as the server's run-of-show gives it (snapshot.outlook), with the inputs only
 * the desk has: the digits the notary typed (the lock is offered only with valid ones), the
 * notary's secret (typed or from their file) and the server time now (a step that waits for the
 * roll to land).
 */
export function nextAction(
  snapshot: Pick<ShowSnapshot, 'outlook'>,
  input: { entropy: string; now: number; notarySecret?: string },
): NextAction | null {
  const main = snapshot.outlook?.main ?? null;
  if (main === null) return null;
  const entropy = input.entropy.replace(/\s+/gu, '');
  const secret = normaliseSecret(input.notarySecret ?? '');
  const command: ShowCommandBody =
    main.command === 'lockEntropy'
      ? { type: 'lockEntropy', entropy }
      : main.command === 'revealNotary'
        ? { type: 'revealNotary', secret: secret ?? '' }
        : main.command === 'lockJudging'
          ? { type: 'lockJudging', without: [] }
          : { type: main.command };
  const blocked =
    main.blocked ??
    (main.command === 'lockEntropy' && !ENTROPY_PATTERN.test(entropy) ? '请先输入至少 20 位数字的公开随机数' : null) ??
    (main.command === 'revealNotary' && secret === null ? '请上传密钥文件或输入 64 位十六进制密钥' : null) ??
    (main.notBefore !== null && input.now < main.notBefore.at ? main.notBefore.reason : null);
  return {
    command,
    label: main.label,
    by: main.by,
    waiting: main.waiting,
    irreversible: main.irreversible,
    hold: main.hold,
    seatsMissing: main.seatsMissing,
    blocked,
  };
}
