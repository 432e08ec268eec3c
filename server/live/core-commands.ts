import type { StaffRole } from '../protocol/auth';
import type { JudgeSubmission } from '../protocol/judges';
import type { ShowCommandBody } from '../protocol/show-commands';
import type { ShowCommand } from '../run-of-show/run-of-show';

/**
 * A console's command as the run-of-show applies it and the log records it: the server's time
 * added, the reveal given the server's secret, points turned into hundredths. The one place where
 * the two shapes meet; a new command that differs between them does not compile until handled here.
 */
export function toCoreCommand(
  body: ShowCommandBody,
  context: { at: number; secret: () => string; simulatedNotarySecret: () => string | null; role: StaffRole },
): ShowCommand {
  switch (body.type) {
    case 'reveal': {
      // The secret is the server's: the reveal picks it up here and logs it (it is public from then on),
      // with a rehearsal's simulated notary secret.
      const notarySecret = context.simulatedNotarySecret();
      return {
        type: 'reveal',
        at: context.at,
        secret: context.secret(),
        ...(notarySecret === null ? {} : { notarySecret }),
      };
    }
    case 'abandon':
      // Who abandons decides when they may (the run-of-show checks it): logged with the role.
      return { ...body, at: context.at, by: context.role };
    case 'lockEntropy':
      // Logged with the role that locked it: from format 2 the ceremony accepts only the supervisor's.
      return { ...body, at: context.at, by: context.role };
    case 'correctScore':
      return { ...body, at: context.at, ...inHundredths(body.items) };
    case 'correctOutcome':
      // Who corrects decides when they may: the run-of-show checks the role it is given here.
      return { ...body, at: context.at, by: context.role };
    case 'lockJudging':
      // Logged with the seats knowingly locked without (none unless the desk confirmed them).
      return { ...body, at: context.at, without: body.without ?? [] };
    default:
      return { ...body, at: context.at };
  }
}

/** A judge's score as the run-of-show applies it: tied to the round and auditee it was entered for. */
export function judgeScoreCommand(seat: number, submission: JudgeSubmission, at: number): ShowCommand {
  return {
    type: 'submitScore',
    at,
    seat,
    round: submission.round,
    auditeeNumber: submission.auditeeNumber,
    submissionId: submission.submissionId,
    ...inHundredths(submission.items),
  };
}

/**
 * Points to hundredths for the log (canonical JSON holds integers only). More than two decimals
 * becomes NaN, which the run-of-show refuses with a clear message.
 */
function inHundredths(points: readonly number[]): { items: number[]; hundredths: number } {
  const items = points.map((p) => (Math.abs(p * 100 - Math.round(p * 100)) < 1e-6 ? Math.round(p * 100) : Number.NaN));
  return { items, hundredths: items.reduce((sum, v) => sum + v, 0) };
}
