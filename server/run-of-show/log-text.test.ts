import { describe, expect, it } from 'vitest';
import { describeLogEntry } from '../run-of-show/log-text';

describe('describeLogEntry', () => {
  it('says what each kind of entry did, with its reason and values', () => {
    expect(describeLogEntry('replaceAuditee', { reason: 'LEAVE' })).toBe('人员递补（原因：请假）');
    expect(describeLogEntry('replaceHousehold', { household: 'H-7', reason: 'NO_ANSWER' })).toBe(
      '户 H-7 递补（原因：未接通）',
    );
    expect(describeLogEntry('recordOutcome', { household: 'H-1', outcome: '属实', satisfaction: '满意' })).toBe(
      '户 H-1：属实，满意',
    );
    expect(describeLogEntry('recordOutcome', { household: 'H-2', outcome: '未联系上', satisfaction: null })).toBe(
      '户 H-2：未联系上',
    );
    expect(describeLogEntry('correctScore', { seat: 3, hundredths: 8650, reason: '误触' })).toBe(
      '监督员更正 3 号评委评分为 86.50（原因：误触）',
    );
    expect(describeLogEntry('cue', { graphic: 'households', round: 0 })).toBe('预览：入户核实');
    expect(describeLogEntry('clearAll', {})).toBe('紧急清屏（清除所有图文）');
  });

  it('falls back to the command name for an entry it does not know', () => {
    expect(describeLogEntry('somethingNew', {})).toBe('somethingNew');
    expect(describeLogEntry('replaceAuditee', { reason: 'UNKNOWN' })).toBe('人员递补（原因：UNKNOWN）');
  });
});
