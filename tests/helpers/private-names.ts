import { expect } from 'vitest';
import type { ShowSnapshot } from '../../server/protocol/show';

/**
 * The household heads' full names a public surface must never carry, from a staff snapshot. A head
 * may share a name with a cadre the county shows in full (the drawn one, the roll's reel, a
 * replaced one) or with a judge: such a name is public for that person, so it proves nothing and is
 * left out; at least `atLeast` names must remain, so the check can fail.
 */
export function privateHouseholdNames(staff: ShowSnapshot, atLeast = 3): string[] {
  const publicPeople = new Set(
    staff.rounds.flatMap((r) => [
      r.auditee.name,
      ...r.roll.reel.map((c) => c.name),
      ...r.replacedAuditees.map((c) => c.name),
      ...r.judging.seats.map((s) => s.name),
    ]),
  );
  const householdNames = staff.rounds.flatMap((r) => r.households.map((h) => h.name));
  expect(householdNames.length).toBeGreaterThanOrEqual(2 * atLeast);
  const names = householdNames.filter((n) => n.length >= 2 && !publicPeople.has(n));
  expect(names.length).toBeGreaterThanOrEqual(atLeast);
  return names;
}
