import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuthService } from '../auth/auth-service';
import { requireStaff } from '../auth/routes';

/** Outputs, control surfaces and venue tablets are the county's broadcast kit: an account of every program manages them. */
const COUNTY = { scope: 'county' } as const;
import { AppError } from '../errors';
import { DecimalInteger, ROW_ID } from '../protocol/decimal-integer';
import {
  ControlBugSchema,
  ControlCallViewSchema,
  ControlCueSchema,
  ControlDoneSchema,
  ControlEmptySchema,
  ControlExtendSchema,
  ControlOutSchema,
  ControlTakeSchema,
  ControlStateSchema,
  ControlStepSchema,
  ControlTokenCreatedSchema,
  ControlTokenCreateSchema,
  ControlTokenQuerySchema,
  ControlTokenViewSchema,
  VmixRowSchema,
  type ControlAction,
  type ControlDone,
} from '../protocol/control';
import type { ControlService } from './control-service';
import type { ControlToken } from './control-tokens';
import { vmixRows } from './vmix-rows';

declare module 'fastify' {
  interface FastifyRequest {
    controlToken?: ControlToken;
    /** The control call's action, once its token is admitted. */
    controlAction?: ControlAction;
    /** Set when the handler runs: from there the service logs the call itself. */
    controlHandled?: boolean;
  }
}

/** The token of `Authorization: Bearer <token>`; a session cookie never opens the control API. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer ([^\s]+)$/u.exec(header ?? '')?.[1];
}

/** The URL prefix of the control API (versioned: Companion pages outlive releases). */
export const CONTROL_PREFIX = '/api/control/v1';

/**
 * The control API for Companion / Stream Deck (bearer token, rate-limited, every command logged with
 * the token's name) and the console's routes to make and revoke tokens and read the call log
 * (session cookie, operator).
 */
export function controlRoutes(control: ControlService, auth: AuthService) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(consoleRoutes(control, auth));
    await app.register(surfaceRoutes(control));
  };
}

function consoleRoutes(control: ControlService, auth: AuthService) {
  return async (app: FastifyInstance): Promise<void> => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    const operator = requireStaff(auth, ['operator']);
    typed.get(
      '/api/control/tokens',
      { schema: { response: { 200: Type.Array(ControlTokenViewSchema) } }, onRequest: operator, config: COUNTY },
      async () => control.tokens.list(),
    );
    typed.post(
      '/api/control/tokens',
      {
        schema: { body: ControlTokenCreateSchema, response: { 200: ControlTokenCreatedSchema } },
        onRequest: operator,
        config: COUNTY,
      },
      async (request, reply) => {
        // The token is shown once: no cache may keep it.
        reply.header('cache-control', 'no-store');
        return control.tokens.create(request.body.name.trim(), request.staff?.username ?? 'operator');
      },
    );
    typed.post(
      '/api/control/tokens/:id/revoke',
      {
        schema: {
          params: Type.Object({ id: DecimalInteger(ROW_ID) }),
          response: { 200: ControlTokenViewSchema },
        },
        onRequest: operator,
        config: COUNTY,
      },
      async (request) => control.revoke(request.params.id, request.staff?.username ?? 'operator'),
    );
    typed.get(
      '/api/control/calls',
      { schema: { response: { 200: Type.Array(ControlCallViewSchema) } }, onRequest: operator, config: COUNTY },
      async () => control.tokens.calls(),
    );
  };
}

/** A request without a body is read as `{}`, then validated like any body. */
async function emptyWhenAbsent(request: FastifyRequest): Promise<void> {
  if (request.body === undefined) request.body = {};
}

function surfaceRoutes(control: ControlService) {
  return async (app: FastifyInstance): Promise<void> => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    /** Before the body is read: the bearer token (the query's only where `query` says so). */
    const admit =
      (action: ControlAction, query = false) =>
      async (request: FastifyRequest): Promise<void> => {
        const fromQuery = query ? (request.query as { token?: unknown }).token : undefined;
        const presented =
          bearerToken(request.headers.authorization) ?? (typeof fromQuery === 'string' ? fromQuery : undefined);
        request.controlToken = control.authenticate(presented, request.ip, action);
        request.controlAction = action;
      };
    // A call refused before its handler (a body that is not valid, text the rules refuse) is logged too.
    app.addHook('onError', async (request, _reply, error) => {
      const { controlToken: token, controlAction: action } = request;
      if (token === undefined || action === undefined || request.controlHandled) return;
      const refusal =
        error instanceof AppError
          ? error
          : new AppError((error as { validation?: unknown }).validation ? 'VALIDATION_FAILED' : 'INTERNAL');
      control.tokens.logCall(token, action, refusal.code, refusal.message);
    });
    const tokenOf = (request: FastifyRequest): ControlToken => {
      if (request.controlToken === undefined) throw new AppError('CONTROL_TOKEN_INVALID');
      return request.controlToken;
    };
    const done = { 200: ControlDoneSchema };
    const command = <B extends TSchema>(
      path: string,
      action: ControlAction,
      body: B,
      run: (token: ControlToken, body: B['static']) => ControlDone,
    ) =>
      typed.post(
        `${CONTROL_PREFIX}/${path}`,
        // No body at all (curl -X POST) is a command without arguments, like Companion's `{}`.
        { schema: { body, response: done }, onRequest: admit(action), preValidation: emptyWhenAbsent },
        async (request) => {
          request.controlHandled = true;
          return run(tokenOf(request), request.body);
        },
      );
    command('cue', 'cue', ControlCueSchema, (token, body) => control.cue(token, body));
    command('take', 'take', ControlTakeSchema, (token, body) => control.take(token, body));
    command('out', 'out', ControlOutSchema, (token, body) => control.out(token, body));
    command('panic', 'panic', ControlEmptySchema, (token) => control.panic(token));
    command('restore', 'restore', ControlEmptySchema, (token) => control.restore(token));
    command('bug', 'bug', ControlBugSchema, (token, body) => control.bug(token, body));
    command('timer/pause', 'timer-pause', ControlEmptySchema, (token) => control.pauseTimer(token));
    command('timer/resume', 'timer-resume', ControlEmptySchema, (token) => control.resumeTimer(token));
    command('timer/extend', 'timer-extend', ControlExtendSchema, (token, body) => control.extendTimer(token, body));
    command('next', 'next', ControlEmptySchema, (token) => control.next(token));
    command('arm', 'arm', ControlStepSchema, (token, body) => control.arm(token, body));
    command('confirm', 'confirm', ControlStepSchema, (token, body) => control.confirm(token, body));

    typed.get(
      `${CONTROL_PREFIX}/state`,
      { schema: { response: { 200: ControlStateSchema } }, onRequest: admit('state') },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return control.state(tokenOf(request));
      },
    );
    typed.get(
      `${CONTROL_PREFIX}/vmix.json`,
      {
        schema: { querystring: ControlTokenQuerySchema, response: { 200: Type.Array(VmixRowSchema) } },
        onRequest: admit('vmix', true),
      },
      async (_request, reply) => {
        reply.header('cache-control', 'no-store');
        return vmixRows(control.onAir(), control.now());
      },
    );
  };
}
