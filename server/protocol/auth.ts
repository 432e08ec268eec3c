import { Type, type Static } from '@sinclair/typebox';
import { literalUnion } from './literal-union';

/**
 * The show's own roles, as its log records them: the operator runs the show; the supervisor
 * (notary) witnesses, checks and corrects. Part of the verifiable format (a correction's `by`).
 */
export const STAFF_ROLES = ['operator', 'supervisor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const RoleSchema = literalUnion(STAFF_ROLES);

export const ROLE_LABEL: Record<StaffRole, string> = { operator: '导播/操作员', supervisor: '监督员/公证员' };

/**
 * Every account's role. The administrator manages accounts and programs and nothing else (no show,
 * registry or phones). Staff: the operator prepares and runs events; the caller (话务员) sees the
 * phones of the households drawn in the round being called and records what they say, nothing
 * else; the supervisor (监督员/公证员) enters entropy, reveals the notary's secret and corrects;
 * the reader (查阅: 纪委, 组织部) reads every result, record and report, with no phone and no action.
 */
export const ACCOUNT_ROLES = ['admin', 'operator', 'caller', 'supervisor', 'reader'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];
export const AccountRoleSchema = literalUnion(ACCOUNT_ROLES);
export const WORK_ROLES = ['operator', 'caller', 'supervisor', 'reader'] as const satisfies readonly AccountRole[];
export type WorkRole = (typeof WORK_ROLES)[number];
export const WorkRoleSchema = literalUnion(WORK_ROLES);
export const ACCOUNT_ROLE_LABEL: Record<AccountRole, string> = {
  admin: '管理员',
  operator: '操作员',
  caller: '话务员',
  supervisor: ROLE_LABEL.supervisor,
  reader: '查阅',
};
export const isStaffRole = (role: AccountRole): role is WorkRole => role !== 'admin';
/** Roles that read results, records and reports (the caller reads nothing but its round's calls). */
export const READ_ROLES = ['operator', 'supervisor', 'reader'] as const satisfies readonly WorkRole[];

/**
 * Which programs an account works in: a list of program codes, or null for every program (the
 * county's own accounts, the administrator, 查阅). Every route and socket checks it.
 */
export const ProgramScopeSchema = Type.Union([
  Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 50, uniqueItems: true }),
  Type.Null(),
]);
export type ProgramScope = Static<typeof ProgramScopeSchema>;
export const inScope = (scope: ProgramScope, program: string): boolean => scope === null || scope.includes(program);

/** Who is logged in: any account, and whether it must set its own password before anything else. */
export const AccountSessionSchema = Type.Object({
  username: Type.String(),
  role: AccountRoleSchema,
  programs: ProgramScopeSchema,
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
  {
    username: Type.String({ pattern: USERNAME_PATTERN }),
    role: AccountRoleSchema,
    /** Absent: every program. */
    programs: Type.Optional(ProgramScopeSchema),
  },
  { additionalProperties: false },
);
export type CreateAccountBody = Static<typeof CreateAccountBodySchema>;

/** A new role or program scope for an account: its sessions end, so nothing keeps the old grant. */
export const GrantBodySchema = Type.Object(
  { role: AccountRoleSchema, programs: ProgramScopeSchema },
  { additionalProperties: false },
);
export type GrantBody = Static<typeof GrantBodySchema>;

export const AccountViewSchema = Type.Object({
  username: Type.String(),
  role: AccountRoleSchema,
  programs: ProgramScopeSchema,
  createdAt: Type.String(),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  disabled: Type.Boolean(),
  mustSetPassword: Type.Boolean(),
});
export type AccountView = Static<typeof AccountViewSchema>;

export const ACCOUNT_ACTIONS = ['create', 'grant', 'disable', 'enable', 'reset-password', 'set-password'] as const;
export type AccountAction = (typeof ACCOUNT_ACTIONS)[number];
export const ACCOUNT_ACTION_LABEL: Record<AccountAction, string> = {
  create: '创建账号',
  grant: '调整角色与项目',
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
  /** The programs an account can be scoped to (the administrator reads no registry to find them). */
  programs: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
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

/** A staff session: any account but the administrator's, with its own password set. */
export const SessionUserSchema = Type.Object({
  username: Type.String(),
  role: WorkRoleSchema,
  programs: ProgramScopeSchema,
});
export type SessionUser = Static<typeof SessionUserSchema>;

export const SESSION_COOKIE = 'choucha_session';
