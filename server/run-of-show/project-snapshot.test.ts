import { describe, expect, it } from 'vitest';
import { FIXED_ENTROPY, FIXED_SECRET, basePlan, sealedFixture } from '../draw-engine/test-fixtures';
import type { EventSettings, PublicNames } from '../protocol/events';
import type { ClientRole } from '../protocol/round';
import type { WorkRole } from '../protocol/auth';
import type { ProjectedSnapshot } from '../protocol/show-views';
import { initialShow, transition, type ShowCommand, type ShowState } from './run-of-show';
import { projectSnapshot, type PeopleLookup, type SnapshotEvent, type SnapshotMoment } from './project-snapshot';

const T0 = 1_800_000_000_000;
const plan = basePlan();
const settings: EventSettings = {
  plan,
  reportMinutes: 5,
  rollSeconds: 4,
  judges: [1, 2, 3, 4].map((seat) => ({ seat, name: `评委${seat}`, pin: '1234', recusals: [] })),
};
const event: SnapshotEvent = {
  id: 'E20261126-0001',
  title: '干部作风电视抽查',
  eventDate: '2026-11-26',
  venue: '演播厅',
  mode: 'televised',
  rehearsal: false,
  settings,
  scope: '全县',
  sealTreeHead: null,
};

/** The roster as plain maps: every auditee is 王大明, every household 张三丰 on 13812345678. */
const people: PeopleLookup = {
  auditee: (number) => ({
    name: '王大明',
    unit: `单位${number}`,
    post: '科员',
    town: '城关街道',
    area: '东片',
    village: '',
  }),
  contact: () => ({ name: '张三丰', village: '村1', phone: '13812345678' }),
  reel: (_round, drawn) => [
    { number: '00099', name: '李四光' },
    { number: drawn, name: '王大明' },
  ],
};

function run(state: ShowState, ...commands: ShowCommand[]): ShowState {
  return commands.reduce((current, command) => {
    const result = transition(current, command);
    if (!result.ok) throw new Error(`${command.type}: ${result.code} ${result.message}`);
    return result.state;
  }, state);
}

/** A show in its first round's judging, its calls done: three close scores, one far off (seat 4), seat 4 asked to recheck. */
function judgingShow(): ShowState {
  let state = run(
    initialShow(sealedFixture(plan), {
      rehearsal: false,
      reportMinutes: 5,
      rollSeconds: 4,
      judges: (settings.judges ?? []).map((j) => ({ seat: j.seat, recusals: j.recusals })),
    }),
    { type: 'open', at: T0 },
    { type: 'lockEntropy', at: T0, entropy: FIXED_ENTROPY },
    { type: 'reveal', at: T0, secret: FIXED_SECRET },
    { type: 'drawAuditee', at: T0 },
    { type: 'replaceAuditee', at: T0, reason: 'LEAVE' },
    { type: 'presentAuditee', at: T0 },
    { type: 'startReport', at: T0 },
    { type: 'endReport', at: T0 + 1000 },
    { type: 'drawHouseholds', at: T0 },
  );
  for (const household of state.rounds[0]?.households ?? []) {
    state = run(state, {
      type: 'recordOutcome',
      at: T0,
      household: household.number,
      outcome: '属实',
      satisfaction: '满意',
    });
  }
  state = run(state, { type: 'openJudging', at: T0 });
  const auditeeNumber = state.rounds[0]?.auditeeNumber ?? '';
  for (const [seat, hundredths] of [
    [1, 8000],
    [2, 8100],
    [3, 8200],
    [4, 9900],
  ] as const) {
    state = run(state, {
      type: 'submitScore',
      at: T0,
      seat,
      round: 0,
      auditeeNumber,
      submissionId: `score-${seat}`,
      hundredths,
      items: [hundredths],
    });
  }
  return run(state, { type: 'requestRecheck', at: T0, seat: 4 });
}

const JUDGING = judgingShow();
const REVEALED = run(JUDGING, { type: 'lockJudging', at: T0 }, { type: 'revealScores', at: T0 });

function view(
  role: ClientRole,
  options: {
    state?: ShowState;
    seat?: number;
    desk?: WorkRole;
    names?: PublicNames;
    log?: SnapshotMoment['log'];
  } = {},
): ProjectedSnapshot {
  return projectSnapshot(
    options.state ?? JUDGING,
    event,
    people,
    {
      role,
      judgeSeat: options.seat ?? null,
      desk: options.desk ?? 'operator',
      publicAuditeeNames: options.names ?? 'full',
    },
    { revision: 17, logHead: 'ab'.repeat(32), serverTime: T0 + 5, log: options.log ?? [] },
  );
}

const firstRound = (snapshot: ProjectedSnapshot) => snapshot.rounds[0] as ProjectedSnapshot['rounds'][number];

describe('projectSnapshot', () => {
  it('carries the event, the draw and the log head as given', () => {
    const snapshot = view('staff');
    expect(snapshot).toMatchObject({
      eventId: event.id,
      title: event.title,
      venue: '演播厅',
      mode: 'televised',
      rehearsal: false,
      status: 'live',
      revision: 17,
      logHead: 'ab'.repeat(32),
      serverTime: T0 + 5,
      role: 'staff',
      judgeSeats: 4,
    });
    expect(snapshot.draw.scope).toBe('全县');
    expect(snapshot.draw.secret).toBe(FIXED_SECRET);
    expect(firstRound(snapshot).auditee.gridPath).toBe('城关街道 / 东片');
  });

  it('shows households in full to staff only', () => {
    const staff = firstRound(view('staff')).households;
    expect(staff.length).toBeGreaterThan(0);
    expect(staff.every((h) => h.name === '张三丰' && h.phone === '13812345678')).toBe(true);
    for (const role of ['overlay', 'public', 'judge'] as const) {
      const households = firstRound(view(role, { seat: 1 })).households;
      expect(
        households.every((h) => h.name === '张*丰' && h.phone === '138****5678'),
        role,
      ).toBe(true);
      expect(
        households.every((h) => h.village === '村1'),
        role,
      ).toBe(true);
    }
  });

  it('shows the supervisor households by name but their phones masked: only the operator places calls', () => {
    const households = firstRound(view('staff', { desk: 'supervisor' })).households;
    expect(households.length).toBeGreaterThan(0);
    expect(households.every((h) => h.name === '张三丰' && h.phone === '138****5678')).toBe(true);
  });

  it('masks auditees on the public site only, and only when the county says so', () => {
    const masked = firstRound(view('public', { names: 'masked' }));
    expect(masked.auditee.name).toBe('王*明');
    expect(masked.roll.reel.map((r) => r.name)).toEqual(['李*光', '王*明']);
    expect(masked.replacedAuditees.map((r) => r.name)).toEqual(['王*明']);
    expect(firstRound(view('public', { names: 'full' })).auditee.name).toBe('王大明');
    for (const role of ['staff', 'overlay', 'judge'] as const) {
      const round = firstRound(view(role, { seat: 1, names: 'masked' }));
      expect(round.auditee.name, role).toBe('王大明');
      expect(
        round.roll.reel.map((r) => r.name),
        role,
      ).toEqual(['李四光', '王大明']);
    }
  });

  it('shows a judge only their own score before the reveal, and every score after it', () => {
    const judge = firstRound(view('judge', { seat: 2 })).judging;
    expect(judge.scores).toBeNull();
    expect(judge.mine).toEqual({ score: 81, items: [81] });
    expect(judge.submitted).toBe(4);
    expect(judge.seats.every((s) => s.submitted)).toBe(true);
    expect(firstRound(view('overlay')).judging.scores).toBeNull();
    expect(firstRound(view('public')).judging.scores).toBeNull();
    expect(firstRound(view('staff')).judging.scores?.map((s) => s.score)).toEqual([80, 81, 82, 99]);
    expect(firstRound(view('staff')).judging.mine).toBeNull();

    const revealed = firstRound(view('public', { state: REVEALED })).judging;
    expect(revealed.scores?.map((s) => s.score)).toEqual([80, 81, 82, 99]);
    expect(revealed.mine).toBeNull();
  });

  it('flags outlying scores for the supervisor only', () => {
    expect(firstRound(view('staff', { desk: 'supervisor' })).judging.outliers).toEqual([4]);
    for (const role of ['staff', 'overlay', 'public', 'judge'] as const) {
      expect(firstRound(view(role, { seat: 1 })).judging.outliers, role).toEqual([]);
    }
  });

  it('tells a judge only whether they were asked to recheck', () => {
    expect(firstRound(view('staff')).judging.rechecks).toEqual([4]);
    expect(firstRound(view('judge', { seat: 4 })).judging.rechecks).toEqual([4]);
    expect(firstRound(view('judge', { seat: 1 })).judging.rechecks).toEqual([]);
    expect(firstRound(view('public')).judging.rechecks).toEqual([]);
  });
});
