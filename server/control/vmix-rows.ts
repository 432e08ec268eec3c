import { remainingMs } from '../run-of-show/timer';
import { formatFinal } from '../scoring/format';
import { ROUND_STEP_LABEL } from '../protocol/round';
import type { ShowSnapshot } from '../protocol/show-views';
import type { VmixRow } from '../protocol/control';
import { clockText } from './control-state';

/** Every field, empty: vMix reads the columns from the rows, so each row has them all. */
const empty = (): VmixRow => ({
  kind: '',
  title: '',
  rehearsal: '',
  round: '',
  step: '',
  auditeeName: '',
  auditeeUnit: '',
  auditeePost: '',
  timer: '',
  judges: '',
  judgesScore: '',
  householdsScore: '',
  combinedScore: '',
  tier: '',
  householdIndex: '',
  householdName: '',
  householdVillage: '',
  callStatus: '',
  outcome: '',
  satisfaction: '',
});
const points = (hundredths: number | null | undefined) =>
  hundredths === null || hundredths === undefined ? '' : formatFinal(hundredths);

/**
 * vMix's JSON data source, from the overlay's snapshot: households masked (张*三, no phone), the
 * auditee as the overlay names them, scores only once revealed. Row 0 is the show; then one row per
 * household of the current round, in the order drawn (replaced ones left out, as on air).
 */
export function vmixRows(snapshot: ShowSnapshot | null, at: number): VmixRow[] {
  const show = empty();
  show.kind = 'show';
  if (snapshot === null) return [show];
  const round = snapshot.rounds.at(-1);
  show.title = snapshot.title;
  show.rehearsal = snapshot.rehearsal ? '演练' : '';
  if (round === undefined) return [show];
  show.round = `第 ${round.index + 1} 轮`;
  show.step = ROUND_STEP_LABEL[round.step];
  show.auditeeName = round.auditee.name;
  show.auditeeUnit = round.auditee.unit;
  show.auditeePost = round.auditee.post;
  show.timer = clockText(remainingMs(round.report, at));
  show.judges = round.judging.expected > 0 ? `${round.judging.submitted}/${round.judging.expected}` : '';
  show.judgesScore = points(round.score?.judges?.finalHundredths);
  show.householdsScore = points(round.score?.households.scoreHundredths);
  show.combinedScore = points(round.score?.combinedHundredths);
  show.tier = round.score?.tier ?? '';
  const households = round.households
    .filter((household) => household.replaced === null)
    .map((household, i) => {
      const row = empty();
      row.kind = 'household';
      row.title = show.title;
      row.rehearsal = show.rehearsal;
      row.round = show.round;
      row.householdIndex = String(i + 1);
      row.householdName = household.name;
      row.householdVillage = household.village;
      row.callStatus = household.callStatus;
      row.outcome = household.outcome ?? '';
      row.satisfaction = household.satisfaction ?? '';
      return row;
    });
  return [show, ...households];
}
