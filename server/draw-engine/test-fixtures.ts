import type { DrawPlan } from '../protocol/draw';
import { defaultPlan } from '../draw-engine/default-plan';
import {
  buildPool,
  planHash,
  poolHash,
  type EligibilityAuditee,
  type EligibilityContact,
} from '../draw-engine/eligibility';
import { applyDrawCommand, type DrawCommand, type DrawState } from '../draw-engine/ceremony';
import { sealedState, sealPayloadOf } from '../verify/bundle';
import { commitmentOf } from '../draw-engine/seed';

/** A small synthetic county for draw tests: 3 towns, 60 auditees, 12 contacts each. */
export function syntheticRoster(): { auditees: EligibilityAuditee[]; contacts: EligibilityContact[] } {
  const towns = ['城关街道', '许家湖镇', '高庄镇'];
  const auditees: EligibilityAuditee[] = [];
  const contacts: EligibilityContact[] = [];
  for (let i = 1; i <= 60; i += 1) {
    const number = String(i).padStart(5, '0');
    auditees.push({
      number,
      unit: i % 2 === 0 ? '县财政局' : '县教育局',
      industry: i % 2 === 0 ? '经济管理' : '教育',
      town: towns[i % 3] as string,
      area: '东片',
      village: `村${i % 5}`,
      status: i === 7 ? '请假' : i === 8 ? '离岗' : '在岗',
    });
    for (let h = 1; h <= 12; h += 1) {
      contacts.push({
        number: `${number}-${String(h).padStart(2, '0')}`,
        auditeeNumber: number,
        phone: h === 12 ? '' : `100${String(i * 100 + h).padStart(8, '0')}`,
        consent: h === 11 ? '不同意' : '同意',
      });
    }
  }
  return { auditees, contacts };
}

export function basePlan(overrides: Partial<DrawPlan> = {}): DrawPlan {
  return defaultPlan('2026-11-26', { replacementCaps: { auditees: 3, contactsPerAuditee: 4 }, ...overrides });
}

export const FIXED_SECRET = 'a1'.repeat(32);
export const FIXED_ENTROPY = '31415926535897932384';

export function sealedFixture(plan: DrawPlan = basePlan(), drawId = 'draw-test-0001'): DrawState {
  const { auditees, contacts } = syntheticRoster();
  const { pool } = buildPool(plan, auditees, contacts, []);
  return sealedState(
    {
      drawId,
      programCode: plan.programCode,
      roster: { versionId: 1, hash: 'f'.repeat(64), auditeeCount: auditees.length, contactCount: contacts.length },
      planHash: planHash(plan),
      poolHash: poolHash(pool),
      commitment: commitmentOf(FIXED_SECRET),
    },
    plan,
    pool,
    '',
  );
}

export const FIXED_NOTARY_SECRET = 'b2'.repeat(32);

/**
 * A format-2 draw as sealed: the seal record's hash stands in for the log's (any fixed value does
 * for the ceremony), with a notary who holds their own secret, a simulated one, or none.
 */
export function sealedFixtureV2(
  notary: 'notary' | 'simulated' | 'none',
  plan: DrawPlan = basePlan({ notary: notary === 'none' ? 'none' : 'required' }),
  sealHash = 'c3'.repeat(32),
): DrawState {
  const v1 = sealedFixture(plan);
  return sealedState(
    {
      ...sealPayloadOf(v1),
      version: 2,
      notary:
        notary === 'none' ? null : { commitment: commitmentOf(FIXED_NOTARY_SECRET), simulated: notary === 'simulated' },
      show: null,
    },
    plan,
    v1.pool,
    sealHash,
  );
}

/** Applies ceremony commands in turn; a refusal fails the test with its code. */
export function runCeremony(state: DrawState, ...commands: DrawCommand[]): DrawState {
  return commands.reduce((current, command) => {
    const result = applyDrawCommand(current, command);
    if (!result.ok) throw new Error(`${command.type}: ${result.code} ${result.message}`);
    return result.state;
  }, state);
}

/** The code a command is refused with (an accepted one fails the test). */
export function ceremonyRefusal(state: DrawState, command: DrawCommand): string {
  const result = applyDrawCommand(state, command);
  if (result.ok) throw new Error(`${command.type} was accepted`);
  return result.code;
}
