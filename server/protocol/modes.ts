import { literalUnion } from './literal-union';

/** How an audit runs: a televised show, a monthly special check, a daily routine check. */
export const EVENT_MODES = ['televised', 'special', 'routine'] as const;
export type EventMode = (typeof EVENT_MODES)[number];
export const EventModeSchema = literalUnion(EVENT_MODES);
export const EVENT_MODE_LABEL: Record<EventMode, string> = {
  televised: '电视集中抽查',
  special: '专项抽查',
  routine: '日常抽查',
};
