/**
 * The step a playAction() goes to, as the OGraf spec says: `goto` when given, else the current step
 * plus `delta` (1 when not given; from the start state the current step counts as -1). A target at
 * or past `stepCount` means the end (undefined); a target before the first step is 'invalid'.
 */
export function targetStep(
  current: number | undefined,
  stepCount: number,
  goto: number | undefined,
  delta: number | undefined,
): number | undefined | 'invalid' {
  const target = goto ?? (current ?? -1) + (delta ?? 1);
  if (!Number.isInteger(target) || target < 0) return 'invalid';
  return stepCount >= 0 && target >= stepCount ? undefined : target;
}
