import { Type, type Static } from '@sinclair/typebox';
import { literalUnion } from './literal-union';

/** Staff accounts: the operator runs the show; the supervisor (notary) witnesses, checks and corrects. */
export const STAFF_ROLES = ['operator', 'supervisor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const RoleSchema = literalUnion(STAFF_ROLES);

export const ROLE_LABEL: Record<StaffRole, string> = { operator: '导播/操作员', supervisor: '监督员' };

/**
 * Every account's role: the staff roles, and the county administrator, who manages accounts and
 * nothing else (no show, registry or phones): staff routes and sockets refuse it.
 */
export const ACCOUNT_ROLES = ['admin', ...STAFF_ROLES] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];
export const AccountRoleSchema = literalUnion(ACCOUNT_ROLES);
export const ACCOUNT_ROLE_LABEL: Record<AccountRole, string> = { admin: '管理员', ...ROLE_LABEL };
export const isStaffRole = (role: AccountRole): role is StaffRole => role !== 'admin';

/** Who is logged in: any account, and whether it must set its own password before anything else. */
export const AccountSessionSchema = Type.Object({
  username: Type.String(),
  role: AccountRoleSchema,
  mustSetPassword: Type.Boolean(),
});
export type AccountSession = Static<typeof AccountSessionSchema>;

export const USERNAME_PATTERN = '^[a-z][a-z0-9_.-]{2,31}$';
/** A password the user chooses: at least 10 characters. */
export const NewPasswordSchema = Type.String({ minLength: 10, maxLength: 256 });

export const SetPasswordBodySchema = Type.Object(
  { current: Type.String({ minLength: 1, maxLength: 256 }), next: NewPasswordSchema },
  { additionalProperties: false },
);
export type SetPasswordBody = Static<typeof SetPasswordBodySchema>;

export const CreateAccountBodySchema = Type.Object(
  { username: Type.String({ pattern: USERNAME_PATTERN }), role: AccountRoleSchema },
  { additionalProperties: false },
);
export type CreateAccountBody = Static<typeof CreateAccountBodySchema>;

export const AccountViewSchema = Type.Object({
  username: Type.String(),
  role: AccountRoleSchema,
  createdAt: Type.String(),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  disabled: Type.Boolean(),
  mustSetPassword: Type.Boolean(),
});
export type AccountView = Static<typeof AccountViewSchema>;

export const ACCOUNT_ACTIONS = ['create', 'disable', 'enable', 'reset-password', 'set-password'] as const;
export type AccountAction = (typeof ACCOUNT_ACTIONS)[number];
export const ACCOUNT_ACTION_LABEL: Record<AccountAction, string> = {
  create: '创建账号',
  disable: '停用',
  enable: '启用',
  'reset-password': '重置密码',
  'set-password': '设置本人密码',
};
export const AccountLogEntrySchema = Type.Object({
  at: Type.String(),
  actor: Type.String(),
  action: literalUnion(ACCOUNT_ACTIONS),
  target: Type.String(),
  detail: Type.String(),
});
export type AccountLogEntry = Static<typeof AccountLogEntrySchema>;

export const AccountsSchema = Type.Object({
  accounts: Type.Array(AccountViewSchema),
  log: Type.Array(AccountLogEntrySchema),
});
export type Accounts = Static<typeof AccountsSchema>;

/** A one-time password made by the server for a new or reset account: shown once, to be replaced at first login. */
export const OneTimePasswordSchema = Type.Object({
  username: Type.String(),
  password: Type.String(),
  accounts: AccountsSchema,
});
export type OneTimePassword = Static<typeof OneTimePasswordSchema>;

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
