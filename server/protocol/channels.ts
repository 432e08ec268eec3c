import { Type, type Static } from '@sinclair/typebox';

/**
 * The installation's outputs (output channels, the venue's judges' seats) follow one event at a
 * time: the live event or its rehearsal. The operator switches it; every output and tablet moves.
 */
export const FollowViewSchema = Type.Object({
  /** The event followed, or null before the operator chose one. */
  eventId: Type.Union([Type.String(), Type.Null()]),
  title: Type.Union([Type.String(), Type.Null()]),
  rehearsal: Type.Boolean(),
  changedAt: Type.Union([Type.String(), Type.Null()]),
  changedBy: Type.Union([Type.String(), Type.Null()]),
});
export type FollowView = Static<typeof FollowViewSchema>;

export const FollowBodySchema = Type.Object(
  { eventId: Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' }) },
  { additionalProperties: false },
);
export type FollowBody = Static<typeof FollowBodySchema>;
