import { Type, type Static } from '@sinclair/typebox';
import { literalUnion } from './literal-union';

/** Staff accounts: the operator runs the show; the supervisor (notary) witnesses, checks and corrects. */
export const STAFF_ROLES = ['operator', 'supervisor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const RoleSchema = literalUnion(STAFF_ROLES);

export const ROLE_LABEL: Record<StaffRole, string> = { operator: '导播/操作员', supervisor: '监督员' };

export const LoginBodySchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBodySchema>;

export const SessionUserSchema = Type.Object({
  username: Type.String(),
  role: RoleSchema,
});
export type SessionUser = Static<typeof SessionUserSchema>;

export const SESSION_COOKIE = 'choucha_session';
