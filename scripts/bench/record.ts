/** One figure of `npm run bench`, as written to bench-results.json. */
export interface BenchRecord {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  ratio?: number;
  goal?: string;
  /** Whether the figure meets its goal, judged when it was measured. */
  met?: boolean;
}

/** A goal in words, and the test of a measured record against it. */
export interface Goal {
  text: string;
  test: (record: BenchRecord) => boolean;
}

export const below = (limit: number, text: string): Goal => ({ text, test: (r) => r.value < limit });

/** A record with its goal and whether it was met. */
export function judged(record: BenchRecord, goal: Goal): BenchRecord {
  return { ...record, goal: goal.text, met: goal.test(record) };
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The nearest-rank percentile (p in 0–100) of some timings; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
