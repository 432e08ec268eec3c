import { describe, expect, it } from 'vitest';
import { nextAction } from './next-action';
import type { MainStepView, ShowSnapshot } from '$protocol/show';

/** A staff snapshot reduced to what the desk's button reads: the run-of-show's main step. */
function snapshotWith(main: MainStepView | null): Pick<ShowSnapshot, 'outlook'> {
  return { outlook: { main, open: [], rundown: [], cues: [] } };
}

const step = (command: MainStepView['command'], extra: Partial<MainStepView> = {}): MainStepView => ({
  command,
  label: command,
  irreversible: false,
  blocked: null,
  notBefore: null,
  ...extra,
});

describe('the desk button from the run-of-show', () => {
  it('sends the main step the server names, with its label and whether it needs a hold', () => {
    expect(
      nextAction(snapshotWith(step('drawAuditee', { label: '摇号抽取第 1 名', irreversible: true })), input),
    ).toEqual({
      command: { type: 'drawAuditee' },
      label: '摇号抽取第 1 名',
      irreversible: true,
      blocked: null,
    });
    expect(nextAction(snapshotWith(null), input)).toBeNull();
  });

  it('adds the notary digits to the lock, and offers it only with at least 20 of them', () => {
    const lock = snapshotWith(step('lockEntropy'));
    expect(nextAction(lock, input)?.blocked).toBe('请先输入至少 20 位数字的公开随机数');
    expect(nextAction(lock, { entropy: '1234 5678 9012 3456 7890', now: 0 })).toMatchObject({
      command: { type: 'lockEntropy', entropy: '12345678901234567890' },
      blocked: null,
    });
  });

  it('waits for the roll to land, and shows the reason the server gives for a blocked step', () => {
    const present = snapshotWith(step('presentAuditee', { notBefore: { at: 950_000, reason: '摇号动画进行中' } }));
    expect(nextAction(present, { entropy: '', now: 940_000 })?.blocked).toBe('摇号动画进行中');
    expect(nextAction(present, { entropy: '', now: 950_000 })?.blocked).toBeNull();
    const judging = snapshotWith(step('lockJudging', { blocked: '还没有评委提交评分' }));
    expect(nextAction(judging, input)?.blocked).toBe('还没有评委提交评分');
  });
});

const input = { entropy: '', now: 1_000_000 };
