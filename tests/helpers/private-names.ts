import { expect } from 'vitest';
import type { ShowSnapshot } from '../../server/protocol/show';

/**
 * The household heads' full names a public surface must never carry, from a staff snapshot. A head
 * may share a name with a cadre the county shows in full (the drawn one, the roll's reel, a
 * replaced one) or with a judge, or be part of such a name: it is public for that person, so it proves nothing
 * and is left out; at least `atLeast` names must remain, so the check can fail.
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
  // Checks search text, so a head whose name is part of a public person's (李霞 in 李霞飞) proves nothing either.
  const shownInFull = [...publicPeople];
  const names = householdNames.filter((n) => n.length >= 2 && !shownInFull.some((p) => p.includes(n)));
  expect(names.length).toBeGreaterThanOrEqual(atLeast);
  return names;
}
