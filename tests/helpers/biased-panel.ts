import type { PanelRound } from '../../server/scoring/judge-review';
import { aggregateJudges, DEFAULT_SCORING_RULES } from '../../server/scoring/scoring';

/**
 * A scripted panel for the judges' report (docs/judges-report.md works through it): five judges,
 * eight rounds, cadres of two units spread over two 乡镇. Every judge scores the round's level plus
 * a fixed error of their own (within ±1 point); 张代表 (seat 3) adds 8 points whenever the cadre is from
 * 县水利局. Seat 5 (陈群众) sits out round 6 (回避); the supervisor asks seat 2 to recheck round 2 and
 * corrects seat 4's score of round 7.
 */
export const PANEL = ['王人大', '李政协', '张代表', '刘专家', '陈群众'];
export const BIASED_UNIT = '县水利局';
export const OTHER_UNIT = '县农业农村局';

const ROUNDS: { unit: string; town: string; level: number; errors: number[] }[] = [
  { unit: BIASED_UNIT, town: '城关镇', level: 8500, errors: [0, 50, -50, 100, -100] },
  { unit: OTHER_UNIT, town: '城关镇', level: 8800, errors: [50, -50, 0, -100, 100] },
  { unit: BIASED_UNIT, town: '河口乡', level: 8200, errors: [-50, 0, 100, 50, -100] },
  { unit: OTHER_UNIT, town: '河口乡', level: 9000, errors: [100, -100, -50, 0, 50] },
  { unit: BIASED_UNIT, town: '城关镇', level: 7900, errors: [-100, 50, 0, -50, 100] },
  { unit: OTHER_UNIT, town: '城关镇', level: 8600, errors: [0, 100, 50, -100, -50] },
  { unit: BIASED_UNIT, town: '河口乡', level: 8700, errors: [50, -100, -50, 100, 0] },
  { unit: OTHER_UNIT, town: '河口乡', level: 8300, errors: [-50, 100, 0, 50, -100] },
];

export function biasedPanel(): PanelRound[] {
  return ROUNDS.map((r, index) => {
    const recused = index === 5 ? [5] : [];
    const scores = PANEL.map((_, i) => ({
      seat: i + 1,
      hundredths: r.level + (r.errors[i] as number) + (i === 2 && r.unit === BIASED_UNIT ? 800 : 0),
    })).filter((s) => !recused.includes(s.seat));
    const aggregate = aggregateJudges(scores, DEFAULT_SCORING_RULES);
    return {
      eventId: index < 4 ? 'E-SPRING' : 'E-AUTUMN',
      eventTitle: index < 4 ? '春季电视抽查' : '秋季电视抽查',
      eventDate: index < 4 ? '2026-04-20' : '2026-10-20',
      round: index % 4,
      auditeeNumber: `0000${index + 1}`,
      placement: { unit: r.unit, town: r.town },
      panel: PANEL.map((judge, i) => ({ seat: i + 1, judge })),
      recused,
      scores,
      droppedHigh: aggregate?.droppedHigh ?? [],
      droppedLow: aggregate?.droppedLow ?? [],
      rechecks: index === 1 ? [2] : [],
      correctedSeats: index === 6 ? [4] : [],
    };
  });
}
