import { describe, expect, it } from 'vitest';
import type { FanoutStatus } from '$protocol/fanout';
import {
  BEHIND_AFTER_MS,
  SEEN_KEPT,
  publicViewing,
  readFanoutStatus,
  rememberRevision,
  type SeenRevision,
} from './public-viewing';

type Process = FanoutStatus['processes'][number];
const process = (fanoutId: string, extra: Partial<Process> = {}): Process => ({
  fanoutId,
  pid: 4100,
  state: 'up',
  viewers: 0,
  revision: 12,
  lagMs: 3.4,
  rssBytes: 80 * 2 ** 20,
  ...extra,
});
const fanout = (processes: Process[], redis: FanoutStatus['redis'] = 'up'): FanoutStatus => ({
  mode: 'fanout',
  redis,
  processes,
});
/** The desk received revision 12 at t = 1000. */
const seen: SeenRevision[] = [{ revision: 12, at: 1000 }];

describe('the output monitor’s public viewing', () => {
  it('shows a status that matches the protocol and drops one that does not', () => {
    const status = fanout([process('fanout-1')]);
    expect(readFanoutStatus(status)).toEqual(status);
    expect(readFanoutStatus({ mode: 'single', redis: null, processes: [] })).toEqual({
      mode: 'single',
      redis: null,
      processes: [],
    });
    expect(readFanoutStatus({ ...status, processes: [{ ...process('fanout-1'), state: 'gone' }] })).toBeNull();
    expect(readFanoutStatus({ ...status, processes: [{ ...process('fanout-1'), viewers: '7' }] })).toBeNull();
    expect(readFanoutStatus({ ...status, redis: 'maybe' })).toBeNull();
    expect(readFanoutStatus({ mode: 'fanout', processes: [] })).toBeNull();
    expect(readFanoutStatus('fanout')).toBeNull();
  });

  it('shows nothing before the first status, and one process as 单进程 with no rows', () => {
    expect(publicViewing(null, seen, 2000)).toBeNull();
    expect(publicViewing({ mode: 'single', redis: null, processes: [] }, seen, 2000)).toEqual({
      mode: 'single',
      modeLabel: '单进程',
      redis: null,
      rows: [],
      lostViewers: 0,
    });
  });

  it('names the fan-out processes reporting, with each one’s state, viewers, lag and memory', () => {
    const viewing = publicViewing(
      fanout([
        process('fanout-1', { pid: 4101, viewers: 7, lagMs: 2.6, rssBytes: 91.4 * 2 ** 20 }),
        process('fanout-2', { pid: 4102, state: 'lost', viewers: 5, lagMs: null }),
      ]),
      seen,
      2000,
    );
    expect(viewing?.modeLabel).toBe('2 个分发进程');
    expect(viewing?.redis).toBe('up');
    expect(viewing?.rows).toEqual([
      expect.objectContaining({ fanoutId: 'fanout-1', pid: 4101, state: 'up', viewers: 7, lagMs: 3, memoryMb: 91 }),
      expect.objectContaining({ fanoutId: 'fanout-2', pid: 4102, state: 'lost', viewers: 5, lagMs: null }),
    ]);
    // The server counts only the 7 it hears; the 5 last reported by the lost process are named beside them.
    expect(viewing?.lostViewers).toBe(5);
    expect(publicViewing(fanout([], 'down'), seen, 2000)).toMatchObject({
      modeLabel: '分发进程：尚无报告',
      redis: 'down',
    });
  });

  it('calls a process behind only once it has stayed behind past the grace, not just after a step', () => {
    const afterStep = [...seen, { revision: 13, at: 5000 }];
    const held = (revision: number | null, now: number) =>
      publicViewing(fanout([process('fanout-1', { revision })]), afterStep, now)?.rows[0];
    expect(held(13, 5100)).toMatchObject({ held: 'current', behindBy: 0 });
    expect(held(12, 5100)).toMatchObject({ held: 'catching-up', behindBy: 1 });
    expect(held(12, 5000 + BEHIND_AFTER_MS + 1)).toMatchObject({ held: 'behind', behindBy: 1 });
    expect(held(null, 99_000)).toMatchObject({ held: 'none', behindBy: 0 });
  });

  it('counts a stuck process from the first newer revision, so steps in quick succession do not hide it', () => {
    const steps = [
      { revision: 12, at: 1000 },
      { revision: 13, at: 2000 },
      { revision: 14, at: 2000 + BEHIND_AFTER_MS },
    ];
    const row = publicViewing(fanout([process('fanout-1', { revision: 12 })]), steps, 2000 + BEHIND_AFTER_MS + 100)
      ?.rows[0];
    expect(row).toMatchObject({ held: 'behind', behindBy: 2 });
  });

  it('remembers each newer revision once, with when it arrived, and only the latest ones', () => {
    let remembered = rememberRevision([], 12, 1000);
    remembered = rememberRevision(remembered, 12, 1500);
    remembered = rememberRevision(remembered, 11, 1600);
    remembered = rememberRevision(remembered, 14, 1700);
    expect(remembered).toEqual([
      { revision: 12, at: 1000 },
      { revision: 14, at: 1700 },
    ]);
    for (let revision = 15; revision < 15 + SEEN_KEPT; revision += 1) {
      remembered = rememberRevision(remembered, revision, 2000 + revision);
    }
    // 12 and 14 were the oldest of SEEN_KEPT + 2: they are forgotten.
    expect(remembered).toHaveLength(SEEN_KEPT);
    expect(remembered[0]?.revision).toBe(15);
  });
});
