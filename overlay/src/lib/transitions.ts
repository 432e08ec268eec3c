import { cubicOut } from 'svelte/easing';
import type { TransitionConfig } from 'svelte/transition';
import type { OverlayState } from './overlay-state.svelte';

/**
 * Entrances and exits, by transform and opacity only (smooth at 50 fps). A state found on load or
 * reconnect, or a panic clear, takes no time at all.
 */
export function enter(
  _node: Element,
  { ov, y = 28, delay = 0 }: { ov: OverlayState; y?: number; delay?: number },
): TransitionConfig {
  if (!ov.animate) return { duration: 0 };
  ov.diagnostics.entrances += 1;
  return {
    delay,
    duration: 450,
    easing: cubicOut,
    css: (t, u) => `opacity: ${t}; transform: translate3d(0, ${u * y}px, 0)`,
  };
}

export function leave(_node: Element, { ov, instant }: { ov: OverlayState; instant?: boolean }): TransitionConfig {
  // The panic clear empties the screen at once; otherwise a short fade. An OGraf stop says itself.
  if (instant ?? (!ov.animate || ov.layers.length === 0)) return { duration: 0 };
  return { duration: 220, css: (t) => `opacity: ${t}` };
}
