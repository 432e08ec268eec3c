import type { DrawPlan } from '../protocol/draw';

/**
 * A plan as a county would start from: the whole county, cadres on duty, on leave or travelling,
 * no cool-down, households with a phone and consent. Callers override what differs.
 */
export function defaultPlan(eventDate: string, overrides: Partial<DrawPlan> = {}): DrawPlan {
  return {
    version: 1,
    programCode: 'cadre-household',
    eventDate,
    eligibility: {
      grid: [],
      units: [],
      industries: [],
      statuses: ['在岗', '请假', '出差'],
      coolDownDays: 0,
      avoid: [],
      contactsRequirePhone: true,
      contactsRequireConsent: true,
    },
    auditees: { mode: 'total', count: 3 },
    contactsPerAuditee: 5,
    replacementCaps: { auditees: 2, contactsPerAuditee: 3 },
    ...overrides,
  };
}
