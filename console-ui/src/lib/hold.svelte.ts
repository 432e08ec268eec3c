/** How long an irreversible action must be held (mouse, touch or its hotkey) before it is sent. */
export const HOLD_MS = 1000;

/**
 * Hold-to-confirm: the action fires once, only after being held for the whole time; letting go
 * earlier cancels. A click or double-click does nothing but show how to confirm.
 */
export class Hold {
  /** 0 → 1 while held. */
  progress = $state(0);
  holding = $state(false);
  /** Shown after a click that was not held. */
  hint = $state(false);
  private startedAt = 0;
  private frame = 0;
  private hintTimer: ReturnType<typeof setTimeout> | null = null;
  private fireTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly fire: () => void,
    private readonly ms = HOLD_MS,
  ) {}

  start(): void {
    if (this.holding) return;
    this.holding = true;
    this.hint = false;
    this.startedAt = performance.now();
    // The timer decides; frames only draw the progress (a background tab may not get frames).
    this.fireTimer = setTimeout(() => {
      if (!this.holding) return;
      this.stopHolding();
      this.fire();
    }, this.ms);
    const step = () => {
      if (!this.holding) return;
      this.progress = Math.min(1, (performance.now() - this.startedAt) / this.ms);
      this.frame = requestAnimationFrame(step);
    };
    this.frame = requestAnimationFrame(step);
  }

  cancel(): void {
    if (!this.holding) return;
    const short = performance.now() - this.startedAt < this.ms;
    this.stopHolding();
    if (short) this.showHint();
  }

  private stopHolding(): void {
    cancelAnimationFrame(this.frame);
    if (this.fireTimer) clearTimeout(this.fireTimer);
    this.fireTimer = null;
    this.holding = false;
    this.progress = 0;
  }

  showHint(): void {
    this.hint = true;
    if (this.hintTimer) clearTimeout(this.hintTimer);
    this.hintTimer = setTimeout(() => (this.hint = false), 2500);
  }
}
