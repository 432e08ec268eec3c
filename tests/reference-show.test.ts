import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { appendEntry, type LogEntry } from '../server/draw-engine/log-chain';
import { FIXED_ENTROPY, FIXED_SECRET, basePlan, sealedFixture } from '../server/draw-engine/test-fixtures';
import { loadDemoCounty } from '../server/demo/load-demo';
import { DEFAULT_SCORING_RULES, RUBRIC_EXAMPLE, type ScoringRules } from '../server/protocol/scoring';
import type { DrawPlan } from '../server/protocol/draw';
import {
  initialShow,
  nextAuditee,
  transition,
  type JudgeSeat,
  type ShowCommand,
  type ShowState,
} from '../server/run-of-show/run-of-show';
import { buildBundle, sealPayloadOf, verifyBundle, type DrawBundle } from '../server/verify/bundle';
import { publishedRounds } from '../server/verify/show-section';
import { DEMO_PLAN } from './helpers/draw-fixture';
import { ScriptedShow } from './helpers/show-script';
import { testApp } from './helpers/test-app';

/**
 * docs/reference/verify_show.py (imported by verify_draw.py), written from docs/verification.md,
 * recomputes every round of a show bundle. Bundles here come from the real run-of-show and scoring
 * code: whole shows through the server's sockets, and panels of 3, 5 and 7 judges built by the pure
 * state machine (equal gaps, closest two, trimmed, per-criterion trimming, a missing seat, recusals,
 * corrections, a check without judges, a running round, a show not yet drawn).
 */
const ROOT = join(import.meta.dirname, '..');
const SCRIPT = join(ROOT, 'docs', 'reference', 'verify_draw.py');
const dir = mkdtempSync(join(tmpdir(), 'choucha-reference-show-'));

function python(bundle: unknown, name: string): { status: number | null; stdout: string } {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(bundle));
  const result = spawnSync('python3', [SCRIPT, path], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout + result.stderr };
}

const T0 = 1_800_000_000_000;
const UNREACHED_OUTCOME = '未联系上';

/** A show run by the pure state machine, with both logs as the server writes them. */
class PureShow {
  state: ShowState;
  private readonly showLog: LogEntry[] = [];
  private readonly drawLog: LogEntry[];
  private at = T0;

  constructor(plan: DrawPlan, judges: JudgeSeat[]) {
    const sealed = sealedFixture(plan);
    this.drawLog = [
      appendEntry(undefined, {
        at: new Date(T0).toISOString(),
        actor: 'operator',
        type: 'seal',
        payload: sealPayloadOf(sealed),
      }),
    ];
    this.state = initialShow(sealed, { rehearsal: false, reportMinutes: 5, rollSeconds: 4, judges });
  }

  /** Applies commands (without `at`: the next second is added), logging them as ShowRunner.apply does. */
  run(...commands: Record<string, unknown>[]): this {
    for (const body of commands) {
      this.at += 1000;
      const command = { ...body, at: this.at } as ShowCommand;
      const result = transition(this.state, command);
      if (!result.ok) throw new Error(`${command.type}: ${result.code} ${result.message}`);
      this.state = result.state;
      const iso = new Date(this.at).toISOString();
      const { type, ...payload } = command;
      const actor = command.type === 'submitScore' ? `judge:${command.seat}` : 'operator';
      this.showLog.push(appendEntry(this.showLog.at(-1), { at: iso, actor, type, payload }));
      for (const effect of result.effects) {
        if (effect.type !== 'draw') continue;
        const { type: drawType, ...drawPayload } = effect.command;
        this.drawLog.push(appendEntry(this.drawLog.at(-1), { at: iso, actor, type: drawType, payload: drawPayload }));
      }
    }
    return this;
  }

  get round() {
    const round = this.state.rounds.at(-1);
    if (!round) throw new Error('no round');
    return round;
  }

  /** The round's households, each recorded with the next finding (cycled); the first replaced when asked. */
  calls(findings: [string, string | null][], replaceFirst = false): this {
    if (replaceFirst)
      this.run({ type: 'replaceHousehold', household: this.round.households[0]?.number, reason: 'NO_ANSWER' });
    let i = 0;
    for (;;) {
      const pending = this.round.households.find((h) => h.replaced === null && h.outcome === null);
      if (!pending) return this;
      const [outcome, satisfaction] = findings[i % findings.length] as [string, string | null];
      i += 1;
      this.run({ type: 'recordOutcome', household: pending.number, outcome, satisfaction });
    }
  }

  scores(bySeat: Record<number, number[]>): this {
    const round = this.round;
    for (const [seat, items] of Object.entries(bySeat)) {
      this.run({
        type: 'submitScore',
        seat: Number(seat),
        round: round.index,
        auditeeNumber: round.auditeeNumber,
        hundredths: items.reduce((a, b) => a + b, 0),
        items,
        submissionId: `s${seat}-${this.at}`,
      });
    }
    return this;
  }

  /** A judged round to its result: report, households, scores, lock, reveal, result. */
  judgedRound(
    bySeat: Record<number, number[]>,
    findings: [string, string | null][],
    lock: Record<string, unknown> = {},
  ): this {
    this.run(
      { type: 'drawAuditee' },
      { type: 'presentAuditee' },
      { type: 'startReport' },
      { type: 'endReport' },
      { type: 'drawHouseholds' },
    );
    this.calls(findings, true);
    this.run({ type: 'openJudging' });
    this.scores(bySeat);
    return this.run({ type: 'lockJudging', without: [], ...lock }, { type: 'revealScores' }, { type: 'showResult' });
  }

  bundle(): DrawBundle {
    return buildBundle(this.state.draw, this.drawLog, {
      eventId: 'event-test-0001',
      rehearsal: false,
      mode: 'televised',
      reportMinutes: 5,
      rollSeconds: 4,
      judges: this.state.judges,
      log: this.showLog,
      logHead: this.showLog.at(-1)?.hash ?? '',
      rounds: publishedRounds(this.state, this.showLog),
    });
  }
}

const seats = (n: number, recusals: Record<number, string[]> = {}): JudgeSeat[] =>
  Array.from({ length: n }, (_, i) => ({ seat: i + 1, recusals: recusals[i + 1] ?? [] }));
const started = (show: PureShow) =>
  show.run(
    { type: 'open' },
    { type: 'lockEntropy', entropy: `3141 5926\u00a05358\u30009793 2384` },
    { type: 'reveal', secret: FIXED_SECRET },
  );
const planWith = (scoring: ScoringRules | undefined, count = 2): DrawPlan => ({
  ...basePlan({ auditees: { mode: 'total', count }, contactsPerAuditee: 4 }),
  ...(scoring ? { scoring } : {}),
});
const TRUE_SATISFIED: [string, string | null][] = [
  ['属实', '满意'],
  ['属实', '基本满意'],
];

/** Who the first round will present, so a seat can declare a conflict with it before the show. */
function firstAuditee(plan: DrawPlan): string {
  const probe = started(new PureShow(plan, [])).state;
  const drawn = transition(probe, { type: 'drawAuditee', at: T0 });
  if (!drawn.ok) throw new Error(drawn.message);
  return drawn.state.rounds[0]?.auditeeNumber ?? nextAuditee(drawn.state) ?? '';
}

function expectBoth(bundle: DrawBundle, name: string): string {
  expect(verifyBundle(bundle).checks.filter((c) => !c.ok)).toEqual([]);
  const result = python(bundle, name);
  expect(result.stdout).toMatch(/ALL CHECKS PASSED/u);
  expect(result.status, result.stdout).toBe(0);
  return result.stdout;
}

describe('the Python reference recomputes the show part', () => {
  it('three judges: equal gaps (all three count) and the closest two', () => {
    const show = started(new PureShow(planWith(undefined), seats(3)));
    show.judgedRound({ 1: [8000], 2: [8500], 3: [9000] }, TRUE_SATISFIED);
    show.judgedRound({ 1: [8000], 2: [8800], 3: [9000] }, [
      ['属实', '满意'],
      ['不符', '不满意'],
      [UNREACHED_OUTCOME, null],
    ]);
    show.run({ type: 'close' });
    const bundle = show.bundle();
    const [first, second] = bundle.show?.rounds ?? [];
    expect(first?.score?.judges).toMatchObject({ rule: 'evenGaps', finalHundredths: 8500, counted: [1, 2, 3] });
    expect(second?.score?.judges).toMatchObject({ rule: 'closestTwo', finalHundredths: 8900, droppedLow: [1] });
    expect(second?.score?.households).toMatchObject({ reached: 3, sampled: 4 });
    expect(expectBoth(bundle, 'three-judges')).toMatch(/OK {3}round 2 .*combined/u);
  });

  it('five judges trimmed, a recusal, a score corrected after the lock and a finding corrected', () => {
    const plan = planWith(undefined);
    const recused = firstAuditee(plan);
    const show = started(new PureShow(plan, seats(5, { 5: [recused] })));
    show.run(
      { type: 'drawAuditee' },
      { type: 'presentAuditee' },
      { type: 'startReport' },
      { type: 'endReport' },
      { type: 'drawHouseholds' },
    );
    show.calls([
      ['属实', '满意'],
      ['属实', '不了解'],
    ]);
    const corrected = show.round.households.find((h) => h.outcome !== null)?.number;
    show.run({
      type: 'correctOutcome',
      household: corrected,
      outcome: '不符',
      satisfaction: '不满意',
      reason: '录入有误',
      by: 'operator',
    });
    show.run({ type: 'openJudging' });
    show.scores({ 1: [9150], 2: [8800], 3: [9900], 4: [7000] });
    show.scores({ 2: [8850] }); // a second submission before the lock replaces the first
    show.run({ type: 'lockJudging', without: [] });
    show.run({ type: 'correctScore', seat: 1, items: [9100], hundredths: 9100, reason: '评委口述更正' });
    show.run({ type: 'revealScores' }, { type: 'showResult' });
    show.judgedRound({ 1: [8000], 2: [8200], 3: [8400], 4: [8600], 5: [8800] }, TRUE_SATISFIED);
    show.run({ type: 'close' });
    const bundle = show.bundle();
    const [first, second] = bundle.show?.rounds ?? [];
    expect(first?.score?.judges).toMatchObject({ rule: 'trimmed', droppedHigh: [3], droppedLow: [4], counted: [1, 2] });
    expect(first?.scores.find((s) => s.seat === 2)?.versions).toBe(2);
    expect(first?.corrections).toEqual([{ seat: 1, from: 9150, to: 9100, reason: '评委口述更正' }]);
    expect(first?.outcomeCorrections).toHaveLength(1);
    expect(second?.score?.judges).toMatchObject({ finalHundredths: 8400, counted: [2, 3, 4] });
    expectBoth(bundle, 'five-judges');
  });

  it('seven judges, a rubric trimmed per criterion, a missing seat given the others’ average', () => {
    const rules: ScoringRules = {
      ...DEFAULT_SCORING_RULES,
      criteria: RUBRIC_EXAMPLE,
      trim: { perSide: 2, fromJudges: 5, on: 'criteria' },
      missing: 'othersAverage',
      weights: { judges: 70, households: 30 },
    };
    const show = started(new PureShow(planWith(rules), seats(7)));
    show.judgedRound(
      {
        1: [3500, 2500, 2650],
        2: [3800, 2900, 2000],
        3: [3000, 2750, 2800],
        4: [3950, 2050, 2500],
        5: [3300, 3000, 2900],
        6: [3650, 2600, 2550],
      },
      [
        ['属实', '满意'],
        ['属实', '不满意'],
        ['属实', '不了解'],
      ],
      { without: [7] },
    );
    show.run({ type: 'close' });
    const bundle = show.bundle();
    const score = bundle.show?.rounds[0]?.score;
    expect(score?.judges).toMatchObject({ rule: 'trimmed', filled: [7], counted: [1, 2, 3, 4, 5, 6, 7] });
    expect(score?.judges?.criteria).toHaveLength(3);
    expect(score?.combination).toMatchObject({ judgesWeight: 70, householdsWeight: 30 });
    expectBoth(bundle, 'seven-judges');
  });

  it('a check without judges, a running round, a show not yet drawn and an empty show log', () => {
    const routine = started(new PureShow(planWith(undefined), []));
    routine.run({ type: 'drawAuditee' }, { type: 'presentAuditee' }, { type: 'drawHouseholds' });
    routine.calls([['属实', '满意']]).run({ type: 'finishRound' });
    expect(routine.bundle().show?.rounds[0]?.score).toMatchObject({
      judges: null,
      combination: { householdsWeight: 100 },
    });
    expectBoth(routine.bundle(), 'routine');
    routine.run({ type: 'drawAuditee' }, { type: 'presentAuditee' });
    expect(routine.bundle().show?.rounds[1]?.score).toBeNull();
    expectBoth(routine.bundle(), 'running-round');

    const undrawn = new PureShow(planWith(undefined), seats(3)).run(
      { type: 'open' },
      { type: 'lockEntropy', entropy: FIXED_ENTROPY },
    );
    expect(undrawn.bundle().auditeeStages).toBeNull();
    expectBoth(undrawn.bundle(), 'undrawn');
    const empty = new PureShow(planWith(undefined), seats(3)).bundle();
    expect(empty.show?.logHead).toBe('');
    expectBoth(empty, 'empty-show-log');
  });

  it('its default rules and the characters the entropy ignores are the code’s', () => {
    const code = `import json, sys; sys.path.insert(0, ${JSON.stringify(join(ROOT, 'docs', 'reference'))}); import verify_show as v
print(json.dumps({"rules": v.DEFAULT_RULES, "ignored": sorted(v.ENTROPY_IGNORED)}, ensure_ascii=False))`;
    const result = spawnSync('python3', ['-c', code], { encoding: 'utf8' });
    const fromPython = JSON.parse(result.stdout) as { rules: unknown; ignored: number[] };
    expect(fromPython.rules).toEqual(DEFAULT_SCORING_RULES);
    // What the ceremony strips (`\s` with the u flag), over every code point.
    const stripped: number[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp += 1) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      if (/\s/u.test(String.fromCodePoint(cp))) stripped.push(cp);
    }
    expect(fromPython.ignored).toEqual(stripped);
  });
});

/** A log rewritten from one entry on, every hash recomputed: the chain holds, the figures do not. */
function rehashed(log: LogEntry[]): LogEntry[] {
  const out: LogEntry[] = [];
  for (const { seq: _seq, prevHash: _prev, hash: _hash, ...entry } of log) out.push(appendEntry(out.at(-1), entry));
  return out;
}

describe('the Python reference on shows run through the server', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let real: DrawBundle;
  let rehearsal: DrawBundle;

  beforeAll(async () => {
    ({ app, close } = await testApp());
    await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const show = await ScriptedShow.create(app, base, { plan: DEMO_PLAN, rollSeconds: 2 });
    await show.runToClose([88, 90.5, 86, 92, 85]);
    real = app.services.shows.bundle(show.snapshot.draw.drawId);
    show.close();
    const practice = await ScriptedShow.create(app, base, {
      title: '演练场',
      rehearsal: true,
      judges: 3,
      rollSeconds: 2,
    });
    await practice.runToClose([80, 85, 90]);
    rehearsal = app.services.shows.bundle(practice.snapshot.draw.drawId);
    practice.close();
  }, 120_000);
  afterAll(async () => close());

  it('a real show with five judges, trimming and households passes', () => {
    expect(real.show?.rounds.every((r) => r.score?.judges?.rule === 'trimmed')).toBe(true);
    expect(real.show?.rounds.every((r) => (r.score?.households.counted ?? 0) > 0)).toBe(true);
    expectBoth(real, 'real-show');
  });

  it('a rehearsal with three evenly spread scores passes', () => {
    expect(rehearsal.show?.rehearsal).toBe(true);
    expect(rehearsal.show?.rounds.every((r) => r.score?.judges?.rule === 'evenGaps')).toBe(true);
    expectBoth(rehearsal, 'rehearsal');
  });

  it('fails a seat’s hundredths changed in the show log, every hash recomputed', () => {
    const forged: DrawBundle = structuredClone(real);
    const section = forged.show as NonNullable<DrawBundle['show']>;
    const entry = section.log.find((e) => e.type === 'submitScore') as LogEntry;
    Object.assign(entry.payload as object, { hundredths: 9900, items: [9900] });
    section.log = rehashed(section.log);
    section.logHead = section.log.at(-1)?.hash ?? '';
    const result = python(forged, 'forged-log');
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/OK {3}show log hash chain/u);
    expect(result.stdout).toMatch(/FAIL round 1 /u);
    expect(verifyBundle(forged).ok).toBe(false);
  });

  it('fails a published combined score or tier changed', () => {
    const forged: DrawBundle = structuredClone(real);
    const score = forged.show?.rounds[1]?.score as NonNullable<
      NonNullable<DrawBundle['show']>['rounds'][number]['score']
    >;
    score.combinedHundredths = (score.combinedHundredths ?? 0) + 1;
    const result = python(forged, 'forged-combined');
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/FAIL round 2 /u);
    const tier: DrawBundle = structuredClone(rehearsal);
    const first = tier.show?.rounds[0]?.score;
    if (first) first.tier = first.tier === '优秀' ? '良好' : '优秀';
    expect(python(tier, 'forged-tier').status).toBe(1);
  });
});
