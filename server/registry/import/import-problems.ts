import type { ImportProblem } from '../../protocol/registry';

/** An import refused: every problem found (file, row, column, Chinese message), up to the cap, and how many there were. */
export class ImportRejectedError extends Error {
  constructor(
    readonly problems: ImportProblem[],
    readonly totalProblems: number,
  ) {
    super(`import rejected: ${totalProblems} problem(s)`);
    this.name = 'ImportRejectedError';
  }
}

/** Collects problems up to a cap but keeps counting, so the report says how many there were. */
export class ProblemList {
  readonly items: ImportProblem[] = [];
  total = 0;
  constructor(private readonly cap: number) {}
  add(problem: ImportProblem): void {
    this.total += 1;
    if (this.items.length < this.cap) this.items.push(problem);
  }
  get any(): boolean {
    return this.total > 0;
  }
  /** Ends the import when anything was found so far. */
  refuseIfAny(): void {
    if (this.any) throw new ImportRejectedError(this.items, this.total);
  }
}

/** A cell's value as quoted in a message: at most 40 characters. */
export function shown(value: string): string {
  const chars = Array.from(value);
  return chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : value;
}
