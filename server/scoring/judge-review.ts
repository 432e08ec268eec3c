/**
 * The judges' report (评委评分质量评估), pure: the rounds of one or more closed shows in, each
 * judge's figures and flags out. In the spirit of FIG's Judge Evaluation Program: every score is
 * compared with the trimmed mean of the *other* judges of its round (so a biased judge does not
 * move their own reference) and scaled by that round's panel spread (the median absolute deviation,
 * with a floor). Integers in hundredths throughout; docs/judges-report.md works an example.
 */

import {
  BIAS_DIMENSIONS,
  JUDGE_FLAG_LABEL,
  type BiasDimension,
  type JudgeFigures,
  type JudgeFlag,
  type JudgeGroupFigure,
  type JudgeReviewRow,
  type JudgeReviewRules,
  type TrimMark,
} from '../protocol/judge-review';
import { REPORT_DIMENSION_LABEL } from '../protocol/reports';
import { formatFinal, roundDiv } from './format';

/** One revealed round of a closed show, as the report reads it. */
export interface PanelRound {
  eventId: string;
  eventTitle: string;
  eventDate: string;
  /** 0-based, as the show counts. */
  round: number;
  auditeeNumber: string;
  placement: Record<BiasDimension, string>;
  /** The declared panel: every seat and its judge, recused or not. */
  panel: { seat: number; judge: string }[];
  /** Seats that sat the round out (回避). */
  recused: number[];
  /** The scores that counted (after any supervisor's correction), totals in hundredths. */
  scores: { seat: number; hundredths: number }[];
  /** Seats the round's own rule dropped as highest and lowest (on totals or in any criterion). */
  droppedHigh: number[];
  droppedLow: number[];
  rechecks: number[];
  correctedSeats: number[];
}

/** A ratio of integers rounded to the nearest integer, halves away from zero (so −x mirrors x). */
export function signedRoundDiv(numerator: number, denominator: number): number {
  const magnitude = roundDiv(Math.abs(numerator), denominator);
  return numerator < 0 && magnitude !== 0 ? -magnitude : magnitude;
}

/** +8.13 / −0.25 / 0.00: a signed deviation in points. */
export function formatSigned(hundredths: number): string {
  const sign = hundredths > 0 ? '+' : hundredths < 0 ? '−' : '';
  return `${sign}${formatFinal(Math.abs(hundredths))}`;
}

/** The median of integers; an even count takes the mean of the middle two, rounded half up. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[mid] as number;
  return roundDiv((sorted[mid - 1] as number) + (sorted[mid] as number), 2);
}

/**
 * The reference for one seat: the other judges' scores, sorted, with `referenceTrimPerSide` highest
 * and lowest dropped when at least `referenceTrimFrom` others scored; the mean of the rest, rounded.
 */
export function referenceOf(others: readonly number[], rules: JudgeReviewRules): number {
  const sorted = [...others].sort((a, b) => a - b);
  const k = rules.referenceTrimPerSide;
  const kept =
    k > 0 && sorted.length >= rules.referenceTrimFrom && sorted.length > 2 * k
      ? sorted.slice(k, sorted.length - k)
      : sorted;
  return roundDiv(
    kept.reduce((sum, v) => sum + v, 0),
    kept.length,
  );
}

/** The round's spread: the median absolute deviation of every score from the panel's median, floored. */
export function spreadOf(scores: readonly number[], rules: JudgeReviewRules): number {
  const middle = median(scores);
  return Math.max(rules.spreadFloorHundredths, median(scores.map((s) => Math.abs(s - middle))));
}

/** Each judge's score of each round with its reference, deviation, spread and marking. */
export function reviewRows(rounds: readonly PanelRound[], rules: JudgeReviewRules): JudgeReviewRow[] {
  const rows: JudgeReviewRow[] = [];
  for (const round of rounds) {
    // A reference needs at least one other judge.
    if (round.scores.length < 2) continue;
    const spread = spreadOf(
      round.scores.map((s) => s.hundredths),
      rules,
    );
    for (const score of [...round.scores].sort((a, b) => a.seat - b.seat)) {
      const reference = referenceOf(
        round.scores.filter((s) => s.seat !== score.seat).map((s) => s.hundredths),
        rules,
      );
      const deviation = score.hundredths - reference;
      const trim: TrimMark = round.droppedHigh.includes(score.seat)
        ? 'high'
        : round.droppedLow.includes(score.seat)
          ? 'low'
          : 'kept';
      rows.push({
        eventId: round.eventId,
        eventTitle: round.eventTitle,
        eventDate: round.eventDate,
        round: round.round + 1,
        auditeeNumber: round.auditeeNumber,
        unit: round.placement.unit,
        town: round.placement.town,
        seat: score.seat,
        judge: round.panel.find((p) => p.seat === score.seat)?.judge ?? `${score.seat} 号席`,
        scoreHundredths: score.hundredths,
        referenceHundredths: reference,
        deviationHundredths: deviation,
        spreadHundredths: spread,
        markingHundredths: roundDiv(Math.abs(deviation) * 100, spread),
        trim,
        recheck: round.rechecks.includes(score.seat),
        corrected: round.correctedSeats.includes(score.seat),
      });
    }
  }
  return rows;
}

const meanDeviation = (rows: readonly JudgeReviewRow[]) =>
  signedRoundDiv(
    rows.reduce((sum, r) => sum + r.deviationHundredths, 0),
    rows.length,
  );

function groupFigures(rows: readonly JudgeReviewRow[]): JudgeGroupFigure[] {
  return BIAS_DIMENSIONS.flatMap((dimension) => {
    const names = [...new Set(rows.map((r) => r[dimension]))].sort();
    return names.map((group) => {
      const inGroup = rows.filter((r) => r[dimension] === group);
      const mean = meanDeviation(inGroup);
      return {
        dimension,
        group,
        rounds: inGroup.length,
        meanDeviationHundredths: mean,
        sameSide: mean === 0 ? 0 : inGroup.filter((r) => Math.sign(r.deviationHundredths) === Math.sign(mean)).length,
      };
    });
  });
}

/**
 * A bias flag: at least `minRounds` rounds in the group, a mean deviation there of at least
 * `biasHundredths`, `sameSidePercent` of them on that side, and (when the judge scored elsewhere)
 * at least `biasHundredths` away from the judge's own mean outside the group.
 */
function biasFlag(
  figure: JudgeGroupFigure,
  rows: readonly JudgeReviewRow[],
  rules: JudgeReviewRules,
): JudgeFlag | null {
  const mean = figure.meanDeviationHundredths;
  if (figure.rounds < rules.minRounds || Math.abs(mean) < rules.biasHundredths) return null;
  if (figure.sameSide * 100 < rules.sameSidePercent * figure.rounds) return null;
  const outside = rows.filter((r) => r[figure.dimension] !== figure.group);
  const elsewhere = outside.length === 0 ? null : meanDeviation(outside);
  if (elsewhere !== null && Math.abs(mean - elsewhere) < rules.biasHundredths) return null;
  const kind = mean > 0 ? 'high' : 'low';
  const side = mean > 0 ? '高' : '低';
  const where = `${REPORT_DIMENSION_LABEL[figure.dimension]}「${figure.group}」`;
  const others =
    elsewhere === null ? '（其余轮次无评分）' : `（其余 ${outside.length} 轮平均 ${formatSigned(elsewhere)}）`;
  return {
    kind,
    dimension: figure.dimension,
    group: figure.group,
    rounds: figure.rounds,
    valueHundredths: mean,
    elsewhereHundredths: elsewhere,
    text: `${JUDGE_FLAG_LABEL[kind]}：${where} ${figure.rounds} 轮平均比其他评委${side} ${formatFinal(Math.abs(mean))} 分，${figure.sameSide} 轮偏${side}${others}`,
  };
}

/**
 * The report's figures per judge (the same person across events by name), in the order judges
 * first appear (events by date, then seat), with their flags. `rows` comes from reviewRows.
 */
export function judgeFigures(
  rounds: readonly PanelRound[],
  rows: readonly JudgeReviewRow[],
  rules: JudgeReviewRules,
): JudgeFigures[] {
  const names: string[] = [];
  for (const round of rounds) for (const p of round.panel) if (!names.includes(p.judge)) names.push(p.judge);
  return names.map((judge) => {
    const own = rows.filter((r) => r.judge === judge);
    const seats = rounds.flatMap((round) =>
      round.panel.filter((p) => p.judge === judge).map((p) => ({ eventId: round.eventId, seat: p.seat })),
    );
    const uniqueSeats = seats.filter(
      (s, i) => seats.findIndex((t) => t.eventId === s.eventId && t.seat === s.seat) === i,
    );
    const recusals = rounds.filter((round) =>
      round.panel.some((p) => p.judge === judge && round.recused.includes(p.seat)),
    ).length;
    const marking =
      own.length === 0
        ? null
        : roundDiv(
            own.reduce((sum, r) => sum + r.markingHundredths, 0),
            own.length,
          );
    const groups = groupFigures(own);
    const flags = groups.flatMap((g) => biasFlag(g, own, rules) ?? []);
    if (marking !== null && own.length >= rules.minRounds && marking >= rules.markingFlagHundredths) {
      flags.push({
        kind: 'marking',
        dimension: null,
        group: null,
        rounds: own.length,
        valueHundredths: marking,
        elsewhereHundredths: null,
        text: `${JUDGE_FLAG_LABEL.marking}：${own.length} 轮平均偏离为本轮离散度的 ${formatFinal(marking)} 倍（提示线 ${formatFinal(rules.markingFlagHundredths)}）`,
      });
    }
    return {
      judge,
      seats: uniqueSeats,
      rounds: own.length,
      meanDeviationHundredths: own.length === 0 ? null : meanDeviation(own),
      markingHundredths: marking,
      trimmedHigh: own.filter((r) => r.trim === 'high').length,
      trimmedLow: own.filter((r) => r.trim === 'low').length,
      rechecks: own.filter((r) => r.recheck).length,
      corrections: own.filter((r) => r.corrected).length,
      recusals,
      groups,
      flags,
    };
  });
}
