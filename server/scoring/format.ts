/** Integer arithmetic in hundredths and the way its numbers are read aloud and printed. */

/** Rounds a non-negative ratio of integers to the nearest integer, halves up. */
export function roundDiv(numerator: number, denominator: number): number {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/** 92.5, 90, 87.67: a score as read aloud. */
export function formatScore(hundredths: number): string {
  const whole = Math.floor(hundredths / 100);
  const fraction = hundredths % 100;
  if (fraction === 0) return String(whole);
  return fraction % 10 === 0 ? `${whole}.${fraction / 10}` : `${whole}.${String(fraction).padStart(2, '0')}`;
}

/** Always two decimals: the final score as stated (rounded to 2 decimals). */
export function formatFinal(hundredths: number): string {
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

/** Points with two decimals for tables and reports; a dash when there is no value. */
export function formatPoints(hundredths: number | null | undefined): string {
  return hundredths === null || hundredths === undefined ? '—' : formatFinal(hundredths);
}

/** A rate in hundredths of a percent (8500 = 85.00%); a dash when there is no value. */
export function formatPercent(hundredths: number | null | undefined): string {
  return hundredths === null || hundredths === undefined ? '—' : `${formatFinal(hundredths)}%`;
}
