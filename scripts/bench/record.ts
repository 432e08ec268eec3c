/** One figure of `npm run bench`, as written to bench-results.json. */
export interface BenchRecord {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  ratio?: number;
  goal?: string;
}
