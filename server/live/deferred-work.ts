/**
 * Work that may wait its turn: the public's snapshots. One job runs per turn of the event loop, so
 * the I/O that arrives meanwhile — an operator's step, a judge's score — is read and served between
 * two jobs instead of behind a whole burst of them. A burst of public syncs then delays an on-air
 * step by one snapshot's serialisation at most, not by all of them.
 */
export class DeferredWork {
  private readonly jobs: (() => void)[] = [];
  private scheduled = false;

  /** The queue needs no cap of its own: each public socket's syncs and each address's joins are rate-limited. */
  constructor(private readonly onError: (error: unknown) => void) {}

  add(job: () => void): void {
    this.jobs.push(job);
    this.schedule();
  }

  get waiting(): number {
    return this.jobs.length;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate runs after the poll phase: pending socket reads are handled before the next job.
    setImmediate(() => {
      this.scheduled = false;
      const job = this.jobs.shift();
      if (this.jobs.length > 0) this.schedule();
      try {
        job?.();
      } catch (error) {
        this.onError(error);
      }
    });
  }
}
