import { Type, type Static } from '@sinclair/typebox';
import { DecimalInteger } from './decimal-integer';

/** Judges' seats: joining a seat with its link and PIN, the seat sheet, and a judge's score as sent. */

/** A judge's seat number, in a URL (the seat link, the release route). */
export const SEAT_NUMBER = { minimum: 1, maximum: 30 } as const;

export const JudgeSubmissionSchema = Type.Object(
  {
    submissionId: Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
    /**
     * The event the score was entered for. A venue tablet follows the operator's switch: a score
     * queued before it (offline, or across a reload) names the event it left and is refused.
     */
    eventId: Type.Optional(Type.String({ maxLength: 40 })),
    round: Type.Integer({ minimum: 0 }),
    auditeeNumber: Type.String({ maxLength: 32 }),
    /** Points per criterion of the event's rules, in their order (a single overall score: one item). */
    items: Type.Array(Type.Number({ minimum: 0, maximum: 100 }), { minItems: 1, maxItems: 10 }),
  },
  { additionalProperties: false },
);
export type JudgeSubmission = Static<typeof JudgeSubmissionSchema>;

export const JudgeJoinBodySchema = Type.Object(
  {
    eventId: Type.String({ maxLength: 40 }),
    seat: Type.Integer({ minimum: 1, maximum: 30 }),
    token: Type.String({ maxLength: 64 }),
    pin: Type.String({ maxLength: 6 }),
    deviceId: Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
  },
  { additionalProperties: false },
);
export type JudgeJoinBody = Static<typeof JudgeJoinBodySchema>;

/** The seat link's own query: it opens the seat's card, never a score (that takes the PIN). */
export const SeatLinkQuerySchema = Type.Object(
  {
    event: Type.String({ maxLength: 40 }),
    seat: DecimalInteger(SEAT_NUMBER),
    token: Type.String({ maxLength: 64 }),
  },
  { additionalProperties: false },
);
export type SeatLinkQuery = Static<typeof SeatLinkQuerySchema>;

/**
 * What the seat link reveals before the PIN: only what the printed seat sheet already shows next
 * to its QR code (seat, judge's name, the event and whether it is a rehearsal), so the PIN screen
 * can name the seat the judge is joining.
 */
export const SeatCardSchema = Type.Object({
  seat: Type.Integer(),
  name: Type.String(),
  eventTitle: Type.String(),
  eventDate: Type.String(),
  rehearsal: Type.Boolean(),
});
export type SeatCard = Static<typeof SeatCardSchema>;

export const JudgeJoinResultSchema = Type.Object({
  judgeKey: Type.String(),
  seat: Type.Integer(),
  name: Type.String(),
});

export const SeatViewSchema = Type.Object({
  seat: Type.Integer(),
  name: Type.String(),
  pin: Type.String(),
  joinPath: Type.String(),
  joined: Type.Boolean(),
  /** Wrong joins at this seat within the limiter's window, from every address (the operator may clear them). */
  joinFailures: Type.Integer(),
});
export type SeatView = Static<typeof SeatViewSchema>;
