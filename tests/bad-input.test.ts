import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../server/demo/load-demo';
import { findChainBreak } from '../server/draw-engine/log-chain';
import { readLog, SHOW_LOG } from '../server/store/log-store';
import type { ErrorBody } from '../server/protocol/errors';
import type { ImportRejection } from '../server/protocol/registry';
import type { CommandAck } from '../server/protocol/show';
import { registryDigest } from './helpers/db-snapshot';
import { multipart } from './helpers/multipart';
import {
  CADRE_HEADER,
  cadreRows,
  csvBytes,
  GRID_HEADER,
  GRID_ROWS,
  HOUSEHOLD_HEADER,
  householdRows,
} from './helpers/roster-fixture';
import { DICE, ScriptedShow } from './helpers/show-script';
import { ShowClient } from './helpers/show-client';
import { loginCookie, SUPERVISOR_PASSWORD, testApp } from './helpers/test-app';
import { zipBomb } from './helpers/zip-bomb';

/**
 * The bad-input campaign: hostile and broken inputs across import files, HTTP bodies and socket
 * payloads. Each gets a typed error from the one catalogue; nothing is half-written (the registry
 * digest, the show's revision and log are unchanged by every refusal); the server keeps serving.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let base: string;
let cookie: string;
let show: ScriptedShow;
const MAX_UPLOAD = 2 * 1024 * 1024;
let casesRun = 0;

beforeAll(async () => {
  ({ app, close } = await testApp({ maxUploadBytes: MAX_UPLOAD }));
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 200, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  cookie = await loginCookie(app);
  show = await ScriptedShow.create(app, base, { rollSeconds: 2 });
});

let onAir = false;
/**
 * Takes the show on air, up to the judging, for the HTTP and socket cases. The import cases run
 * before it: a roster import is refused whole while a televised show is on air
 * (IMPORT_DURING_LIVE_SHOW, tests/import-on-air.test.ts), which would hide every other refusal.
 */
async function showOnAirAtJudging(): Promise<void> {
  if (onAir) return;
  onAir = true;
  await show.open();
  await show.run({ type: 'lockEntropy', entropy: DICE });
  await show.run({ type: 'reveal' });
  await show.run({ type: 'drawAuditee' });
  await show.run({ type: 'presentAuditee' });
  await show.run({ type: 'startReport' });
  await show.run({ type: 'endReport' });
  await show.run({ type: 'drawHouseholds' });
  await show.callHouseholds([{ outcome: '属实', satisfaction: '满意' }]);
  await show.run({ type: 'openJudging' });
}
afterAll(async () => {
  show?.staff.close();
  await close?.();
});

const errorCode = (body: string) => (JSON.parse(body) as ErrorBody).error.code;

/** The server still answers and the show is where it was. */
async function stillServing(revision: number): Promise<void> {
  const answer = await app.inject({ method: 'GET', url: '/api/public/events' });
  expect(answer.statusCode).toBe(200);
  const snapshot = await app.inject({ method: 'GET', url: `/api/events/${show.event.id}/snapshot` });
  expect(snapshot.json<{ revision: number }>().revision).toBe(revision);
}

describe('hostile and broken import files', () => {
  const cadres = (edit: (rows: string[][]) => void) => {
    const rows = cadreRows();
    edit(rows);
    return { 'cadres.csv': csvBytes(CADRE_HEADER, rows) };
  };
  const households = (edit: (rows: string[][]) => void) => {
    const rows = householdRows();
    edit(rows);
    return {
      'grid.csv': csvBytes(GRID_HEADER, GRID_ROWS),
      'cadres.csv': csvBytes(CADRE_HEADER, cadreRows()),
      'households.csv': csvBytes(HOUSEHOLD_HEADER, rows),
    };
  };
  const cases: { name: string; files: Record<string, Buffer | string>; problem: string; status?: number }[] = [
    { name: 'a zip bomb dressed as XLSX', files: { 'roster.xlsx': zipBomb(64) }, problem: 'XLSX_BOMB' },
    {
      name: 'a truncated XLSX',
      files: { 'roster.xlsx': Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(300, 1)]) },
      problem: 'MALFORMED_XLSX',
    },
    {
      name: 'a PNG named .csv',
      files: { 'cadres.csv': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0, 0]) },
      problem: 'NOT_CSV_OR_XLSX',
    },
    {
      name: 'random bytes',
      files: { 'x.csv': Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)) },
      problem: 'NOT_CSV_OR_XLSX',
    },
    {
      name: 'an old .xls',
      files: { 'old.xls': Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]) },
      problem: 'LEGACY_XLS',
    },
    {
      name: 'an unterminated quote',
      files: { 'cadres.csv': `${CADRE_HEADER.join(',')}\n00001,"张三,男\n` },
      problem: 'MALFORMED_CSV',
    },
    { name: 'an empty file', files: { 'cadres.csv': '\r\n\r\n' }, problem: 'EMPTY_FILE' },
    { name: 'headers nobody knows', files: { 'x.csv': 'a,b,c\n1,2,3\n' }, problem: 'UNKNOWN_FILE_KIND' },
    { name: 'a duplicate number', files: cadres((r) => r.push([...(r[0] as string[])])), problem: 'DUPLICATE_NUMBER' },
    {
      name: 'a dangling cadre number',
      files: households((r) => ((r[0] as string[])[6] = '99999')),
      problem: 'DANGLING_AUDITEE',
    },
    {
      name: 'an over-long name',
      files: cadres((r) => ((r[0] as string[])[1] = '张'.repeat(500))),
      problem: 'CELL_TOO_LONG',
    },
    {
      name: 'a control character in a name',
      files: cadres((r) => ((r[0] as string[])[1] = '张\u001b[31m三')),
      problem: 'CONTROL_CHARACTER',
    },
    {
      name: 'a NUL byte in a number',
      files: cadres((r) => ((r[0] as string[])[0] = '000\u00001')),
      problem: 'NOT_CSV_OR_XLSX',
    },
    {
      name: 'a phone that is a formula',
      files: cadres((r) => ((r[0] as string[])[9] = '=1+1')),
      problem: 'MALFORMED_PHONE',
    },
    {
      name: 'a number with markup',
      files: cadres((r) => ((r[0] as string[])[0] = '<img src=x onerror=alert(1)>')),
      problem: 'INVALID_NUMBER',
    },
    {
      name: 'a status nobody knows',
      files: cadres((r) => ((r[0] as string[])[10] = '<script>')),
      problem: 'INVALID_STATUS',
    },
    {
      name: 'UTF-16 without its byte-order mark',
      files: { 'cadres.csv': Buffer.from(`${CADRE_HEADER.join(',')}\r\n00001,张三\r\n`, 'utf16le') },
      problem: 'NOT_CSV_OR_XLSX',
    },
    {
      name: 'two cadre files at once',
      files: { 'a.csv': csvBytes(CADRE_HEADER, cadreRows()), 'b.csv': csvBytes(CADRE_HEADER, cadreRows()) },
      problem: 'DUPLICATE_FILE_KIND',
    },
  ];

  it.each(cases)('refuses $name with its problem code, and writes nothing', async ({ files, problem }) => {
    const before = registryDigest(app.services.db);
    const body = multipart(Object.entries(files).map(([name, content]) => ({ name, content })));
    const response = await app.inject({
      method: 'POST',
      url: '/api/programs/cadre-household/imports',
      headers: { ...body.headers, cookie },
      payload: body.payload,
    });
    expect(response.statusCode, response.body).toBe(422);
    expect(errorCode(response.body)).toBe('IMPORT_INVALID');
    const rejection = (JSON.parse(response.body) as ErrorBody).error.details as ImportRejection;
    expect(rejection.problems.map((p) => p.code)).toContain(problem);
    for (const p of rejection.problems) expect(p.message).toMatch(/\p{Script=Han}/u);
    expect(registryDigest(app.services.db)).toBe(before);
    await stillServing(show.snapshot.revision);
    casesRun += 1;
  });

  it('refuses an upload over the size limit and one without files, writing nothing', async () => {
    const before = registryDigest(app.services.db);
    const big = multipart([{ name: 'cadres.csv', content: Buffer.alloc(MAX_UPLOAD + 1024, 0x41) }]);
    const tooLarge = await app.inject({
      method: 'POST',
      url: '/api/programs/cadre-household/imports',
      headers: { ...big.headers, cookie },
      payload: big.payload,
    });
    expect([413, 422]).toContain(tooLarge.statusCode);
    expect(tooLarge.body).toMatch(/IMPORT_TOO_LARGE|FILE_TOO_LARGE/u);
    const none = multipart([]);
    const empty = await app.inject({
      method: 'POST',
      url: '/api/programs/cadre-household/imports',
      headers: { ...none.headers, cookie },
      payload: none.payload,
    });
    expect(errorCode(empty.body)).toBe('IMPORT_NO_FILES');
    expect(registryDigest(app.services.db)).toBe(before);
    casesRun += 2;
  });
});

describe('hostile and broken HTTP bodies', () => {
  beforeAll(showOnAirAtJudging);
  const json = (payload: unknown) => JSON.stringify(payload);
  const validEvent = {
    title: '坏输入测试',
    eventDate: '2026-12-01',
    venue: '',
    mode: 'routine',
    settings: { plan: show?.event.settings.plan, reportMinutes: 5, rollSeconds: 4, judges: [] },
  };
  const cases: {
    name: string;
    method: 'POST' | 'PUT' | 'GET';
    url: () => string;
    body?: () => string | Buffer;
    type?: string;
    code: string;
    staff?: boolean;
  }[] = [
    {
      name: 'malformed JSON',
      method: 'POST',
      url: () => '/api/auth/login',
      body: () => '{"username":',
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'a number for a username',
      method: 'POST',
      url: () => '/api/auth/login',
      body: () => json({ username: 1, password: { $ne: '' } }),
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'an unknown field',
      method: 'POST',
      url: () => '/api/auth/login',
      body: () => json({ username: 'operator', password: 'x', admin: true }),
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'a prototype-polluting key',
      method: 'POST',
      url: () => '/api/auth/login',
      body: () => '{"username":"operator","password":"x","__proto__":{"role":"operator"}}',
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'a body over a megabyte',
      method: 'POST',
      url: () => '/api/auth/login',
      body: () => json({ username: 'operator', password: 'x'.repeat(2 * 1024 * 1024) }),
      code: 'REQUEST_TOO_LARGE',
    },
    {
      name: 'a body of the wrong media type',
      method: 'POST',
      url: () => '/api/auth/login',
      body: () => 'username=operator',
      type: 'text/plain',
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'an over-long event title',
      method: 'POST',
      url: () => '/api/events',
      body: () =>
        json({
          ...validEvent,
          title: '题'.repeat(101),
          settings: { ...validEvent.settings, plan: show.event.settings.plan },
        }),
      code: 'VALIDATION_FAILED',
      staff: true,
    },
    {
      name: 'a plan drawing zero people',
      method: 'POST',
      url: () => '/api/events',
      body: () =>
        json({
          ...validEvent,
          settings: {
            ...validEvent.settings,
            plan: { ...show.event.settings.plan, auditees: { mode: 'total', count: 0 } },
          },
        }),
      code: 'VALIDATION_FAILED',
      staff: true,
    },
    {
      name: 'a count that is an object',
      method: 'POST',
      url: () => '/api/events',
      body: () =>
        json({
          ...validEvent,
          settings: {
            ...validEvent.settings,
            plan: { ...show.event.settings.plan, auditees: { mode: 'total', count: { n: 3 } } },
          },
        }),
      code: 'VALIDATION_FAILED',
      staff: true,
    },
    {
      name: 'a date that is not a date',
      method: 'POST',
      url: () => '/api/events',
      body: () =>
        json({
          ...validEvent,
          eventDate: '2026-13-45; DROP TABLE events',
          settings: { ...validEvent.settings, plan: show.event.settings.plan },
        }),
      code: 'VALIDATION_FAILED',
      staff: true,
    },
    {
      name: 'an unknown setting',
      method: 'PUT',
      url: () => '/api/settings',
      body: () => json({ publicAuditeeNames: 'everything' }),
      code: 'VALIDATION_FAILED',
      staff: true,
    },
    {
      name: 'an over-long search',
      method: 'GET',
      url: () => `/api/programs/cadre-household/search?q=${'张'.repeat(500)}`,
      code: 'VALIDATION_FAILED',
      staff: true,
    },
    {
      name: 'a path escaping the assets',
      method: 'GET',
      url: () => '/assets/..%2f..%2fpackage.json',
      code: 'NOT_FOUND',
    },
    {
      name: 'a seat link with a forged token',
      method: 'POST',
      url: () => '/api/judges/join',
      body: () =>
        json({ eventId: show.event.id, seat: 2, token: 'A'.repeat(32), pin: '2222', deviceId: 'evil-tablet' }),
      code: 'JUDGE_JOIN_INVALID',
    },
    {
      name: 'a seat that does not exist',
      method: 'POST',
      url: () => '/api/judges/join',
      body: () =>
        json({ eventId: show.event.id, seat: 25, token: 'A'.repeat(32), pin: '9999', deviceId: 'evil-tablet' }),
      code: 'JUDGE_JOIN_INVALID',
    },
    {
      name: 'a draw command the show owns',
      method: 'POST',
      url: () => `/api/draws/${show.snapshot.draw.drawId}/commands`,
      body: () => json({ type: 'drawContacts', auditeeNumber: show.round.auditee.number }),
      code: 'DRAW_OWNED_BY_EVENT',
      staff: true,
    },
  ];

  it.each(cases)('answers $name with $code', async (testCase) => {
    const revision = show.snapshot.revision;
    const before = registryDigest(app.services.db);
    const response = await app.inject({
      method: testCase.method,
      url: testCase.url(),
      headers: {
        ...(testCase.staff ? { cookie } : {}),
        ...(testCase.body ? { 'content-type': testCase.type ?? 'application/json' } : {}),
      },
      ...(testCase.body ? { payload: testCase.body() } : {}),
    });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(errorCode(response.body), response.body.slice(0, 300)).toBe(testCase.code);
    expect((JSON.parse(response.body) as ErrorBody).error.message).toMatch(/\p{Script=Han}/u);
    expect(registryDigest(app.services.db)).toBe(before);
    await stillServing(revision);
    casesRun += 1;
  });

  it('stops a PIN guesser at the seat, even with the seat’s real link, and a password guesser at the login', async () => {
    const seat = show.seats[2];
    const token = new URL(`http://x${seat?.joinPath}`).searchParams.get('token') as string;
    const guess = (pin: string) =>
      app.inject({
        method: 'POST',
        url: '/api/judges/join',
        payload: { eventId: show.event.id, seat: seat?.seat, token, pin, deviceId: 'guesser-tablet' },
      });
    const codes: string[] = [];
    for (let pin = 0; pin < 6; pin += 1) codes.push(errorCode((await guess(String(pin).padStart(4, '0'))).body));
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('JUDGE_JOIN_INVALID'));
    expect(codes[5]).toBe('JUDGE_JOIN_RATE_LIMITED');
    // Even the right PIN waits now: a guesser cannot tell it found it.
    expect(errorCode((await guess(seat?.pin as string)).body)).toBe('JUDGE_JOIN_RATE_LIMITED');

    const logins: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '203.0.113.9',
        payload: { username: 'supervisor', password: `guess-${i}` },
      });
      logins.push(errorCode(response.body));
    }
    expect(logins.at(-1)).toBe('AUTH_RATE_LIMITED');
    // Limits are per (account, address): even the right password from the guesser's address waits.
    const right = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: '203.0.113.9',
      payload: { username: 'supervisor', password: SUPERVISOR_PASSWORD },
    });
    expect(errorCode(right.body)).toBe('AUTH_RATE_LIMITED');
    const forged = await app.inject({
      method: 'GET',
      url: '/api/events',
      headers: { cookie: 'choucha_session=../../etc/passwd' },
    });
    expect(errorCode(forged.body)).toBe('AUTH_REQUIRED');
    casesRun += 3;
  });
});

describe('hostile and broken socket payloads', () => {
  beforeAll(showOnAirAtJudging);
  const key = () => randomUUID().replace(/-/gu, '');
  const send = (client: ShowClient, payload: unknown) =>
    client.socket.timeout(5000).emitWithAck('show:command', payload as never) as Promise<CommandAck>;

  it('refuses malformed, stale, replayed and unknown commands with typed errors, applying nothing', async () => {
    const staff = show.staff;
    const revision = show.snapshot.revision;
    const cases: [string, unknown, string][] = [
      ['a string for an envelope', 'open', 'VALIDATION_FAILED'],
      ['null', null, 'VALIDATION_FAILED'],
      [
        'a command nobody knows',
        { revision, idempotencyKey: key(), command: { type: 'rigDraw' } },
        'VALIDATION_FAILED',
      ],
      ['no revision', { idempotencyKey: key(), command: { type: 'lockJudging' } }, 'VALIDATION_FAILED'],
      [
        'a revision that is text',
        { revision: '7', idempotencyKey: key(), command: { type: 'lockJudging' } },
        'VALIDATION_FAILED',
      ],
      [
        'an unknown field',
        { revision, idempotencyKey: key(), command: { type: 'lockJudging', force: true } },
        'VALIDATION_FAILED',
      ],
      [
        'a key with markup',
        { revision, idempotencyKey: '<script>alert(1)</script>', command: { type: 'lockJudging' } },
        'VALIDATION_FAILED',
      ],
      [
        'an extension of a billion seconds',
        { revision, idempotencyKey: key(), command: { type: 'extendReport', seconds: 1e9 } },
        'VALIDATION_FAILED',
      ],
      [
        'a satisfaction nobody offers',
        {
          revision,
          idempotencyKey: key(),
          command: { type: 'recordOutcome', household: '1', outcome: '属实', satisfaction: '非常满意' },
        },
        'VALIDATION_FAILED',
      ],
      [
        'a stale revision',
        { revision: revision - 3, idempotencyKey: key(), command: { type: 'lockJudging' } },
        'SHOW_STALE_REVISION',
      ],
      [
        'a step out of order',
        { revision, idempotencyKey: key(), command: { type: 'drawHouseholds' } },
        'SHOW_WRONG_STEP',
      ],
      [
        'entropy of letters',
        { revision, idempotencyKey: key(), command: { type: 'lockEntropy', entropy: 'x'.repeat(30) } },
        'SHOW_DRAW_REFUSED',
      ],
    ];
    for (const [name, payload, code] of cases) {
      const ack = await send(staff, payload);
      expect(ack.ok, name).toBe(false);
      if (!ack.ok) expect(ack.error.code, name).toBe(code);
      casesRun += 1;
    }
    // A replayed idempotency key gets the first answer again and applies nothing twice.
    const once = key();
    const first = await send(staff, { revision, idempotencyKey: once, command: { type: 'extendReport', seconds: 30 } });
    const again = await send(staff, { revision, idempotencyKey: once, command: { type: 'extendReport', seconds: 30 } });
    expect(again).toEqual(first);
    casesRun += 1;
    await stillServing(revision);
    expect(show.snapshot.revision).toBe(revision);
  });

  it('refuses scores that are not scores, commands from the wrong role, and survives an oversized frame', async () => {
    const revision = show.snapshot.revision;
    const round = show.round;
    const seat = show.seats[0];
    const token = new URL(`http://x${seat?.joinPath}`).searchParams.get('token') as string;
    const joined = await app.inject({
      method: 'POST',
      url: '/api/judges/join',
      payload: { eventId: show.event.id, seat: seat?.seat, token, pin: seat?.pin, deviceId: 'tablet-bad-1' },
    });
    const judge = await ShowClient.connect(base, {
      eventId: show.event.id,
      role: 'judge',
      key: joined.json<{ judgeKey: string }>().judgeKey,
    });
    const submit = (items: unknown, extra: Record<string, unknown> = {}) =>
      judge.socket.timeout(5000).emitWithAck('judge:submit', {
        submissionId: key(),
        round: round.index,
        auditeeNumber: round.auditee.number,
        items,
        ...extra,
      } as never) as Promise<CommandAck>;
    const scores: [string, unknown, Record<string, unknown>, string][] = [
      ['a score of text', ['九十'], {}, 'VALIDATION_FAILED'],
      ['a score over 100', [150], {}, 'VALIDATION_FAILED'],
      ['a negative score', [-1], {}, 'VALIDATION_FAILED'],
      ['NaN (sent as null)', [Number.NaN], {}, 'VALIDATION_FAILED'],
      ['no items', [], {}, 'VALIDATION_FAILED'],
      ['a score for someone else', [90], { auditeeNumber: '00000' }, 'SHOW_STALE_SUBMISSION'],
      ['another seat named in the payload', [90], { seat: 2 }, 'VALIDATION_FAILED'],
    ];
    for (const [name, items, extra, code] of scores) {
      const ack = await submit(items, extra);
      expect(ack.ok, name).toBe(false);
      if (!ack.ok) expect(ack.error.code, name).toBe(code);
      casesRun += 1;
    }

    const viewer = await ShowClient.connect(base, { eventId: show.event.id, role: 'public' });
    const overlay = await ShowClient.connect(base, { eventId: show.event.id, role: 'overlay', key: show.overlayKey });
    for (const [name, client] of [
      ['public', viewer],
      ['overlay', overlay],
      ['judge', judge],
    ] as const) {
      const ack = await send(client, { revision, idempotencyKey: key(), command: { type: 'close' } });
      expect(ack.ok, name).toBe(false);
      if (!ack.ok) expect(ack.error.code, name).toBe('AUTH_REQUIRED');
      casesRun += 1;
    }
    const fromOverlay = (await overlay.socket.timeout(5000).emitWithAck('judge:submit', {
      submissionId: key(),
      round: round.index,
      auditeeNumber: round.auditee.number,
      items: [100],
    })) as CommandAck;
    expect(fromOverlay.ok).toBe(false);
    casesRun += 1;
    await expect(
      ShowClient.connect(base, { eventId: show.event.id, role: 'overlay', key: 'guessed-key' }),
    ).rejects.toThrow();
    await expect(
      ShowClient.connect(base, { eventId: show.event.id, role: 'judge', key: 'x'.repeat(32) }),
    ).rejects.toThrow();
    casesRun += 2;

    // A frame over the 64 KB limit: socket.io drops that one connection; everybody else carries on.
    const disconnected = new Promise((resolve) => viewer.socket.once('disconnect', resolve));
    viewer.socket.emit('show:sync', 'x'.repeat(200_000) as never);
    await disconnected;
    casesRun += 1;
    await stillServing(revision);
    const sync = (await overlay.socket.timeout(5000).emitWithAck('show:sync')) as { revision: number };
    expect(sync.revision).toBe(revision);
    judge.close();
    overlay.close();
  });

  it('ran at least 40 hostile inputs, left the show log’s chain intact, and the server up', async () => {
    expect(casesRun).toBeGreaterThanOrEqual(40);
    const log = readLog(app.services.db, SHOW_LOG, show.event.id);
    expect(findChainBreak(log)).toBeNull();
    expect(log).toHaveLength(show.snapshot.revision);
    await stillServing(show.snapshot.revision);
  });
});
