import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { loadDemoCounty } from '../server/demo/load-demo';
import { maskName } from '../server/privacy';
import { ARM_WINDOW_MS, type ControlCallView, type ControlState, type VmixRow } from '../server/protocol/control';
import { ERROR_CATALOGUE } from '../server/protocol/errors';
import { SESSION_COOKIE } from '../server/protocol/auth';
import { CLOSE_REVOKED } from '../server/control/control-socket';
import { DICE, ScriptedShow } from './helpers/show-script';
import { ShowClient } from './helpers/show-client';
import { loginCookie, testApp } from './helpers/test-app';

/**
 * The control API as Bitfocus Companion calls it: POST with a JSON body (`{}` when the button's body
 * is empty) and `Authorization: Bearer …`, GET of the state, the Generic WebSocket module's
 * `?token=` connection, and vMix's data source. Real app, real SQLite file, real HTTP, real
 * socket.io and websocket clients.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let base: string;
let show: ScriptedShow;
let operator: string;
let token: string;
let tokenId: number;
/** The app's clock runs this far ahead of the real one: the arm window is passed by moving it. */
let ahead = 0;

const STUDIO = '演播室 Stream Deck';

beforeAll(async () => {
  ({ app, close } = await testApp({
    clock: () => new Date(Date.now() + ahead),
    // This file sends bursts no person would; the limits themselves are tested on an app of their own.
    controlLimits: {
      commands: { burst: 1000, perSecond: 1000 },
      reads: { burst: 1000, perSecond: 1000 },
      failures: { maxFailures: 1000, windowMs: 60_000, maxKeys: 100 },
    },
  }));
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 200, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  show = await ScriptedShow.create(app, base, { rollSeconds: 2, judges: 3 });
  operator = await loginCookie(app);
  const made = await app.inject({
    method: 'POST',
    url: '/api/control/tokens',
    headers: { cookie: operator },
    payload: { name: STUDIO },
  });
  expect(made.statusCode).toBe(200);
  ({ token } = made.json<{ token: string }>());
  tokenId = made.json<{ view: { id: number } }>().view.id;
});
afterAll(async () => {
  show?.close();
  await close?.();
});

type Reply = {
  status: number;
  body: { ok?: true; revision?: number; state?: ControlState; error?: { code: string; message: string } };
};

/** A Companion button: POST, JSON body, the bearer header. */
async function press(path: string, body: object = {}, bearer: string | null = token, cookie?: string): Promise<Reply> {
  const response = await app.inject({
    method: 'POST',
    url: `/api/control/v1/${path}`,
    headers: { ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }), ...(cookie ? { cookie } : {}) },
    payload: body,
  });
  return { status: response.statusCode, body: response.json() };
}

async function state(bearer = token): Promise<ControlState> {
  const response = await app.inject({
    method: 'GET',
    url: '/api/control/v1/state',
    headers: { authorization: `Bearer ${bearer}` },
  });
  expect(response.statusCode).toBe(200);
  return response.json<ControlState>();
}

const revision = () => app.services.shows.revision(show.event.id);
const logLength = () => app.services.shows.logEntries(show.event.id).length;
const calls = () => app.services.control.tokens.calls();

/** Waits until the staff socket has the show's current revision (before the desk's own commands). */
const settled = () => show.staff.until(revision());

function expectRefused(reply: Reply, code: keyof typeof ERROR_CATALOGUE) {
  expect(reply.body.error?.code, reply.body.error?.message).toBe(code);
  expect(reply.status).toBe(ERROR_CATALOGUE[code].status);
}

describe('the control API before the outputs follow an event', () => {
  it('answers an idle state and refuses commands with CONTROL_NO_EVENT', async () => {
    expect(await state()).toMatchObject({ event: null, next: null, tally: { program: { main: '' }, armed: false } });
    const take = await press('take');
    expectRefused(take, 'CONTROL_NO_EVENT');
    expect(calls()[0]).toMatchObject({ tokenName: STUDIO, action: 'take', outcome: 'CONTROL_NO_EVENT' });
  });

  it('reads a command sent without a body (curl -X POST) as one without arguments, and refuses unknown fields', async () => {
    const bare = await app.inject({
      method: 'POST',
      url: '/api/control/v1/panic',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(bare.json().error.code).toBe('CONTROL_NO_EVENT');
    expectRefused(await press('panic', { everything: true }), 'VALIDATION_FAILED');
    expectRefused(await press('cue', { graphic: 'nope' }), 'VALIDATION_FAILED');
    expect(calls()[0]).toMatchObject({ tokenName: STUDIO, action: 'cue', outcome: 'VALIDATION_FAILED' });
  });
});

describe('the control API on the followed event', () => {
  beforeAll(async () => {
    const followed = await app.inject({
      method: 'PUT',
      url: '/api/channels/follow',
      headers: { cookie: operator },
      payload: { eventId: show.event.id },
    });
    expect(followed.statusCode).toBe(200);
  });

  it('refuses a wrong, malformed, revoked or missing token and the session cookie alone with 401, changing nothing', async () => {
    const made = await app.inject({
      method: 'POST',
      url: '/api/control/tokens',
      headers: { cookie: operator },
      payload: { name: '旧面板' },
    });
    const old = made.json<{ token: string; view: { id: number } }>();
    expect((await press('bug', {}, old.token)).status).toBe(200);
    const revoked = await app.inject({
      method: 'POST',
      url: `/api/control/tokens/${old.view.id}/revoke`,
      headers: { cookie: operator },
    });
    expect(revoked.json()).toMatchObject({ revokedBy: 'operator' });

    const before = logLength();
    const wrong = `chc_${'A'.repeat(43)}`;
    for (const [bearer, cookie] of [
      [wrong, undefined],
      ['not-a-token', undefined],
      [old.token, undefined],
      [null, undefined],
      [null, operator],
      [`${token}x`, operator],
    ] as const) {
      for (const path of ['take', 'panic', 'next', 'bug']) {
        const reply = await press(path, {}, bearer, cookie);
        expectRefused(reply, 'CONTROL_TOKEN_INVALID');
      }
      const read = await app.inject({
        method: 'GET',
        url: '/api/control/v1/state',
        headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(cookie ? { cookie } : {}) },
      });
      expect(read.statusCode).toBe(401);
    }
    // The token in a query opens only the vMix source and the websocket, never a command or the state.
    const query = await app.inject({ method: 'POST', url: `/api/control/v1/take?token=${token}`, payload: {} });
    expect(query.statusCode).toBe(401);
    expect(logLength()).toBe(before);
    // Logged: a revoked token's calls with its name, unknown ones without.
    const refused = calls().filter((call) => call.outcome === 'CONTROL_TOKEN_INVALID');
    expect(refused.some((call) => call.tokenName === '旧面板')).toBe(true);
    expect(refused.some((call) => call.tokenName === null)).toBe(true);
  });

  it('opens the show and takes a cued graphic to the programme, seen by a real output, logged with the token’s name', async () => {
    const overlay = await ShowClient.connect(base, { eventId: show.event.id, role: 'overlay', key: show.overlayKey });
    try {
      const opened = await press('next');
      expect(opened.status).toBe(200);
      expect(opened.body.state?.event).toMatchObject({ id: show.event.id, live: true });

      // The opening came on air with the step, on the main layer; a strap is cued and taken on its own.
      expect(opened.body.state?.tally.program.main).toBe('opening');
      const cued = await press('cue', { graphic: 'strap', text: '欢迎收看本期电视抽查' });
      expect(cued.status).toBe(200);
      expect(cued.body.state?.tally.preview.strap).toBe('strap');
      expect(cued.body.state?.air.layers.strap.preview).toMatchObject({ text: '欢迎收看本期电视抽查' });
      const taken = await press('take', { layer: 'strap' });
      expect(taken.status).toBe(200);
      const onAir = await overlay.until(taken.body.revision as number);
      expect(onAir.air.layers.strap.program).toMatchObject({ graphic: 'strap', text: '欢迎收看本期电视抽查' });
      expect(onAir.air.layers.strap.preview).toBeNull();
      expect(onAir.air.layers.main.program).toMatchObject({ graphic: 'opening' });

      const entries = app.services.shows.logEntries(show.event.id);
      expect(entries.slice(-3).map((entry) => [entry.type, entry.actor])).toEqual([
        ['open', `控制面板「${STUDIO}」`],
        ['cue', `控制面板「${STUDIO}」`],
        ['take', `控制面板「${STUDIO}」`],
      ]);
      expect(
        calls()
          .slice(0, 3)
          .map((call: ControlCallView) => [call.action, call.outcome]),
      ).toEqual([
        ['take', 'ok'],
        ['cue', 'ok'],
        ['next', 'ok'],
      ]);
      // A take with nothing cued is refused by the state machine, and the log stays as it was.
      const length = logLength();
      expectRefused(await press('take'), 'SHOW_NOTHING_CUED');
      expectRefused(await press('take', { layer: 'lower' }), 'SHOW_NOTHING_CUED');
      expectRefused(await press('take', { layer: 'sideways' }), 'VALIDATION_FAILED');
      expect(logLength()).toBe(length);
    } finally {
      overlay.close();
    }
  });

  it('reflects each change in the state endpoint: cue, take, out, bug, panic and restore', async () => {
    await press('cue', { graphic: 'entropy' });
    expect((await state()).tally).toMatchObject({
      program: { main: 'opening', strap: 'strap' },
      preview: { main: 'entropy' },
      cued: { main: true, lower: false },
    });
    await press('take');
    const taken = await state();
    expect(taken.tally).toMatchObject({ program: { main: 'entropy' }, preview: { main: '' }, cued: { main: false } });
    expect(taken.air.layers.main.program).toMatchObject({ graphic: 'entropy', label: '公开随机数' });
    await press('out', { layer: 'strap' });
    expect((await state()).tally.onAir).toMatchObject({ strap: false, main: true });
    expectRefused(await press('out', { layer: 'strap' }), 'SHOW_LAYER_EMPTY');
    expectRefused(await press('out'), 'VALIDATION_FAILED');

    const bug = (await state()).tally.bug;
    await press('bug');
    expect((await state()).tally.bug).toBe(!bug);
    await press('bug', { visible: true });
    expect((await state()).tally).toMatchObject({ bug: true, onAir: { bug: true } });

    expectRefused(await press('restore'), 'SHOW_NOTHING_TO_RESTORE');
    await press('panic');
    const cleared = await state();
    expect(cleared.tally).toMatchObject({ program: { main: '', bug: '' }, bug: false, restorable: true });
    expect(cleared.air.restorable.sort()).toEqual(['bug', 'main']);
    await press('restore');
    expect((await state()).tally).toMatchObject({ program: { main: 'entropy', bug: 'bug' }, restorable: false });
    expect((await state()).event?.revision).toBe(revision());
  });

  it('refuses the notary’s step, and an irreversible one without arm and confirm; arm then confirm works once, within the window', async () => {
    expect((await state()).next).toMatchObject({ step: 'lockEntropy', supervisor: true });
    expectRefused(await press('next'), 'CONTROL_SUPERVISOR_STEP');
    await settled();
    await show.run({ type: 'lockEntropy', entropy: DICE });

    expect((await state()).next).toMatchObject({ step: 'reveal', irreversible: true, needsArm: true });
    const before = logLength();
    const refused = await press('next');
    expectRefused(refused, 'CONTROL_NOT_ARMED');
    expect(refused.body.error?.message).toContain('预备');
    // The catalogue's message names the window the server keeps.
    expect(ERROR_CATALOGUE.CONTROL_NOT_ARMED.message).toContain(`${ARM_WINDOW_MS / 1000} 秒`);
    expectRefused(await press('confirm'), 'CONTROL_NOT_ARMED');
    expect(logLength()).toBe(before);

    // Armed, then the window passes: the confirm is refused and the step not taken.
    const armed = await press('arm', { step: 'reveal' });
    expect(armed.status).toBe(200);
    expect(armed.body.state?.armed).toMatchObject({ step: 'reveal', label: '公开密钥' });
    expect(armed.body.state?.tally.armed).toBe(true);
    ahead += ARM_WINDOW_MS + 1000;
    const late = await press('confirm');
    expectRefused(late, 'CONTROL_NOT_ARMED');
    expect(late.body.error?.message).toContain('已失效');
    expect(logLength()).toBe(before);
    expect((await state()).armed).toBeNull();

    // Another surface's arm does not confirm for this one.
    const other = await app.inject({
      method: 'POST',
      url: '/api/control/tokens',
      headers: { cookie: operator },
      payload: { name: '副控面板' },
    });
    const otherToken = other.json<{ token: string }>().token;
    expect((await press('arm', {}, otherToken)).status).toBe(200);
    expectRefused(await press('confirm'), 'CONTROL_NOT_ARMED');
    // Arming a step that is not next is refused.
    expectRefused(await press('arm', { step: 'close' }), 'CONTROL_STEP_NOT_NEXT');

    expect((await press('arm')).status).toBe(200);
    const confirmed = await press('confirm', { step: 'reveal' });
    expect(confirmed.status).toBe(200);
    expect(logLength()).toBe(before + 1);
    expect(app.services.shows.logEntries(show.event.id).at(-1)).toMatchObject({
      type: 'reveal',
      actor: `控制面板「${STUDIO}」`,
    });
    expect(confirmed.body.state?.next?.step).toBe('drawAuditee');
    // Confirmed once: a second confirm has nothing armed.
    expectRefused(await press('confirm'), 'CONTROL_NOT_ARMED');
    // A reversible step needs no arm.
    expectRefused(await press('confirm', { step: 'drawAuditee' }), 'CONTROL_NOT_ARMED');
  });

  it('refuses a confirm when the show moved after the arm', async () => {
    expect((await press('arm')).status).toBe(200);
    await press('bug');
    const stale = await press('confirm');
    expectRefused(stale, 'SHOW_STALE_REVISION');
    expect((await state()).round).toBeNull();
  });

  it('pauses, extends and resumes the report timer, the state saying so each time', async () => {
    expect((await press('arm')).status).toBe(200);
    expect((await press('confirm')).status).toBe(200);
    // The roll plays: "present" waits for it to land, as the desk's button does.
    expect((await state()).next?.step).toBe('presentAuditee');
    expectRefused(await press('next'), 'SHOW_WRONG_STEP');
    ahead += 10_000;
    expectRefused(await press('arm'), 'CONTROL_STEP_NOT_HELD');
    expect((await press('next')).status).toBe(200);
    expect((await press('next')).status).toBe(200);
    const running = await state();
    expect(running.timer).toMatchObject({ status: 'running', running: true });
    expect(running.round).toMatchObject({ number: 1, step: 'reporting' });
    expect(running.timer.display).toMatch(/^0[45]:\d\d$/u);

    const paused = await press('timer/pause');
    expect(paused.body.state?.timer).toMatchObject({ status: 'paused', running: false });
    const left = paused.body.state?.timer.remainingMs as number;
    const extended = await press('timer/extend', { seconds: 60 });
    expect(extended.body.state?.timer.remainingMs).toBe(left + 60_000);
    expectRefused(await press('timer/extend', { seconds: '60' }), 'VALIDATION_FAILED');
    expectRefused(await press('timer/pause'), 'SHOW_TIMER');
    const resumed = await press('timer/resume');
    expect(resumed.body.state?.timer).toMatchObject({ status: 'running', running: true });
  });

  it('pushes the state over the websocket on connecting and after each change; a revoked token is cut off', async () => {
    const url = `${base.replace('http', 'ws')}/api/control/v1/ws?token=${token}`;
    const ws = new WebSocket(url);
    const received: ControlState[] = [];
    ws.on('message', (data) => received.push(JSON.parse(String(data)) as ControlState));
    const until = async (check: (s: ControlState) => boolean) => {
      for (let i = 0; i < 500; i += 1) {
        const found = received.find(check);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`no such state among ${received.length}`);
    };
    const first = await until(() => true);
    expect(first.event?.id).toBe(show.event.id);
    const bug = (await state()).tally.bug;
    const pressed = await press('bug');
    const pushed = await until((s) => s.event?.revision === pressed.body.revision);
    expect(pushed.tally.bug).toBe(!bug);
    // socket.io keeps working beside it.
    const viewer = await ShowClient.connect(base, { eventId: show.event.id, role: 'public' });
    expect(viewer.latest.revision).toBe(pressed.body.revision);
    viewer.close();

    // The Companion module's keep-alive bytes are ignored.
    ws.send(Buffer.from([0]));
    const wrong = new WebSocket(`${base.replace('http', 'ws')}/api/control/v1/ws?token=chc_${'B'.repeat(43)}`);
    const status = await new Promise<number>((resolve) => {
      wrong.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      wrong.on('open', () => resolve(101));
    });
    expect(status).toBe(401);

    const made = await app.inject({
      method: 'POST',
      url: '/api/control/tokens',
      headers: { cookie: operator },
      payload: { name: '临时面板' },
    });
    const temp = made.json<{ token: string; view: { id: number } }>();
    const tempWs = new WebSocket(`${base.replace('http', 'ws')}/api/control/v1/ws?token=${temp.token}`);
    const closed = new Promise<number>((resolve) => tempWs.on('close', (code) => resolve(code)));
    await new Promise((resolve) => tempWs.on('message', resolve));
    await app.inject({
      method: 'POST',
      url: `/api/control/tokens/${temp.view.id}/revoke`,
      headers: { cookie: operator },
    });
    expect(await closed).toBe(CLOSE_REVOKED);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });

  it('serves vMix a data source masked exactly as on air, by the token in the query', async () => {
    await show.staff.until(revision());
    await show.run({ type: 'endReport' });
    expect((await press('arm', { step: 'drawHouseholds' })).status).toBe(200);
    expect((await press('confirm')).status).toBe(200);
    const staff = await show.staff.until(revision());
    const households = staff.rounds.at(-1)?.households ?? [];
    expect(households.length).toBeGreaterThan(0);

    expect((await app.inject({ method: 'GET', url: '/api/control/v1/vmix.json' })).statusCode).toBe(401);
    const response = await app.inject({ method: 'GET', url: `/api/control/v1/vmix.json?token=${token}` });
    expect(response.statusCode).toBe(200);
    const rows = response.json<VmixRow[]>();
    expect(rows[0]).toMatchObject({ kind: 'show', round: '第 1 轮', title: show.event.title });
    expect(rows[0]?.auditeeName).toBe(staff.rounds.at(-1)?.auditee.name);
    expect(rows.slice(1).map((row) => row.householdName)).toEqual(households.map((h) => maskName(h.name)));
    const body = response.body;
    for (const household of households) {
      expect(body.includes(household.name), household.name).toBe(false);
      expect(body.includes(household.phone), household.phone).toBe(false);
    }
    // Every row has every field, so vMix reads the same columns from each.
    const keys = Object.keys(rows[0] as VmixRow).sort();
    for (const row of rows) expect(Object.keys(row).sort()).toEqual(keys);
  });

  it('follows the outputs from the live event to its rehearsal and back: the same token, pushed each time', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/control/v1/ws?token=${token}`);
    const received: ControlState[] = [];
    ws.on('message', (data) => received.push(JSON.parse(String(data)) as ControlState));
    const until = async (check: (s: ControlState) => boolean) => {
      for (let i = 0; i < 500; i += 1) {
        const found = received.find(check);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`no such state among ${received.length}`);
    };
    try {
      await until((s) => s.event?.id === show.event.id);
      const copy = await app.inject({
        method: 'POST',
        url: `/api/events/${show.event.id}/rehearsal`,
        headers: { cookie: operator },
      });
      const rehearsal = copy.json<{ id: string }>().id;
      const follow = (eventId: string) =>
        app.inject({ method: 'PUT', url: '/api/channels/follow', headers: { cookie: operator }, payload: { eventId } });
      await follow(rehearsal);
      expect((await until((s) => s.event?.id === rehearsal)).event).toMatchObject({ rehearsal: true, live: false });
      const live = revision();
      const opened = await press('next');
      expect(opened.body.state?.event).toMatchObject({ id: rehearsal, live: true });
      expect(app.services.shows.logEntries(rehearsal).at(-1)).toMatchObject({
        type: 'open',
        actor: `控制面板「${STUDIO}」`,
      });
      expect(revision()).toBe(live);
      await follow(show.event.id);
      expect((await until((s) => s.event?.id === show.event.id && received.at(-1) === s)).event?.rehearsal).toBe(false);
    } finally {
      ws.close();
    }
  });

  it('lists tokens and the call log to the operator only; never the token itself', async () => {
    const tokens = await app.inject({ method: 'GET', url: '/api/control/tokens', headers: { cookie: operator } });
    expect(tokens.statusCode).toBe(200);
    expect(tokens.body.includes(token)).toBe(false);
    expect(
      tokens.json<{ id: number; lastUsedAt: string | null }[]>().find((t) => t.id === tokenId)?.lastUsedAt,
    ).not.toBeNull();
    const stored = app.services.db.prepare('SELECT token_hash FROM control_tokens WHERE id = ?').pluck().get(tokenId);
    expect(stored).toMatch(/^[0-9a-f]{64}$/u);
    expect(stored).not.toBe(token);
    const log = await app.inject({ method: 'GET', url: '/api/control/calls', headers: { cookie: operator } });
    expect(log.json<ControlCallView[]>().length).toBeGreaterThan(10);
    const supervisor = await loginCookie(app, 'supervisor', 'supervisor-test-pass');
    expect(
      (await app.inject({ method: 'GET', url: '/api/control/calls', headers: { cookie: supervisor } })).statusCode,
    ).toBe(403);
    const forged = { cookie: `${SESSION_COOKIE}=${'f'.repeat(64)}` };
    expect((await app.inject({ method: 'GET', url: '/api/control/tokens', headers: forged })).statusCode).toBe(401);
  });
});

describe('the control API’s limits', () => {
  it('limits each token’s commands, and wrong tokens per address without locking out the right one', async () => {
    const limited = await testApp({
      controlLimits: {
        commands: { burst: 3, perSecond: 0.001 },
        reads: { burst: 3, perSecond: 0.001 },
        failures: { maxFailures: 2, windowMs: 60_000, maxKeys: 100 },
      },
    });
    try {
      const cookie = await loginCookie(limited.app);
      const made = await limited.app.inject({
        method: 'POST',
        url: '/api/control/tokens',
        headers: { cookie },
        payload: { name: '测试' },
      });
      const own = made.json<{ token: string }>().token;
      const call = (bearer: string) =>
        limited.app.inject({
          method: 'POST',
          url: '/api/control/v1/take',
          headers: { authorization: `Bearer ${bearer}` },
          payload: {},
        });
      const wrong = `chc_${'C'.repeat(43)}`;
      const wrongCodes = [];
      for (let i = 0; i < 4; i += 1) wrongCodes.push((await call(wrong)).json().error.code);
      expect(wrongCodes).toEqual([
        'CONTROL_TOKEN_INVALID',
        'CONTROL_TOKEN_INVALID',
        'CONTROL_RATE_LIMITED',
        'CONTROL_RATE_LIMITED',
      ]);
      const codes = [];
      for (let i = 0; i < 4; i += 1) codes.push((await call(own)).json().error.code);
      expect(codes).toEqual(['CONTROL_NO_EVENT', 'CONTROL_NO_EVENT', 'CONTROL_NO_EVENT', 'CONTROL_RATE_LIMITED']);
      // Only the two wrong tokens that were checked are logged, and every call of the right one.
      const logged = limited.app.services.control.tokens.calls();
      expect(logged.filter((c) => c.tokenId === null).length).toBe(2);
      expect(logged.filter((c) => c.tokenName === '测试').length).toBe(4);
    } finally {
      await limited.close();
    }
  });
});
