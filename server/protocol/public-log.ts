import { Type, type Static } from '@sinclair/typebox';
import { NotaryCommitmentSchema, SignedTreeHeadSchema } from './draw';
import { DecimalInteger } from './decimal-integer';
import { literalUnion } from './literal-union';

/**
 * The county's public log as the public reads it (docs/verification.md, "The public log"): signed
 * tree heads, leaves, proofs, and the list of every sealed draw with how it ended.
 */

/** Up to a billion leaves: far beyond a county's lifetime of draws, and within a safe integer. */
export const LOG_INDEX = { minimum: 0, maximum: 999_999_999 } as const;

export const PublicLogHeadSchema = Type.Object({
  head: Type.Union([SignedTreeHeadSchema, Type.Null()]),
  /** The county's Ed25519 public key (32 raw bytes, hex) and its fingerprint, printed on every bulletin. */
  publicKey: Type.String(),
  keyId: Type.String(),
});
export type PublicLogHead = Static<typeof PublicLogHeadSchema>;

export const PublicLogLeavesQuery = Type.Object(
  {
    from: Type.Optional(DecimalInteger(LOG_INDEX)),
    limit: Type.Optional(DecimalInteger({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
export const InclusionQuery = Type.Object(
  { index: DecimalInteger(LOG_INDEX), size: DecimalInteger(LOG_INDEX) },
  { additionalProperties: false },
);
export const ConsistencyQuery = Type.Object(
  { from: DecimalInteger(LOG_INDEX), to: DecimalInteger(LOG_INDEX) },
  { additionalProperties: false },
);
export const ProofSchema = Type.Object({ proof: Type.Array(Type.String()) });

/** A leaf as stored: its index, its hash, and its JSON (a seal record or a final record). */
export const PublicLogLeafRowSchema = Type.Object({
  index: Type.Integer(),
  leafHash: Type.String(),
  leaf: Type.Record(Type.String(), Type.Unknown()),
});
export type PublicLogLeafRow = Static<typeof PublicLogLeafRowSchema>;

/** How a publicly logged draw stands: sealed and not ended yet, completed, or abandoned (作废). */
export const PUBLIC_DRAW_STATES = ['sealed', 'completed', 'abandoned'] as const;
export type PublicDrawState = (typeof PUBLIC_DRAW_STATES)[number];
export const PublicDrawStateSchema = literalUnion(PUBLIC_DRAW_STATES);
export const PUBLIC_DRAW_STATE_LABEL: Record<PublicDrawState, string> = {
  sealed: '已封存',
  completed: '已完成',
  abandoned: '已作废',
};

/** One sealed draw in the public list: real, rehearsal or abandoned alike, with its commitments. */
export const PublicDrawSchema = Type.Object({
  leafIndex: Type.Integer(),
  drawId: Type.String(),
  title: Type.String(),
  sealedAt: Type.String(),
  sealHash: Type.String(),
  eventId: Type.Union([Type.String(), Type.Null()]),
  rehearsal: Type.Boolean(),
  commitment: Type.String(),
  notary: Type.Union([NotaryCommitmentSchema, Type.Null()]),
  state: PublicDrawStateSchema,
  /** Why it was abandoned (null otherwise). */
  reason: Type.Union([Type.String(), Type.Null()]),
  endedAt: Type.Union([Type.String(), Type.Null()]),
});
export type PublicDraw = Static<typeof PublicDrawSchema>;
