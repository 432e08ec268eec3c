import { describe, expect, it } from 'vitest';
import {
  FIXED_ENTROPY,
  FIXED_NOTARY_SECRET,
  FIXED_SECRET,
  basePlan,
  sealedFixtureV2,
} from '../draw-engine/test-fixtures';
import { commitmentOf } from '../draw-engine/seed';
import type { EventSettings } from '../protocol/events';
import { mainStep, rundown } from './outlook';
import { emptyAir, programEntry } from './air';
import { projectSnapshot, type SnapshotEvent, type SnapshotMoment } from './project-snapshot';
import { initialShow, type ShowState } from './run-of-show';
import { T0, run } from './test-situations';

/** A format-2 show without judges, with a real notary, a simulated one, or none. */
function show(notary: 'notary' | 'simulated' | 'none'): ShowState {
  return initialShow(sealedFixtureV2(notary), { rehearsal: notary === 'simulated', reportMinutes: 5, judges: [] });
}
const lock = { type: 'lockEntropy', at: T0, entropy: FIXED_ENTROPY, by: 'supervisor' } as const;

describe('the notary’s steps in the outlook', () => {
  it('gives the lock and the notary’s reveal to the supervisor, and tells the operator to wait', () => {
    const live = run(show('notary'), { type: 'open', at: T0 });
    expect(mainStep(live)).toMatchObject({
      command: 'lockEntropy',
      by: 'supervisor',
      waiting: '等待监督员锁定公开随机数',
      hold: true,
    });
    const locked = run(live, lock);
    expect(mainStep(locked)).toMatchObject({ command: 'reveal', by: 'operator' });
    const revealed = run(locked, { type: 'reveal', at: T0, secret: FIXED_SECRET });
    expect(revealed.draw.seed).toBeNull();
    expect(mainStep(revealed)).toMatchObject({
      command: 'revealNotary',
      label: '公证员公开密钥',
      by: 'supervisor',
      waiting: '等待公证员公开密钥',
      irreversible: true,
      hold: true,
      blocked: null,
    });
    const items = (state: ShowState) => Object.fromEntries(rundown(state).map((i) => [i.id, i.state]));
    expect(items(revealed)).toMatchObject({ reveal: 'done', notary: 'current', 'r0-drawing': 'todo' });
    const seeded = run(revealed, { type: 'revealNotary', at: T0, secret: FIXED_NOTARY_SECRET });
    expect(mainStep(seeded)).toMatchObject({ command: 'drawAuditee', by: 'operator' });
    expect(items(seeded)).toMatchObject({ notary: 'done', 'r0-drawing': 'current' });
  });

  it('has no notary’s reveal when the notary is simulated (rehearsal) or absent (single-party)', () => {
    for (const kind of ['simulated', 'none'] as const) {
      const locked = run(show(kind), { type: 'open', at: T0 }, lock);
      expect(mainStep(locked)?.command, kind).toBe('reveal');
      expect(
        rundown(locked).some((i) => i.id === 'notary'),
        kind,
      ).toBe(false);
    }
  });
});

describe('what the snapshot shows of the notary and the log entry on air', () => {
  const settings: EventSettings = { plan: basePlan({ notary: 'required' }), reportMinutes: 5, rollSeconds: 4 };
  const event: SnapshotEvent = {
    id: 'E1',
    title: '抽查',
    eventDate: '2026-11-26',
    venue: '演播厅',
    mode: 'televised',
    rehearsal: false,
    settings,
    scope: '全县',
    sealTreeHead: { treeSize: 3, rootHash: 'd4'.repeat(32), timestamp: 'T', keyId: 'e5'.repeat(32), signature: 'ff' },
  };
  const people = { auditee: () => undefined, contact: () => undefined, reel: () => [] };
  const viewer = { role: 'overlay', judgeSeat: null, desk: 'operator', publicAuditeeNames: 'full' } as const;
  const entry = (seq: number, type: string) => ({ seq, type, hash: `${seq}`.padStart(2, '0').repeat(32) });
  const moment = (log: SnapshotMoment['log']): SnapshotMoment => ({
    revision: log.length,
    logHead: log.at(-1)?.hash ?? '',
    serverTime: T0,
    log,
  });

  it('carries the notary’s commitment, its secret only once revealed, the seal’s tree head and the abandon', () => {
    const revealed = run(show('notary'), { type: 'open', at: T0 }, lock, {
      type: 'reveal',
      at: T0,
      secret: FIXED_SECRET,
    });
    const before = projectSnapshot(revealed, event, people, viewer, moment([]));
    expect(before.draw.notary).toEqual({ commitment: commitmentOf(FIXED_NOTARY_SECRET), simulated: false });
    expect(before.draw.notarySecret).toBeNull();
    expect(before.draw.sealVersion).toBe(2);
    expect(before.draw.sealHash).toBe('c3'.repeat(32));
    expect(before.draw.sealTreeHead?.treeSize).toBe(3);
    const seeded = run(revealed, { type: 'revealNotary', at: T0, secret: FIXED_NOTARY_SECRET });
    expect(projectSnapshot(seeded, event, people, viewer, moment([])).draw.notarySecret).toBe(FIXED_NOTARY_SECRET);
    const abandoned = run(revealed, { type: 'abandon', at: T0, reason: '公证员无法到场公开密钥' });
    const snapshot = projectSnapshot(abandoned, event, people, viewer, moment([]));
    expect(snapshot.abandoned).toEqual({ reason: '公证员无法到场公开密钥' });
    expect(snapshot.status).toBe('closed');
  });

  it('stamps the program with the entry whose step put it on air, not a later one', () => {
    const log = [entry(1, 'open'), entry(2, 'lockEntropy'), entry(3, 'reveal'), entry(4, 'cue'), entry(5, 'setBug')];
    const empty = emptyAir();
    const onAir = {
      ...empty,
      layers: {
        ...empty.layers,
        main: { program: { graphic: 'entropy', round: null, text: null, outAt: null }, preview: null },
        bug: { program: { graphic: 'bug', round: null, text: null, outAt: null }, preview: null },
      },
    } as const;
    // The cue and the bug after the reveal do not change what is on air: the reveal put it there.
    expect(programEntry(onAir, log)).toEqual({ seq: 3, short: '03030303' });
    expect(programEntry(onAir, [...log, entry(6, 'take')])).toEqual({ seq: 6, short: '06060606' });
    // The bug alone carries no stamp: the stamp goes with a graphic.
    const bugOnly = { ...onAir, layers: { ...onAir.layers, main: { program: null, preview: null } } };
    expect(programEntry(bugOnly, [...log, entry(6, 'clearAll')])).toBeNull();
    // The same log gives the same stamp: a reloaded output shows what the first load showed.
    const state = run(show('notary'), { type: 'open', at: T0 }, lock);
    const a = projectSnapshot(state, event, people, viewer, moment(log.slice(0, 2)));
    const b = projectSnapshot(state, event, people, viewer, moment(log.slice(0, 2)));
    expect(a.air.programLog).toEqual({ seq: 2, short: '02020202' });
    expect(b.air.programLog).toEqual(a.air.programLog);
  });
});
