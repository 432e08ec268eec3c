import { describe, expect, it } from 'vitest';
import { nextAction, rundown } from './next-action';
import type { RoundView, ShowSnapshot } from '$protocol/show';
import { DEFAULT_SCORING_RULES } from '$protocol/scoring';

const HASH = 'a'.repeat(64);

function snapshot(overrides: Partial<ShowSnapshot> = {}, draw: Partial<ShowSnapshot['draw']> = {}): ShowSnapshot {
  return {
    eventId: 'ev-1',
    title: '测试',
    eventDate: '2026-11-26',
    venue: '演播厅',
    mode: 'televised',
    rehearsal: false,
    status: 'live',
    revision: 3,
    serverTime: 1_000_000,
    role: 'staff',
    draw: {
      drawId: 'd-1',
      rosterHash: HASH,
      planHash: HASH,
      poolHash: HASH,
      poolSize: 100,
      plannedRounds: 2,
      commitment: HASH,
      entropy: '12345678901234567890',
      secret: HASH,
      seed: HASH,
      scope: '全县',
      ...draw,
    },
    air: { program: null, preview: null, bug: false },
    rounds: [],
    scoring: DEFAULT_SCORING_RULES,
    judgeSeats: 3,
    logHead: HASH,
    ...overrides,
  };
}

function round(step: string, extra: Partial<RoundView> = {}): RoundView {
  return {
    index: 0,
    step,
    auditee: { number: 'A1', name: '张三', unit: '县委办', post: '科员', gridPath: '城关镇' },
    roll: { startsAt: 900_000, landsAt: 950_000, reel: [] },
    replacedAuditees: [],
    report: { durationMs: 180_000, status: 'idle', runningSince: null, elapsedMs: 0 },
    households: [],
    judging: {
      seats: [],
      submitted: 0,
      expected: 0,
      scores: null,
      outliers: [],
      rechecks: [],
      corrections: [],
      mine: null,
    },
    revealedAt: null,
    score: null,
    ...extra,
  };
}

const input = { entropy: '', now: 1_000_000 };
const next = (s: ShowSnapshot, i = input) => nextAction(s, i);

describe('nextAction', () => {
  it('walks the show: open, entropy, reveal, draw, each round step, close', () => {
    expect(next(snapshot({ status: 'sealed' }))?.command).toEqual({ type: 'open' });
    const noEntropy = snapshot({}, { entropy: null, secret: null, seed: null });
    expect(next(noEntropy)).toMatchObject({ blocked: '请先输入至少 20 位数字的公开随机数', irreversible: true });
    expect(next(noEntropy, { entropy: '1234 5678 9012 3456 7890', now: 0 })).toMatchObject({
      command: { type: 'lockEntropy', entropy: '12345678901234567890' },
      blocked: null,
    });
    expect(next(snapshot({}, { secret: null, seed: null }))?.command.type).toBe('reveal');
    expect(next(snapshot())).toMatchObject({ command: { type: 'drawAuditee' }, label: '摇号抽取第 1 名' });
    const steps: [string, string][] = [
      ['drawing', 'presentAuditee'],
      ['presented', 'startReport'],
      ['reporting', 'endReport'],
      ['reported', 'drawHouseholds'],
      ['households', 'openJudging'],
      ['judging-locked', 'revealScores'],
      ['scores-revealed', 'showResult'],
    ];
    for (const [step, type] of steps) expect(next(snapshot({ rounds: [round(step)] }))?.command.type).toBe(type);
    expect(next(snapshot({ rounds: [round('result')] }))?.label).toBe('摇号抽取第 2 名');
    expect(next(snapshot({ rounds: [round('result'), round('result', { index: 1 })] }))?.command.type).toBe('close');
    expect(next(snapshot({ status: 'closed' }))).toBeNull();
  });

  it('marks draws, reveals and closing as irreversible and the rest not', () => {
    expect(next(snapshot())?.irreversible).toBe(true);
    expect(next(snapshot({ rounds: [round('presented')] }))?.irreversible).toBe(false);
    expect(next(snapshot({ rounds: [round('judging-locked')] }))?.irreversible).toBe(true);
  });

  it('holds the step back while the roll runs, calls are pending or nobody has scored', () => {
    expect(next(snapshot({ rounds: [round('drawing')] }), { entropy: '', now: 940_000 })?.blocked).toBe(
      '摇号动画进行中',
    );
    const call = {
      number: 'H1',
      name: '',
      village: '',
      phone: '',
      callStatus: '待呼叫',
      outcome: null,
      satisfaction: null,
    };
    const households = [
      { ...call, replaced: null },
      { ...call, number: 'H2', replaced: { reason: 'NO_ANSWER', by: 'H3' } },
      { ...call, number: 'H3', outcome: '属实', satisfaction: '满意', replaced: null },
    ];
    expect(next(snapshot({ rounds: [round('households', { households })] }))?.blocked).toBe('还有 1 户未记录核实结果');
    expect(next(snapshot({ rounds: [round('judging')] }))?.blocked).toBe('还没有评委提交评分');
  });
});

describe('a check without judges', () => {
  it('goes from the auditee to the households, and ends the round when the calls are recorded', () => {
    const check = (rounds: RoundView[]) => snapshot({ judgeSeats: 0, rounds });
    expect(next(check([round('presented')]))?.command.type).toBe('drawHouseholds');
    expect(next(check([round('households')]))).toMatchObject({ command: { type: 'finishRound' }, blocked: null });
    expect(
      rundown(check([round('households')]))
        .filter((i) => i.round === 0)
        .map((i) => i.label),
    ).toEqual(['第 1 轮 · 摇号抽取', '第 1 轮 · 人员到场', '第 1 轮 · 电话核实', '第 1 轮 · 本轮结果']);
  });
});

describe('rundown', () => {
  const states = (s: ShowSnapshot) =>
    rundown(s)
      .filter((item) => item.state !== 'todo')
      .map((item) => `${item.id}:${item.state}`);

  it('has one current item that follows the show', () => {
    expect(states(snapshot({ status: 'sealed' }, { entropy: null, secret: null, seed: null }))).toEqual([
      'open:current',
    ]);
    const reporting = states(snapshot({ rounds: [round('reporting')] }));
    expect(reporting.filter((s) => s.endsWith(':current'))).toEqual(['r0-reporting:current']);
    expect(reporting).toContain('r0-presented:done');
    const between = states(snapshot({ rounds: [round('result')] }));
    expect(between.filter((s) => s.endsWith(':current'))).toEqual(['r1-drawing:current']);
    expect(between).toContain('r0-result:done');
    const last = states(snapshot({ rounds: [round('result'), round('result', { index: 1 })] }));
    expect(last.filter((s) => s.endsWith(':current'))).toEqual(['close:current']);
    expect(
      states(snapshot({ status: 'closed', rounds: [round('result'), round('result', { index: 1 })] })).at(-1),
    ).toBe('close:done');
  });

  it('lists the planned rounds, and a judging step as current while scores come in or are locked', () => {
    const items = rundown(snapshot({ rounds: [round('judging-locked')] }));
    expect(items.filter((i) => i.round === 1)).toHaveLength(7);
    expect(items.find((i) => i.state === 'current')?.id).toBe('r0-judging');
  });
});
