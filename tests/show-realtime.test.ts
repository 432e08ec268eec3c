import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { io } from 'socket.io-client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app';
import { loadDemoCounty } from '../server/demo/load-demo';
import { findChainBreak } from '../server/draw-engine/log-chain';
import { readLog, SHOW_LOG } from '../server/store/log-store';
import { verifyBundle } from '../server/verify/bundle';
import type { EventSummary, ShowCommandBody } from '../server/protocol/show';
import { DEMO_PLAN } from './helpers/draw-fixture';
import { ShowClient, type ShowSocket } from './helpers/show-client';
import { loginCookie, OPERATOR_PASSWORD, SUPERVISOR_PASSWORD, testApp } from './helpers/test-app';

let app: FastifyInstance;
let close: () => Promise<void>;
let dir: string;
let base: string;
let operator: string;
let supervisor: string;
let event: EventSummary;
let overlayKey: string;
const clients: ShowClient[] = [];

beforeAll(async () => {
  ({ app, close, dir } = await testApp({ presencePingMs: 100 }));
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  operator = await loginCookie(app);
  supervisor = await loginCookie(app, 'supervisor', SUPERVISOR_PASSWORD);
  const created = await app.inject({
    method: 'POST',
    url: '/api/events',
    headers: { cookie: operator },
    payload: {
      title: '示范县干部作风电视抽查',
      eventDate: '2026-11-26',
      venue: '县广播电视台演播厅',
      mode: 'televised',
      settings: {
        plan: { ...DEMO_PLAN, auditees: { mode: 'total', count: 2 }, contactsPerAuditee: 3 },
        reportMinutes: 5,
        rollSeconds: 4,
      },
    },
  });
  expect(created.statusCode, created.body).toBe(200);
  const sealed = await app.inject({
    method: 'POST',
    url: `/api/events/${created.json<EventSummary>().id}/seal`,
    headers: { cookie: operator },
  });
  expect(sealed.statusCode, sealed.body).toBe(200);
  event = sealed.json<EventSummary>();
  overlayKey = (
    await app.inject({ method: 'GET', url: `/api/events/${event.id}`, headers: { cookie: operator } })
  ).json<{ overlayKey: string }>().overlayKey;
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await close();
});

async function connect(role: 'staff' | 'overlay' | 'public', cookie?: string, key?: string): Promise<ShowClient> {
  const client = await ShowClient.connect(base, { eventId: event.id, role, ...(key ? { key } : {}) }, cookie);
  clients.push(client);
  return client;
}

describe('the live show over socket.io', () => {
  let desk: ShowClient;
  let second: ShowClient;
  let overlay: ShowClient;
  let viewer: ShowClient;

  it('gives every client a snapshot for its role on connect', async () => {
    desk = await connect('staff', operator);
    second = await connect('staff', operator);
    overlay = await connect('overlay', undefined, overlayKey);
    viewer = await connect('public');
    for (const c of [desk, second, overlay, viewer]) {
      expect(c.latest.revision).toBe(0);
      expect(c.latest.status).toBe('sealed');
      expect(c.latest.draw.commitment).toMatch(/^[0-9a-f]{64}$/u);
      expect(c.latest.draw.secret).toBeNull();
    }
    expect(overlay.latest.role).toBe('overlay');
  });

  it('lets an output that lost its connection reconnect by itself, and sends it the state again', async () => {
    // socket.io's client adds its recovery fields (pid, offset) to the handshake when it reconnects.
    const socket: ShowSocket = io(base, {
      auth: { eventId: event.id, role: 'overlay', key: overlayKey },
      transports: ['websocket'],
      reconnectionDelay: 50,
      reconnectionDelayMax: 100,
      forceNew: true,
    });
    const snapshots: number[] = [];
    const errors: unknown[] = [];
    socket.on('show:snapshot', (snapshot) => snapshots.push(snapshot.revision));
    socket.on('connect_error', (error) => errors.push((error as { data?: unknown }).data ?? error.message));
    try {
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      await vi.waitFor(() => expect(snapshots.length).toBeGreaterThan(0));
      socket.io.engine.close(); // the transport drops, as on a Wi-Fi cut
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      expect(errors).toEqual([]);
      expect(socket.connected).toBe(true);
      // A fresh snapshot comes on every (re)connection, so the output shows the current state.
      await vi.waitFor(() => expect(snapshots.length).toBeGreaterThanOrEqual(2));
    } finally {
      socket.disconnect();
    }
  });

  it('refuses a wrong overlay key, a staff socket without a session, and a draft event', async () => {
    await expect(connect('overlay', undefined, 'wrong-key')).rejects.toMatchObject({
      body: { error: { code: 'AUTH_FORBIDDEN' } },
    });
    await expect(connect('staff')).rejects.toMatchObject({ body: { error: { code: 'AUTH_REQUIRED' } } });
    await expect(ShowClient.connect(base, { eventId: 'nope', role: 'public' })).rejects.toMatchObject({
      body: { error: { code: 'EVENT_NOT_FOUND' } },
    });
  });

  it('lets only the right role act: the public and overlays never, the supervisor only for entropy', async () => {
    expect(await viewer.send({ type: 'open' })).toMatchObject({ ok: false, error: { code: 'AUTH_REQUIRED' } });
    expect(await overlay.send({ type: 'open' })).toMatchObject({ ok: false, error: { code: 'AUTH_REQUIRED' } });
    const notary = await connect('staff', supervisor);
    expect(await notary.send({ type: 'open' })).toMatchObject({ ok: false, error: { code: 'AUTH_FORBIDDEN' } });
    expect(await desk.send({ type: 'open' })).toEqual({ ok: true, revision: 1, repeated: false });
    await notary.until(1);
    expect(
      await notary.send({ type: 'lockEntropy', entropy: '3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8 4' }),
    ).toMatchObject({ ok: true, revision: 2 });
  });

  it('broadcasts every change with its revision to every client', async () => {
    for (const c of [desk, second, overlay, viewer])
      expect((await c.until(2)).draw.entropy).toBe('31415926535897932384');
  });

  it('refuses a stale revision with a fresh snapshot and changes nothing', async () => {
    const ack = await second.send({ type: 'reveal' }, { revision: 1 });
    expect(ack).toMatchObject({ ok: false, error: { code: 'SHOW_STALE_REVISION' } });
    expect(ack.ok === false && ack.snapshot?.revision).toBe(2);
    expect(app.services.shows.revision(event.id)).toBe(2);
  });

  it('answers a repeated idempotency key with the first answer and changes nothing', async () => {
    const first = await desk.send({ type: 'reveal' }, { key: 'reveal-once-0001' });
    expect(first).toEqual({ ok: true, revision: 3, repeated: false });
    const again = await desk.send({ type: 'reveal' }, { key: 'reveal-once-0001', revision: 2 });
    expect(again).toEqual({ ok: true, revision: 3, repeated: true });
    expect(app.services.shows.revision(event.id)).toBe(3);
    expect((await viewer.until(3)).draw.seed).toMatch(/^[0-9a-f]{64}$/u);
  });

  it('refuses malformed payloads and illegal steps with typed codes', async () => {
    const bad = await desk.socket
      .timeout(5000)
      .emitWithAck('show:command', { revision: 3, idempotencyKey: 'x', command: { type: 'redraw' } } as never);
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await desk.send({ type: 'drawHouseholds' })).toMatchObject({ ok: false, error: { code: 'SHOW_NO_ROUND' } });
    expect(await desk.send({ type: 'close' })).toMatchObject({ ok: true });
    // …a closed show refuses everything after.
    expect(await desk.send({ type: 'drawAuditee' })).toMatchObject({ ok: false, error: { code: 'SHOW_CLOSED' } });
  });
});

describe('the operator’s output monitor', () => {
  it('lists connected outputs and desks with measured round trips, and reloads an output on request', async () => {
    const desk = await connect('staff', operator);
    const output = await ShowClient.connect(base, {
      eventId: event.id,
      role: 'overlay',
      key: overlayKey,
      label: '主输出 PGM',
    });
    clients.push(output);
    await desk.waitFor(
      () => desk.presence.some((p) => p.label === '主输出 PGM' && p.rttMs !== null),
      'a measured overlay',
    );
    const entry = desk.presence.find((p) => p.label === '主输出 PGM');
    expect(entry?.role).toBe('overlay');
    expect(entry?.rttMs).toBeLessThan(1000);

    expect(
      await desk.socket.timeout(5000).emitWithAck('output:reload', { socketId: entry?.socketId as string }),
    ).toEqual({ ok: true });
    await output.waitFor(() => output.reloads === 1, 'the reload request');
    const notary = await connect('staff', supervisor);
    expect(
      await notary.socket.timeout(5000).emitWithAck('output:reload', { socketId: entry?.socketId as string }),
    ).toMatchObject({
      error: { code: 'AUTH_FORBIDDEN' },
    });
    const viewer = await connect('public');
    expect(
      await viewer.socket.timeout(5000).emitWithAck('output:reload', { socketId: entry?.socketId as string }),
    ).toMatchObject({
      error: { code: 'AUTH_REQUIRED' },
    });
    expect(desk.presence.some((p) => p.role === 'public')).toBe(false);

    output.close();
    await desk.waitFor(() => !desk.presence.some((p) => p.label === '主输出 PGM'), 'the output to leave');
  });
});

describe('the public viewers’ count', () => {
  it('reaches the desk from the server when phones open the live page and leave it, without listing them', async () => {
    const desk = await connect('staff', operator);
    await desk.waitFor(() => desk.viewers !== null, 'a first count');
    const before = desk.viewers as number;
    const phones = await Promise.all([connect('public'), connect('public'), connect('public')]);
    await desk.waitFor(() => desk.viewers === before + 3, 'three more viewers');
    expect(desk.presence.some((p) => p.role === 'public')).toBe(false);
    for (const phone of phones) phone.close();
    await desk.waitFor(() => desk.viewers === before, 'the viewers to leave');
  });

  it('sends the desk one count for a burst of viewers, not one message each', async () => {
    const desk = await connect('staff', operator);
    await desk.waitFor(() => desk.viewers !== null, 'a first count');
    const counts: number[] = [];
    desk.socket.on('show:viewers', (count) => counts.push(count));
    const before = desk.viewers as number;
    const phones = await Promise.all(Array.from({ length: 40 }, () => connect('public')));
    await desk.waitFor(() => desk.viewers === before + 40, 'forty more viewers');
    // Presence republishes after pings (every 100 ms here) too; the burst itself adds at most one per second.
    expect(counts.length).toBeLessThan(40);
    for (const phone of phones) phone.close();
    await desk.waitFor(() => desk.viewers === before, 'the viewers to leave');
  });
});

describe('a whole show of two rounds over socket.io', () => {
  let show: EventSummary;
  let desk: ShowClient;
  let overlay: ShowClient;

  it('runs from open to close, masking households everywhere but the desk, and the bundle verifies', async () => {
    show = (
      await app.inject({ method: 'POST', url: `/api/events/${event.id}/rehearsal`, headers: { cookie: operator } })
    ).json<EventSummary>();
    expect(show.rehearsal).toBe(true);
    expect(show.status).toBe('sealed');
    const key = (
      await app.inject({ method: 'GET', url: `/api/events/${show.id}`, headers: { cookie: operator } })
    ).json<{ overlayKey: string }>().overlayKey;
    desk = await ShowClient.connect(base, { eventId: show.id, role: 'staff' }, operator);
    overlay = await ShowClient.connect(base, { eventId: show.id, role: 'overlay', key });
    const notary = await ShowClient.connect(base, { eventId: show.id, role: 'staff' }, supervisor);
    clients.push(desk, overlay, notary);
    expect(desk.latest.rehearsal).toBe(true);

    const step = async (command: ShowCommandBody) => {
      if (command.type === 'lockEntropy') await notary.until(desk.latest.revision);
      const ack = await (command.type === 'lockEntropy' ? notary : desk).send(command);
      if (!ack.ok) throw new Error(`${command.type}: ${ack.error.code} ${ack.error.message}`);
      await desk.until(ack.revision);
    };
    await step({ type: 'open' });
    await step({ type: 'lockEntropy', entropy: '62415336124566123452' });
    await step({ type: 'reveal' });
    for (let round = 0; round < 2; round += 1) {
      await step({ type: 'drawAuditee' });
      if (round === 0) await step({ type: 'replaceAuditee', reason: 'LEAVE' });
      await step({ type: 'presentAuditee' });
      await step({ type: 'startReport' });
      await step({ type: 'extendReport', seconds: 30 });
      await step({ type: 'endReport' });
      await step({ type: 'drawHouseholds' });
      const first = desk.latest.rounds[round]?.households[0]?.number as string;
      await step({ type: 'setCallStatus', household: first, callStatus: '未接通' });
      await step({ type: 'replaceHousehold', household: first, reason: 'NO_ANSWER' });
      for (const h of desk.latest.rounds[round]?.households.filter((x) => !x.replaced) ?? []) {
        await step({ type: 'recordOutcome', household: h.number, outcome: '属实', satisfaction: '基本满意' });
      }
      await step({ type: 'openJudging' });
      await step({ type: 'lockJudging' });
      await step({ type: 'revealScores' });
      await step({ type: 'showResult' });
    }
    await step({ type: 'close' });

    const finalRevision = desk.latest.revision;
    const onAir = await overlay.until(finalRevision);
    expect(onAir.status).toBe('closed');
    const deskHouseholds = desk.latest.rounds.flatMap((r) => r.households);
    const airHouseholds = onAir.rounds.flatMap((r) => r.households);
    expect(deskHouseholds.every((h) => /^100\d{8}$/u.test(h.phone) || h.phone === '')).toBe(true);
    for (const [i, h] of airHouseholds.entries()) {
      expect(h.phone).toMatch(/^(100\*{4}\d{4})?$/u);
      expect(h.name).not.toBe(deskHouseholds[i]?.name);
      expect(h.name).toContain('*');
    }
    expect(JSON.stringify(overlay.snapshots)).not.toMatch(/(?<![0-9a-f])100\d{8}(?!\d)/u);

    // The supervisor's console: households by name, phones masked (only the operator places calls),
    // in every broadcast, on request, after a refusal and over HTTP.
    const watched = await notary.until(finalRevision);
    const notaryHouseholds = watched.rounds.flatMap((r) => r.households);
    expect(notaryHouseholds.length).toBe(deskHouseholds.length);
    for (const [i, h] of notaryHouseholds.entries()) {
      expect(h.name).toBe(deskHouseholds[i]?.name);
      expect(h.phone).toMatch(/^(100\*{4}\d{4})?$/u);
    }
    expect(notaryHouseholds.some((h) => h.phone !== '')).toBe(true);
    const synced = await notary.socket.timeout(5000).emitWithAck('show:sync');
    const stale = await notary.send({ type: 'lockEntropy', entropy: '62415336124566123452' }, { revision: 1 });
    expect(stale.ok).toBe(false);
    const overHttp = await app.inject({
      method: 'GET',
      url: `/api/events/${show.id}/snapshot`,
      headers: { cookie: supervisor },
    });
    const seen = JSON.stringify([notary.snapshots, synced, stale, overHttp.json()]);
    expect(seen).not.toMatch(/(?<![0-9a-f])100\d{8}(?!\d)/u);
    expect(seen).toContain('100****');
    expect(onAir.rounds[0]?.replacedAuditees[0]?.reason).toBe('LEAVE');

    const bundle = app.services.shows.bundle(onAir.draw.drawId);
    expect(verifyBundle(bundle).ok).toBe(true);
    expect(bundle.replacements).toEqual({ auditees: 1, contacts: 2 });
    const log = readLog(app.services.db, SHOW_LOG, show.id);
    expect(findChainBreak(log)).toBeNull();
    expect(log).toHaveLength(finalRevision);
  });

  it('gives a reconnecting client the current state at once, and a restarted server the same state', async () => {
    const latecomer = await ShowClient.connect(base, { eventId: show.id, role: 'public' });
    clients.push(latecomer);
    expect(latecomer.latest.revision).toBe(desk.latest.revision);
    const synced = await latecomer.socket.timeout(5000).emitWithAck('show:sync');
    expect(synced.revision).toBe(desk.latest.revision);

    const restarted = await buildApp({
      dbPath: join(dir, 'choucha.db'),
      initialPasswords: { operator: OPERATOR_PASSWORD },
    });
    try {
      // The restarted app does not listen, so its links name another origin; the path is the same.
      const { serverTime: _a, links: linksAfter, ...after } = restarted.services.shows.snapshot(show.id, 'staff');
      const { serverTime: _b, links: linksBefore, ...before } = app.services.shows.snapshot(show.id, 'staff');
      expect(after).toEqual(before);
      expect(linksBefore.verify).toBe(`${base}/verify?draw=${before.draw.drawId}`);
      expect(new URL(linksAfter.verify ?? '').search).toBe(new URL(linksBefore.verify ?? '').search);
    } finally {
      await restarted.close();
    }
  });

  it('keeps sealed events frozen', async () => {
    const response = await app.inject({
      method: 'PUT',
      url: `/api/events/${show.id}`,
      headers: { cookie: operator },
      payload: { title: 'x', eventDate: '2026-11-26', venue: '', mode: 'televised', settings: show.settings },
    });
    expect(response.json()).toMatchObject({ error: { code: 'EVENT_SEALED' } });
    expect(() => app.services.db.exec(`UPDATE events SET title = 'x' WHERE id = '${show.id}'`)).toThrow(
      /EVENT_SEALED/u,
    );
    expect(() => app.services.db.exec(`DELETE FROM show_log WHERE event_id = '${show.id}'`)).toThrow(
      /SHOW_LOG_IMMUTABLE/u,
    );
  });
});
