/**
 * A line of facts about a person (unit, post, place) joined by ' · ', leaving out the empty ones:
 * 职务 is optional in a roster (teachers' and medics' files often have none), and an empty part
 * would print "县人民医院 · · 城关街道" on the desk and a dangling "县人民医院 ·" on the public site.
 */
export function joinedParts(...parts: string[]): string {
  return parts.filter((part) => part.trim() !== '').join(' · ');
}
