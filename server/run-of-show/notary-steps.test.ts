import { describe, expect, it } from 'vitest';
import { FIXED_ENTROPY, FIXED_NOTARY_SECRET, FIXED_SECRET, sealedFixtureV2 } from '../draw-engine/test-fixtures';
import { initialShow, transition, type ShowCommand, type ShowState } from './run-of-show';
import { run, T0 } from './test-situations';

const sealed = (notary: 'notary' | 'simulated' | 'none' = 'notary') =>
  initialShow(sealedFixtureV2(notary), { rehearsal: notary === 'simulated', reportMinutes: 5, judges: [] });

function refusal(state: ShowState, command: ShowCommand): { code: string; drawCode?: string } {
  const result = transition(state, command);
  if (result.ok) throw new Error(`${command.type} was accepted`);
  return { code: result.code, ...(result.drawCode ? { drawCode: result.drawCode } : {}) };
}

const open: ShowCommand = { type: 'open', at: T0 };
const lock: ShowCommand = { type: 'lockEntropy', at: T0, entropy: FIXED_ENTROPY, by: 'supervisor' };
const reveal: ShowCommand = { type: 'reveal', at: T0, secret: FIXED_SECRET };
const revealNotary: ShowCommand = { type: 'revealNotary', at: T0, secret: FIXED_NOTARY_SECRET };

describe('the notary in the run-of-show (format 2)', () => {
  it('refuses the operator-typed entropy, and draws only after the notary reveals, last', () => {
    const live = run(sealed(), open);
    expect(refusal(live, { ...lock, by: 'operator' })).toEqual({
      code: 'SHOW_DRAW_REFUSED',
      drawCode: 'DRAW_ENTROPY_ROLE',
    });
    const serverRevealed = run(live, lock, reveal);
    expect(refusal(serverRevealed, { type: 'drawAuditee', at: T0 })).toEqual({
      code: 'SHOW_DRAW_REFUSED',
      drawCode: 'DRAW_NOTARY_PENDING',
    });
    expect(refusal(serverRevealed, { ...revealNotary, secret: 'ee'.repeat(32) })).toEqual({
      code: 'SHOW_DRAW_REFUSED',
      drawCode: 'DRAW_NOTARY_MISMATCH',
    });
    const seeded = run(serverRevealed, revealNotary);
    expect(seeded.draw.seed).not.toBeNull();
    expect(run(seeded, { type: 'drawAuditee', at: T0 }).rounds).toHaveLength(1);
  });

  it('abandons before the seed by either role, after it only by the notary, and then accepts nothing', () => {
    const reason = '公证员无法到场公开密钥';
    const beforeSeed = run(sealed(), open, lock, reveal);
    const byOperator = run(beforeSeed, { type: 'abandon', at: T0 + 5, reason, by: 'operator' });
    expect(byOperator).toMatchObject({ status: 'closed', abandoned: { reason }, closedAt: T0 + 5 });
    expect(byOperator.draw.abandoned).toEqual({ reason });
    expect(refusal(byOperator, revealNotary).code).toBe('SHOW_CLOSED');
    // Before the show even opens (the notary cannot come at all).
    expect(run(sealed(), { type: 'abandon', at: T0, reason, by: 'operator' }).abandoned).toEqual({ reason });

    const seeded = run(beforeSeed, revealNotary);
    expect(refusal(seeded, { type: 'abandon', at: T0, reason, by: 'operator' }).code).toBe('SHOW_WRONG_STEP');
    expect(run(seeded, { type: 'abandon', at: T0, reason, by: 'supervisor' }).abandoned).toEqual({ reason });
  });
});
