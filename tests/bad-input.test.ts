import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../server/demo/load-demo';
import { findChainBreak } from '../server/draw-engine/log-chain';
import { COUNTED_LIMITS, INFLATE_CHUNK } from '../server/registry/import/counted-zip';
import { importRosterFiles } from '../server/registry/import/import-files';
import { ImportRejectedError } from '../server/registry/import/import-problems';
import { readXlsxRows } from '../server/registry/import/row-sources';
import { ZIP_LIMITS, zipBombReason, zipEntries } from '../server/registry/import/zip-guard';
import { readLog, SHOW_LOG } from '../server/store/log-store';
import type { ErrorBody } from '../server/protocol/errors';
import type { ImportRejection } from '../server/protocol/registry';
import { formatCodePoint, TEXT_FAULT_LABEL, type TextFault } from '../server/protocol/text-rules';
import { verifyRosterVersion } from '../server/registry/roster-repository';
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
  tempDir,
  writeTemp,
  xlsxBytes,
} from './helpers/roster-fixture';
import { DICE, ScriptedShow } from './helpers/show-script';
import { ShowClient } from './helpers/show-client';
import { loginCookie, SUPERVISOR_PASSWORD, testApp } from './helpers/test-app';
import { lyingZipBomb, sharedStringsBomb, splitZipBomb, zipBomb } from './helpers/zip-bomb';

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
  show?.close();
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
      problem: 'REFUSED_CHARACTER',
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
        // The digits are the notary's to type (format 2): the operator's desk is refused outright.
        'the operator typing the entropy',
        { revision, idempotencyKey: key(), command: { type: 'lockEntropy', entropy: '3'.repeat(30) } },
        'AUTH_FORBIDDEN',
      ],
    ];
    for (const [name, payload, code] of cases) {
      const ack = await send(staff, payload);
      expect(ack.ok, name).toBe(false);
      if (!ack.ok) expect(ack.error.code, name).toBe(code);
      casesRun += 1;
    }
    // From the notary's own console, entropy of letters is the ceremony's refusal.
    const letters = await send(await show.supervisor(), {
      revision,
      idempotencyKey: key(),
      command: { type: 'lockEntropy', entropy: 'x'.repeat(30) },
    });
    expect(letters).toMatchObject({ ok: false, error: { code: 'SHOW_DRAW_REFUSED' } });
    casesRun += 1;
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

describe('a lying zip: counted while inflating, refused at the limit whatever its directory claims', () => {
  // Its directory and local header both say the worksheet unpacks to 4 KB; it unpacks to 300 MB.
  const lying = lyingZipBomb(300);
  /** What the guard reports it inflated before stopping. */
  const inflatedBytes = (message: string) => Number(/已解压 (\d+) 字节/u.exec(message)?.[1] ?? NaN);
  // The ratio is checked once an entry passes 16 MB; one more zlib chunk may come out before the
  // check, and the first entry ([Content_Types].xml) is a few dozen bytes.
  const stopAt = ZIP_LIMITS.ratioCheckedAboveBytes;
  const atMost = stopAt + INFLATE_CHUNK + 1024;

  it('is small on the wire and claims 4 KB', () => {
    expect(lying.length).toBeLessThan(400_000);
    const sheet = zipEntries(lying, lying.length)?.find((e) => e.name === 'xl/worksheets/sheet1.xml');
    expect(sheet?.uncompressed).toBe(4096);
    expect(zipBombReason(zipEntries(lying, lying.length) ?? [])).toBeNull(); // the directory alone lets it in
  });

  it('is refused over HTTP with XLSX_BOMB after at most the limit and one chunk inflated, writing nothing', async () => {
    const own = await testApp();
    try {
      const url = await own.app.listen({ host: '127.0.0.1', port: 0 });
      const ownCookie = await loginCookie(own.app);
      const before = registryDigest(own.app.services.db);
      const body = multipart([{ name: 'roster.xlsx', content: lying }]);
      const response = await fetch(`${url}/api/programs/cadre-household/imports`, {
        method: 'POST',
        headers: { ...body.headers, cookie: ownCookie },
        body: new Uint8Array(body.payload),
      });
      const text = await response.text();
      expect(response.status, text).toBe(422);
      expect(errorCode(text)).toBe('IMPORT_INVALID');
      const problems = ((JSON.parse(text) as ErrorBody).error.details as ImportRejection).problems;
      const bomb = problems.find((p) => p.code === 'XLSX_BOMB');
      expect(bomb?.message).toMatch(/压缩比异常/u);
      const inflated = inflatedBytes(bomb?.message ?? '');
      expect(inflated).toBeGreaterThan(stopAt);
      expect(inflated).toBeLessThanOrEqual(atMost);
      expect(registryDigest(own.app.services.db)).toBe(before);
      const list = await fetch(`${url}/api/public/events`);
      expect(list.status).toBe(200);
    } finally {
      await own.close();
    }
  });

  it('is refused by the import service the same way', async () => {
    const own = await testApp();
    try {
      const path = writeTemp(own.dir, 'roster.xlsx', lying);
      const refusal = await importRosterFiles(own.app.services.db, [{ path, name: 'roster.xlsx' }], {
        programCode: 'cadre-household',
        actor: 'tester',
        now: '2026-11-26T08:00:00.000Z',
      }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(ImportRejectedError);
      const bomb = refusal instanceof ImportRejectedError ? refusal.problems.find((p) => p.code === 'XLSX_BOMB') : null;
      const inflated = inflatedBytes(bomb?.message ?? '');
      expect(inflated).toBeGreaterThan(stopAt);
      expect(inflated).toBeLessThanOrEqual(atMost);
    } finally {
      await own.close();
    }
  });

  it('refuses a corrupt or cut deflate stream as MALFORMED_XLSX, and goes on serving', async () => {
    const dir = tempDir();
    try {
      const corrupt = zipBomb(8);
      for (let i = 200; i < corrupt.length - 200; i += 97) corrupt[i] = ((corrupt[i] ?? 0) * 31 + 7) & 0xff;
      await expect(readXlsxRows(writeTemp(dir, 'corrupt.xlsx', corrupt), 100)).rejects.toMatchObject({
        code: 'MALFORMED_XLSX',
        message: expect.stringMatching(/解压失败/u),
      });
      // The worksheet's compressed size in the directory cut to its first half: the stream ends early.
      const cut = lyingZipBomb(1, 1024 * 1024);
      const sheet = zipEntries(cut, cut.length)?.find((e) => e.name === 'xl/worksheets/sheet1.xml');
      const central = cut.lastIndexOf(Buffer.from('xl/worksheets/sheet1.xml')) - 46;
      cut.writeUInt32LE(Math.floor((sheet?.compressed ?? 0) / 2), central + 20);
      await expect(readXlsxRows(writeTemp(dir, 'cut.xlsx', cut), 100)).rejects.toMatchObject({
        code: 'MALFORMED_XLSX',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bounds the shared-string table by its counted entries, not its declared size', async () => {
    const dir = tempDir();
    try {
      const path = writeTemp(dir, 'strings.xlsx', sharedStringsBomb(5_000));
      const limits = { ...COUNTED_LIMITS, sharedStrings: 4_000 };
      await expect(readXlsxRows(path, 100, limits)).rejects.toMatchObject({
        code: 'XLSX_BOMB',
        message: expect.stringMatching(/共享字符串超过 4000 条/u),
      });
      const honest = writeTemp(dir, 'few.xlsx', sharedStringsBomb(3_000));
      await expect(readXlsxRows(honest, 100, limits)).resolves.toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('strict input: no type coercion, no malformed text', () => {
  beforeAll(showOnAirAtJudging);
  const plan = () => show.event.settings.plan;
  const eventBody = (changes: { title?: string; plan?: Record<string, unknown> } = {}) => ({
    title: changes.title ?? '严格输入测试',
    eventDate: '2026-12-01',
    venue: '',
    mode: 'routine',
    settings: { plan: { ...plan(), ...changes.plan }, reportMinutes: 5, rollSeconds: 4, judges: [] },
  });
  const eligibility = (changes: Record<string, unknown>) => ({ eligibility: { ...plan().eligibility, ...changes } });
  const eventCount = () => (app.services.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  const request = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: { cookie, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(payload === undefined
        ? {}
        : { payload: typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload) }),
    });
  const refusal = (body: string) => (JSON.parse(body) as ErrorBody).error;
  const seatToken = () => new URL(`http://x${show.seats[0]?.joinPath}`).searchParams.get('token') as string;

  const wrongTypes: [string, () => unknown][] = [
    ['"5" for an integer', () => eventBody({ plan: { auditees: { mode: 'total', count: '5' } } })],
    ['"1 " for an integer', () => eventBody({ plan: { auditees: { mode: 'total', count: '1 ' } } })],
    ['"7" for an integer day count', () => eventBody({ plan: eligibility({ coolDownDays: '7' }) })],
    ['null for contactsRequireConsent', () => eventBody({ plan: eligibility({ contactsRequireConsent: null }) })],
    ['"false" for contactsRequireConsent', () => eventBody({ plan: eligibility({ contactsRequireConsent: 'false' }) })],
    ['0 for contactsRequireConsent', () => eventBody({ plan: eligibility({ contactsRequireConsent: 0 }) })],
    ['5 for a title', () => ({ ...eventBody(), title: 5 })],
    ['["x"] for a title', () => ({ ...eventBody(), title: ['x'] })],
  ];
  it.each(wrongTypes)('refuses %s in a JSON body with VALIDATION_FAILED, creating nothing', async (_name, body) => {
    const before = eventCount();
    const response = await request('POST', '/api/events', body());
    expect(refusal(response.body).code, response.body.slice(0, 300)).toBe('VALIDATION_FAILED');
    expect(response.statusCode).toBe(400);
    expect(eventCount()).toBe(before);
    casesRun += 1;
  });

  const notDecimal = [
    '1e309',
    '1e3',
    '1.0',
    '%201',
    '1%20',
    '%2B1',
    '-1',
    '0x10',
    '',
    '1_0',
    '99999999999',
    '01',
    '0000000001',
  ];
  const integerUrls: [string, (n: string) => string, 'GET' | 'POST', unknown?][] = [
    ['a roster version in a query', (n) => `/api/programs/cadre-household/facets?version=${n}`, 'GET'],
    ['a search page in a query', (n) => `/api/programs/cadre-household/search?q=%E5%BC%A0&page=${n}`, 'GET'],
    ['a log position in a query', (n) => `/api/events/${show.event.id}/log?after=${n}`, 'GET'],
    ['a seat in a query', (n) => `/api/judges/seat?event=${show.event.id}&seat=${n}&token=${seatToken()}`, 'GET'],
    ['a rectification id in a path', (n) => `/api/followups/${n}/status`, 'POST', { status: '整改中', note: '' }],
    ['a seat in a path', (n) => `/api/events/${show.event.id}/seats/${n}/release`, 'POST'],
  ];
  it.each(integerUrls)('refuses anything but decimal digits for %s', async (_name, url, method, payload) => {
    for (const n of notDecimal) {
      // An empty path segment is another route (404); everywhere else it is VALIDATION_FAILED.
      if (n === '' && url('N').includes('/N/')) continue;
      const response = await request(method, url(n), payload);
      expect(refusal(response.body).code, `${url(n)}: ${response.body.slice(0, 200)}`).toBe('VALIDATION_FAILED');
      casesRun += 1;
    }
  });

  it('still reads decimal integers in queries and paths, with their bounds', async () => {
    expect((await request('GET', '/api/programs/cadre-household/facets?version=1')).statusCode).toBe(200);
    expect((await request('GET', '/api/programs/cadre-household/search?q=%E5%BC%A0&page=2')).statusCode).toBe(200);
    expect((await request('GET', '/api/programs/cadre-household/search?q=%E5%BC%A0&page=100001')).statusCode).toBe(400);
    const log = await request('GET', `/api/events/${show.event.id}/log?after=2`);
    expect(log.json<{ seq: number }[]>()[0]?.seq).toBe(3);
    const card = await request('GET', `/api/judges/seat?event=${show.event.id}&seat=1&token=${seatToken()}`);
    expect(card.json<{ seat: number }>().seat).toBe(1);
    const farSeat = await request('POST', `/api/events/${show.event.id}/seats/31/release`);
    expect(refusal(farSeat.body).code).toBe('VALIDATION_FAILED');
    const missing = await request('POST', '/api/followups/999999/status', { status: '整改中', note: '' });
    expect(refusal(missing.body).code).toBe('RECTIFICATION_NOT_FOUND');
  });

  /** One character of each refused class, as a title's second character. */
  const faults: [TextFault, string][] = [
    ['LONE_SURROGATE', '\ud800'],
    ['LONE_SURROGATE', '\udc00'],
    ['CONTROL', '\u0007'],
    ['CONTROL', '\n'],
    ['CONTROL', '\u0085'],
    ['LINE_SEPARATOR', '\u2028'],
    ['LINE_SEPARATOR', '\u2029'],
    ['BIDI_CONTROL', '\u202e'],
    ['BIDI_CONTROL', '\u2066'],
    ['INVISIBLE_FORMAT', '\u200b'],
    ['INVISIBLE_FORMAT', '\ufeff'],
    ['REPLACEMENT', '\ufffd'],
    ['NONCHARACTER', '\ufdd0'],
    ['NONCHARACTER', '\uffff'],
  ];
  const hex = (char: string) => `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

  it.each(faults)('refuses %s (%j) in a JSON body field with TEXT_MALFORMED, storing nothing', async (fault, char) => {
    const before = eventCount();
    const response = await request('POST', '/api/events', eventBody({ title: `坏${char}标题` }));
    expect(response.statusCode).toBe(422);
    const error = refusal(response.body);
    expect(error.code, response.body.slice(0, 300)).toBe('TEXT_MALFORMED');
    expect(error.details).toEqual({ part: 'body', path: '/title', fault, codePoint: hex(char), index: 1 });
    expect(error.message).toContain(TEXT_FAULT_LABEL[fault]);
    expect(eventCount()).toBe(before);
    casesRun += 1;
  });

  it('refuses malformed text in queries and path parameters, naming where', async () => {
    const search = await request('GET', '/api/programs/cadre-household/search?q=%E5%BC%A0%E2%80%AE');
    expect(refusal(search.body).code).toBe('TEXT_MALFORMED');
    expect(refusal(search.body).details).toMatchObject({ part: 'query', path: '/q', fault: 'BIDI_CONTROL' });
    const program = await request('GET', '/api/programs/cadre%E2%80%8Bhousehold/roster-versions');
    expect(refusal(program.body).details).toMatchObject({
      part: 'params',
      path: '/program',
      fault: 'INVISIBLE_FORMAT',
    });
    casesRun += 2;
  });

  it('refuses a lone surrogate in a plan field before anything is stored or sealed', async () => {
    const created = await request('POST', '/api/events', eventBody({ title: '代理码元测试' }));
    expect(created.statusCode).toBe(200);
    const draft = created.json<{ id: string; settings: { plan: unknown } }>();
    const avoid = [{ number: plan().eligibility.avoid[0]?.number ?? '1', reason: '回避\ud83d' }];
    for (const payload of [
      eventBody({ title: '代理码元测试', plan: eligibility({ avoid }) }),
      eventBody({ title: '代理码元测试', plan: eligibility({ units: ['\udfff单位'] }) }),
    ]) {
      const refused = await request('PUT', `/api/events/${draft.id}`, payload);
      expect(refusal(refused.body).code).toBe('TEXT_MALFORMED');
      expect(refusal(refused.body).details).toMatchObject({ part: 'body', fault: 'LONE_SURROGATE' });
    }
    // A draft saved before these rules (as the campaign found one) is refused at the seal.
    const old = { ...draft.settings, plan: { ...plan(), eligibility: { ...plan().eligibility, avoid } } };
    app.services.db.prepare('UPDATE events SET settings = ? WHERE id = ?').run(JSON.stringify(old), draft.id);
    const stale = await request('POST', `/api/events/${draft.id}/seal`);
    expect(refusal(stale.body).details).toMatchObject({
      part: 'stored',
      path: '/plan/eligibility/avoid/0/reason',
      fault: 'LONE_SURROGATE',
    });
    expect(app.services.db.prepare('SELECT draw_id FROM events WHERE id = ?').get(draft.id)).toEqual({ draw_id: null });
    app.services.db
      .prepare('UPDATE events SET settings = ? WHERE id = ?')
      .run(JSON.stringify(draft.settings), draft.id);
    const sealed = await request('POST', `/api/events/${draft.id}/seal`);
    expect(sealed.statusCode, sealed.body.slice(0, 300)).toBe(200);
    expect(sealed.json<{ settings: { plan: unknown } }>().settings.plan).toEqual(draft.settings.plan);
    expect(JSON.stringify(sealed.json())).not.toMatch(/\\ud[89a-f]|\ufffd/iu);
    casesRun += 2;
  });

  it('refuses a title with a lone surrogate or undecodable bytes instead of storing U+FFFD', async () => {
    const before = eventCount();
    const escaped = await request('POST', '/api/events', JSON.stringify(eventBody({ title: '标题\ud800' })));
    expect(refusal(escaped.body).details).toMatchObject({ path: '/title', fault: 'LONE_SURROGATE', index: 2 });
    // The surrogate's bytes written raw (CESU-8 style), and 张三 in GBK: not UTF-8 at all.
    for (const bytes of [Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xd5, 0xc5, 0xc8, 0xfd])]) {
      const [head, tail] = JSON.stringify(eventBody({ title: '标题@' })).split('@') as [string, string];
      const raw = Buffer.concat([Buffer.from(head), bytes, Buffer.from(tail)]);
      const response = await request('POST', '/api/events', raw);
      expect(refusal(response.body).code, response.body.slice(0, 300)).toBe('TEXT_MALFORMED');
      expect(refusal(response.body).details).toMatchObject({ path: '/title', fault: 'REPLACEMENT', index: 2 });
    }
    expect(eventCount()).toBe(before);
    const titles = app.services.db.prepare('SELECT title FROM events').all() as { title: string }[];
    expect(titles.filter((t) => t.title.includes('\ufffd'))).toEqual([]);
    casesRun += 3;
  });

  it('lets a multi-line note keep U+000A, and nothing else that ends a line', async () => {
    const now = '2026-11-02T00:00:00.000Z';
    const { lastInsertRowid } = app.services.db
      .prepare(
        `INSERT INTO rectifications (program_code, auditee_number, event_id, item, owner, deadline, status, created_at, created_by, updated_at)
         VALUES ('cadre-household', ?, ?, '整改事项', '城关街道', '2026-12-31', '待整改', ?, 'operator', ?)`,
      )
      .run(show.round.auditee.number, show.event.id, now, now);
    const url = `/api/followups/${lastInsertRowid}/status`;
    const accepted = await request('POST', url, { status: '整改中', note: '第一条：已约谈\n第二条：已退回' });
    expect(accepted.statusCode, accepted.body.slice(0, 300)).toBe(200);
    const items = accepted.json<{ items: { id: number; note: string }[] }>().items;
    expect(items.find((item) => item.id === Number(lastInsertRowid))?.note).toBe('第一条：已约谈\n第二条：已退回');
    for (const [char, fault] of [
      ['\u2028', 'LINE_SEPARATOR'],
      ['\r', 'CONTROL'],
      ['\u0085', 'CONTROL'],
      ['\u202e', 'BIDI_CONTROL'],
    ] as const) {
      const refused = await request('POST', url, { status: '整改中', note: `第一条${char}第二条` });
      expect(refusal(refused.body).details).toEqual({
        part: 'body',
        path: '/note',
        fault,
        codePoint: hex(char),
        index: 3,
      });
    }
    casesRun += 5;
  });

  it('refuses every text-fault class in a socket command and a judge’s submission, applying nothing', async () => {
    const revision = show.snapshot.revision;
    for (const [fault, char] of faults) {
      const ack = await show.staff.socket.timeout(5000).emitWithAck('show:command', {
        revision,
        idempotencyKey: randomUUID().replace(/-/gu, ''),
        command: {
          type: 'correctOutcome',
          household: '1',
          outcome: '属实',
          satisfaction: '满意',
          reason: `原因${char}`,
        },
      } as never);
      const answer = ack as CommandAck;
      expect(answer.ok).toBe(false);
      if (!answer.ok) {
        expect(answer.error.code, fault).toBe('TEXT_MALFORMED');
        expect(answer.error.details).toEqual({
          part: 'payload',
          path: '/command/reason',
          fault,
          codePoint: hex(char),
          index: 2,
        });
        expect(answer.error.message).toContain(TEXT_FAULT_LABEL[fault]);
      }
      casesRun += 1;
    }
    const seat = show.seats[0];
    const joined = await app.inject({
      method: 'POST',
      url: '/api/judges/join',
      payload: {
        eventId: show.event.id,
        seat: seat?.seat,
        token: seatToken(),
        pin: seat?.pin,
        deviceId: 'tablet-bad-1',
      },
    });
    const judge = await ShowClient.connect(base, {
      eventId: show.event.id,
      role: 'judge',
      key: joined.json<{ judgeKey: string }>().judgeKey,
    });
    const ack = (await judge.socket.timeout(5000).emitWithAck('judge:submit', {
      submissionId: randomUUID().replace(/-/gu, ''),
      round: show.round.index,
      auditeeNumber: `${show.round.auditee.number}\u202e`,
      items: [90],
    } as never)) as CommandAck;
    judge.close();
    expect(ack.ok).toBe(false);
    if (!ack.ok)
      expect(ack.error.details).toMatchObject({ part: 'payload', path: '/auditeeNumber', fault: 'BIDI_CONTROL' });
    casesRun += 1;
    // The handshake's label is shown on the operator's monitor: it follows the same rules.
    const handshake = await ShowClient.connect(base, {
      eventId: show.event.id,
      role: 'public',
      label: '大屏\u202e',
    }).catch((error: { body?: ErrorBody }) => error.body);
    expect(handshake).toMatchObject({ error: { code: 'TEXT_MALFORMED' } });
    casesRun += 1;
    await stillServing(revision);
  });
});

/**
 * An app of its own for a block of import cases (the first blocks take their show on air, and an
 * import waits for a show to end), and its import route as the console posts to it.
 */
function ownImportApp() {
  let started: Awaited<ReturnType<typeof testApp>> | undefined;
  let cookie = '';
  beforeAll(async () => {
    started = await testApp();
    cookie = await loginCookie(started.app);
  });
  afterAll(async () => started?.close());
  const app = (): FastifyInstance => {
    if (!started) throw new Error('the app has not started');
    return started.app;
  };
  const upload = (files: Record<string, Buffer | string> | { name: string; content: Buffer | string }[]) => {
    const list = Array.isArray(files) ? files : Object.entries(files).map(([name, content]) => ({ name, content }));
    const body = multipart(list);
    return app().inject({
      method: 'POST',
      url: '/api/programs/cadre-household/imports',
      headers: { ...body.headers, cookie },
      payload: body.payload,
    });
  };
  return { app, upload };
}

describe('import files: decoding, refused characters, headers, CSV structure and names (issue 17, finding 6)', () => {
  const own = ownImportApp();

  const versions = () => own.app().services.db.prepare('SELECT COUNT(*) FROM roster_versions').pluck().get() as number;
  const post = own.upload;
  /** Posts the files (the grid and whichever roster file is not given), expects IMPORT_INVALID and nothing written. */
  async function refused(
    files: Record<string, Buffer | string>,
    without: string[] = [],
  ): Promise<ImportRejection['problems']> {
    const before = registryDigest(own.app().services.db);
    const count = versions();
    const all: Record<string, Buffer | string> = {
      'grid.csv': csvBytes(GRID_HEADER, GRID_ROWS),
      'cadres.csv': csvBytes(CADRE_HEADER, cadreRows()),
      'households.csv': csvBytes(HOUSEHOLD_HEADER, householdRows()),
      ...files,
    };
    for (const name of without) delete all[name];
    const response = await post(all);
    expect(response.statusCode, response.body).toBe(422);
    expect(errorCode(response.body)).toBe('IMPORT_INVALID');
    expect(versions()).toBe(count);
    expect(registryDigest(own.app().services.db)).toBe(before);
    const { problems } = (JSON.parse(response.body) as ErrorBody).error.details as ImportRejection;
    for (const p of problems) expect(p.message).toMatch(/\p{Script=Han}/u);
    return problems;
  }

  /** Household rows (valid, UTF-8) filling more than `bytes`, then one more row whose name is `nameBytes`. */
  function householdsWith(bytes: number, nameBytes: Buffer, bom = false): { file: Buffer; row: number } {
    const rows = householdRows();
    let size = 0;
    for (let i = 0; size < bytes; i += 1) {
      const row = [`${500000 + i}`, `户主${i}`, '城关街道', '东片', '东岭社区', '', '00001', '同意'];
      rows.push(row);
      size += Buffer.byteLength(row.join(',')) + 2;
    }
    const head = csvBytes(HOUSEHOLD_HEADER, rows, bom ? 'utf8-bom' : 'utf8');
    const tail = Buffer.concat([
      Buffer.from('900001,', 'utf8'),
      nameBytes,
      Buffer.from(',城关街道,东片,东岭社区,,00001,同意\r\n', 'utf8'),
    ]);
    return { file: Buffer.concat([head, tail]), row: rows.length + 2 };
  }
  const GBK_NAME = iconv.encode('钱多多', 'gbk');

  it('refuses a GBK name after the first megabyte of a UTF-8 file as MALFORMED_TEXT at its row and column', async () => {
    const { file, row } = householdsWith(1.2 * 1024 * 1024, GBK_NAME);
    const problems = await refused({ 'households.csv': file });
    expect(problems).toEqual([
      expect.objectContaining({ file: 'households.csv', code: 'MALFORMED_TEXT', row, column: '户主姓名' }),
    ]);
    expect(problems[0]?.message).toMatch(/无法解码的字节.*文件编码为 UTF-8：/u);
  });

  it('refuses a GBK name in a file with a UTF-8 BOM', async () => {
    const { file, row } = householdsWith(0, GBK_NAME, true);
    const problems = await refused({ 'households.csv': file });
    expect(problems).toEqual([expect.objectContaining({ code: 'MALFORMED_TEXT', row, column: '户主姓名' })]);
  });

  it('refuses an invalid GB18030 sequence in a GBK file', async () => {
    const rows = cadreRows();
    const text = iconv.encode(csvBytes(CADRE_HEADER, rows).toString('utf8'), 'gbk');
    // Row 3 (欧阳晓明): its unit 县教育和体育局 gets a lead byte followed by an invalid trail byte.
    const at = text.indexOf(iconv.encode('县教育', 'gbk'));
    const file = Buffer.concat([text.subarray(0, at), Buffer.from([0x81, 0x20]), text.subarray(at)]);
    const problems = await refused({ 'cadres.csv': file });
    expect(problems).toEqual([expect.objectContaining({ code: 'MALFORMED_TEXT', row: 3, column: '单位' })]);
    expect(problems[0]?.message).toMatch(/GBK\/GB18030/u);
  });

  // Each class of text-rules.ts, in a different column of row 2. A lone surrogate and U+FFFD cannot
  // reach a cell as themselves: UTF-8 cannot carry the one, and both arrive as U+FFFD's bytes.
  const faults: { fault: TextFault; char: string; column: number; code: string }[] = [
    { fault: 'CONTROL', char: '\u0085', column: 1, code: 'REFUSED_CHARACTER' },
    { fault: 'CONTROL', char: '\u001b', column: 5, code: 'REFUSED_CHARACTER' },
    { fault: 'LINE_SEPARATOR', char: '\u2028', column: 9, code: 'REFUSED_CHARACTER' },
    { fault: 'BIDI_CONTROL', char: '\u202e', column: 1, code: 'REFUSED_CHARACTER' },
    { fault: 'INVISIBLE_FORMAT', char: '\u200b', column: 3, code: 'REFUSED_CHARACTER' },
    { fault: 'INVISIBLE_FORMAT', char: '\ufeff', column: 6, code: 'REFUSED_CHARACTER' },
    { fault: 'NONCHARACTER', char: '\ufdd0', column: 10, code: 'REFUSED_CHARACTER' },
    { fault: 'REPLACEMENT', char: '\ufffd', column: 1, code: 'MALFORMED_TEXT' },
    { fault: 'LONE_SURROGATE', char: '\ud800', column: 1, code: 'MALFORMED_TEXT' },
  ];
  it.each(faults)(
    'refuses $fault ($char) in a cell with its row, column and label',
    async ({ fault, char, column, code }) => {
      const rows = cadreRows();
      const cells = rows[0] as string[];
      cells[column] = column === 9 ? `100${char}12345678` : `${cells[column] as string}${char}`;
      const problems = await refused({ 'cadres.csv': csvBytes(CADRE_HEADER, rows) });
      expect(problems).toContainEqual(
        expect.objectContaining({ file: 'cadres.csv', code, row: 2, column: CADRE_HEADER[column] }),
      );
      if (code === 'REFUSED_CHARACTER') {
        const problem = problems.find((p) => p.code === code);
        expect(problem?.message).toContain(TEXT_FAULT_LABEL[fault]);
        expect(problem?.message).toContain(formatCodePoint(char.codePointAt(0) as number));
      }
    },
  );

  it('refuses U+FFFD and a bidi override in XLSX cells too', async () => {
    const withCell = async (row: number, column: number, value: string) => {
      const rows = cadreRows();
      (rows[row] as string[])[column] = value;
      return refused({ 'cadres.xlsx': await xlsxBytes(CADRE_HEADER, rows) }, ['cadres.csv']);
    };
    expect(await withCell(1, 1, '欧阳\ufffd明')).toEqual([
      expect.objectContaining({ file: 'cadres.xlsx', code: 'MALFORMED_TEXT', row: 3, column: '第 2 列' }),
    ]);
    expect(await withCell(2, 3, '许家湖镇\u202e府政民人')).toEqual([
      expect.objectContaining({ file: 'cadres.xlsx', code: 'REFUSED_CHARACTER', row: 4, column: '单位' }),
    ]);
  });

  it('refuses a duplicate 姓名 header, naming it and both columns', async () => {
    const header = [...CADRE_HEADER, '姓名'];
    const rows = cadreRows().map((r) => [...r, '别名']);
    const problems = await refused({ 'cadres.csv': csvBytes(header, rows) });
    expect(problems).toEqual([expect.objectContaining({ code: 'DUPLICATE_COLUMN', row: 1, column: '姓名' })]);
    expect(problems[0]?.message).toMatch(/第 2 列和第 12 列/u);
  });

  it('refuses a CSV row with the wrong field count, and one with text after a closing quote, with the row number', async () => {
    const lines = csvBytes(CADRE_HEADER, cadreRows()).toString('utf8').split('\r\n');
    const withLine = (index: number, line: string) =>
      [...lines.slice(0, index), line, ...lines.slice(index + 1)].join('\r\n');
    const fewer = await refused({ 'cadres.csv': withLine(3, '00010,李四,男,许家湖镇人民政府') });
    expect(fewer).toEqual([expect.objectContaining({ code: 'MALFORMED_CSV', row: 4 })]);
    expect(fewer[0]?.message).toMatch(/这一行有 4 个字段，表头有 11 个/u);
    const more = await refused({ 'cadres.csv': withLine(2, `${lines[2] as string},多余`) });
    expect(more).toEqual([expect.objectContaining({ code: 'MALFORMED_CSV', row: 3 })]);
    const quote = await refused({ 'cadres.csv': withLine(2, (lines[2] as string).replace('欧阳晓明', '"欧阳"晓明')) });
    expect(quote).toEqual([expect.objectContaining({ code: 'MALFORMED_CSV', row: 3 })]);
    expect(quote[0]?.message).toMatch(/右引号后面还有文字/u);
  });

  it('stores names by the declared rule: 张　三 → 张三, 李 四 → 李四, 阿不都•热合曼 → 阿不都·热合曼', async () => {
    const cadres = cadreRows();
    (cadres[0] as string[])[1] = '张　三';
    const households = householdRows();
    (households[0] as string[])[1] = '李 四';
    (households[1] as string[])[1] = '阿不都•热合曼';
    (households[2] as string[])[1] = 'John  Smith';
    const response = await post({
      'grid.csv': csvBytes(GRID_HEADER, GRID_ROWS),
      'cadres.csv': csvBytes(CADRE_HEADER, cadres),
      'households.csv': csvBytes(HOUSEHOLD_HEADER, households),
    });
    expect(response.statusCode, response.body).toBe(200);
    const db = own.app().services.db;
    const version = db.prepare('SELECT MAX(id) FROM roster_versions').pluck().get();
    const name = (table: string, number: string) =>
      db.prepare(`SELECT name FROM ${table} WHERE version_id = ? AND number = ?`).pluck().get(version, number);
    expect(name('auditees', '00001')).toBe('张三');
    expect(name('contacts', (households[0] as string[])[0] as string)).toBe('李四');
    expect(name('contacts', (households[1] as string[])[0] as string)).toBe('阿不都·热合曼');
    expect(name('contacts', (households[2] as string[])[0] as string)).toBe('John Smith');
    expect(verifyRosterVersion(db, 'cadre-household', version as number).ok).toBe(true);
  });
});

describe('the product walk (issue 17): what a county clerk sees for a mixed-encoding roster', () => {
  const own = ownImportApp();

  async function problemsOf(files: Record<string, Buffer>): Promise<ImportRejection['problems']> {
    const response = await own.upload(files);
    expect(response.statusCode, response.body).toBe(422);
    return ((JSON.parse(response.body) as ErrorBody).error.details as ImportRejection).problems;
  }

  it('points at the GBK name of a small UTF-8 file without a BOM, not at its header', async () => {
    // A clerk pastes one name from an old GBK sheet into a UTF-8 file (no BOM: WPS, LibreOffice).
    const utf8 = csvBytes(HOUSEHOLD_HEADER, householdRows());
    const line = 5; // the spreadsheet's row: header = 1
    const name = (householdRows()[line - 2] as string[])[1] as string;
    const at = utf8.indexOf(Buffer.from(`,${name},`, 'utf8')) + 1;
    const file = Buffer.concat([
      utf8.subarray(0, at),
      iconv.encode('钱多多', 'gbk'),
      utf8.subarray(at + Buffer.byteLength(name)),
    ]);
    const problems = await problemsOf({
      'grid.csv': csvBytes(GRID_HEADER, GRID_ROWS),
      'cadres.csv': csvBytes(CADRE_HEADER, cadreRows()),
      'households.csv': file,
    });
    expect(problems).toEqual([
      expect.objectContaining({ file: 'households.csv', code: 'MALFORMED_TEXT', row: line, column: '户主姓名' }),
    ]);
    expect(problems[0]?.message).toMatch(/文件编码为 UTF-8：/u);
  });

  it('still reads a whole GBK file as GBK', async () => {
    const gbk = iconv.encode(csvBytes(HOUSEHOLD_HEADER, householdRows()).toString('utf8'), 'gbk');
    const response = await own.upload([
      { name: 'grid.csv', content: csvBytes(GRID_HEADER, GRID_ROWS) },
      { name: 'cadres.csv', content: csvBytes(CADRE_HEADER, cadreRows()) },
      { name: 'households.csv', content: gbk },
    ]);
    expect(response.statusCode, response.body).toBe(200);
  });
});

describe('review of issue 17: file names and split zip bombs, around the checks that landed', () => {
  const own = ownImportApp();

  it('refuses an upload whose file name carries a refused character, without echoing the name', async () => {
    for (const [name, fault] of [
      ['网格\u202Evsc.csv', 'BIDI_CONTROL'],
      ['网格\u0007.csv', 'CONTROL'],
      ['网格\uFFFD.csv', 'REPLACEMENT'],
    ] as const) {
      const response = await own.upload([
        { name, content: csvBytes(GRID_HEADER, GRID_ROWS) },
        { name: '干部.csv', content: csvBytes(CADRE_HEADER, cadreRows()) },
        { name: '联系户.csv', content: csvBytes(HOUSEHOLD_HEADER, householdRows()) },
      ]);
      // Before: 200, and the name was stored in the roster version's sources as it came.
      expect(response.statusCode, response.body).toBe(422);
      const { problems } = response.json<ErrorBody>().error.details as ImportRejection;
      expect(problems).toEqual([
        expect.objectContaining({
          file: '文件1',
          code: 'REFUSED_CHARACTER',
          message: expect.stringContaining(TEXT_FAULT_LABEL[fault]),
        }),
      ]);
      expect(response.body.includes(name)).toBe(false);
    }
    expect(own.app().services.db.prepare('SELECT COUNT(*) FROM roster_versions').pluck().get()).toBe(0);
  });

  it('refuses a name holding any format or default-ignorable character, not only the listed ones', async () => {
    // Before: 王\u{1D173}五 and the others were imported, and masked 王*五 on air.
    for (const cp of [0x1d173, 0x13430, 0x1bca0, 0xfff0, 0xe0002, 0x206a, 0x17b4]) {
      const households = householdRows();
      (households[0] as string[])[1] = `王${String.fromCodePoint(cp)}五`;
      const response = await own.upload([
        { name: '网格.csv', content: csvBytes(GRID_HEADER, GRID_ROWS) },
        { name: '干部.csv', content: csvBytes(CADRE_HEADER, cadreRows()) },
        { name: '联系户.csv', content: csvBytes(HOUSEHOLD_HEADER, households) },
      ]);
      expect(response.statusCode, formatCodePoint(cp)).toBe(422);
      const { problems } = response.json<ErrorBody>().error.details as ImportRejection;
      expect(problems, formatCodePoint(cp)).toEqual([
        expect.objectContaining({
          code: 'REFUSED_CHARACTER',
          row: 2,
          message: expect.stringContaining(`${TEXT_FAULT_LABEL.INVISIBLE_FORMAT}（${formatCodePoint(cp)}）`),
        }),
      ]);
    }
    // A variation selector picks a glyph of the character before it: kept.
    const households = householdRows();
    (households[0] as string[])[1] = '王\uFE00五';
    const kept = await own.upload([
      { name: '网格.csv', content: csvBytes(GRID_HEADER, GRID_ROWS) },
      { name: '干部.csv', content: csvBytes(CADRE_HEADER, cadreRows()) },
      { name: '联系户.csv', content: csvBytes(HOUSEHOLD_HEADER, households) },
    ]);
    expect(kept.statusCode, kept.body).toBe(200);
  });

  it('refuses a bomb split into many entries under the per-entry ratio check, by the archive’s ratio', async () => {
    // 64 worksheets of 15 MB, 1 MB on the wire: each entry stays under the 16 MB an entry must pass
    // before its ratio is checked, and 960 MB in all under the 1 GB total. Before: all 960 MB were
    // inflated, then inflated again by the reader (5–9 s here) and the file read as having no rows.
    const bomb = splitZipBomb(64);
    expect(bomb.length).toBeLessThan(1_100_000);
    const dir = tempDir();
    try {
      const refusal = await readXlsxRows(writeTemp(dir, 'split.xlsx', bomb), 100).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refusal).toMatchObject({ code: 'XLSX_BOMB', message: expect.stringMatching(/压缩比异常/u) });
      const inflated = Number(/已解压 (\d+) 字节/u.exec((refusal as Error).message)?.[1] ?? NaN);
      expect(inflated).toBeGreaterThan(ZIP_LIMITS.ratioCheckedAboveBytes);
      expect(inflated).toBeLessThanOrEqual(ZIP_LIMITS.ratioCheckedAboveBytes + INFLATE_CHUNK + 1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
