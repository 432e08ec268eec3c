import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../server/demo/load-demo';
import type {
  ChannelNotice,
  ChannelsView,
  ChannelView,
  VenueSeatNotice,
  VenueSeatView,
} from '../server/protocol/channels';
import type { CommandAck, ShowSnapshot, SocketAuth } from '../server/protocol/show';
import type { ShowSocket } from './helpers/show-client';
import { ScriptedShow } from './helpers/show-script';
import { loginCookie, testApp } from './helpers/test-app';

/**
 * Output channels and venue seats, through real socket.io clients: a channel's output and a venue
 * seat's tablet follow the operator's switch between the live event and its rehearsal, a wrong or
 * replaced key opens nothing, and a venue tablet's score lands on the followed event's seat only.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let base: string;
let operator: string;
let live: ScriptedShow;
let rehearsal: ScriptedShow;
const sockets: ShowSocket[] = [];

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 200, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  operator = await loginCookie(app);
  live = await ScriptedShow.create(app, base, { title: '示范县干部作风电视抽查', judges: 3, rollSeconds: 2 });
  rehearsal = await live.rehearsal();
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  live?.close();
  rehearsal?.close();
  await close?.();
});

/** A follower's socket: it keeps every notice and snapshot it hears, in order. */
interface Follower {
  socket: ShowSocket;
  heard: ({ notice: ChannelNotice } | { seat: VenueSeatNotice } | { snapshot: ShowSnapshot })[];
  revoked: string[];
}

function connect(auth: SocketAuth): Promise<Follower> {
  const socket: ShowSocket = io(base, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(socket);
  const follower: Follower = { socket, heard: [], revoked: [] };
  socket.on('channel:notice', (notice) => follower.heard.push({ notice }));
  socket.on('venue:seat', (seat) => follower.heard.push({ seat }));
  socket.on('show:snapshot', (snapshot) => follower.heard.push({ snapshot }));
  socket.on('auth:revoked', ({ reason }) => follower.revoked.push(reason));
  socket.on('presence:ping', (ack) => ack());
  return new Promise((resolve, reject) => {
    socket.once('connect_error', (error) => reject(Object.assign(error, { body: (error as { data?: unknown }).data })));
    socket.once('connect', () => resolve(follower));
  });
}

async function until<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
): Promise<T> {
  for (let i = 0; i < 1000; i += 1) {
    const found = await probe();
    if (found) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never saw ${what}`);
}

const lastSnapshot = (f: Follower) => f.heard.flatMap((h) => ('snapshot' in h ? [h.snapshot] : [])).at(-1) ?? null;
const lastNotice = (f: Follower) => f.heard.flatMap((h) => ('notice' in h ? [h.notice] : [])).at(-1) ?? null;
const lastSeat = (f: Follower) => f.heard.flatMap((h) => ('seat' in h ? [h.seat] : [])).at(-1) ?? null;

async function followEvent(eventId: string): Promise<void> {
  const response = await app.inject({
    method: 'PUT',
    url: '/api/channels/follow',
    headers: { cookie: operator },
    payload: { eventId },
  });
  expect(response.statusCode, response.body).toBe(200);
}

async function channelList(): Promise<ChannelsView> {
  const response = await app.inject({ method: 'GET', url: '/api/channels', headers: { cookie: operator } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<ChannelsView>();
}

const channelOf = async (id: string): Promise<ChannelView> => {
  const found = (await channelList()).channels.find((row) => row.channel.id === id)?.channel;
  if (!found) throw new Error(`no channel ${id}`);
  return found;
};

describe('output channels', () => {
  it('makes 节目, 预览 and 绿底 on a first start, each with a key of its own', async () => {
    const { channels } = await channelList();
    expect(channels.map((row) => [row.channel.name, row.channel.kind, row.channel.background])).toEqual([
      ['节目', 'program', 'none'],
      ['预览', 'preview', 'none'],
      ['绿底', 'program', 'green'],
    ]);
    expect(new Set(channels.map((row) => row.channel.key)).size).toBe(3);
    expect(channels[0]?.channel.path).toBe(
      `/overlay?channel=program&key=${encodeURIComponent(channels[0]?.channel.key ?? '')}`,
    );
  });

  it('shows a standby until an event is followed, then follows every switch with the new event’s snapshot', async () => {
    const program = await channelOf('program');
    const output = await connect({ role: 'overlay', channel: program.id, key: program.key });
    // Nothing followed yet: told so, and no snapshot.
    await until(() => lastNotice(output), 'the first notice');
    expect(lastNotice(output)).toMatchObject({ id: 'program', kind: 'program', background: 'none', eventId: null });
    expect(lastSnapshot(output)).toBeNull();

    await followEvent(live.event.id);
    await until(() => lastSnapshot(output)?.eventId === live.event.id, 'the live snapshot');
    expect(lastSnapshot(output)?.rehearsal).toBe(false);

    await followEvent(rehearsal.event.id);
    const rehearsed = await until(
      () => (lastSnapshot(output)?.eventId === rehearsal.event.id ? lastSnapshot(output) : null),
      'the rehearsal snapshot',
    );
    expect(rehearsed.rehearsal).toBe(true);
    // Told what it follows before the snapshot it then draws (so it draws it as found).
    const noticeAt = output.heard.findIndex((h) => 'notice' in h && h.notice.eventId === rehearsal.event.id);
    const snapshotAt = output.heard.findIndex((h) => 'snapshot' in h && h.snapshot.eventId === rehearsal.event.id);
    expect(noticeAt).toBeGreaterThanOrEqual(0);
    expect(noticeAt).toBeLessThan(snapshotAt);

    // It now hears the rehearsal's changes, and no longer the live event's.
    const heardBefore = output.heard.length;
    await live.run({ type: 'open' });
    await rehearsal.run({ type: 'open' });
    await until(() => lastSnapshot(output)?.status === 'live', 'the rehearsal opened');
    const after = output.heard.slice(heardBefore).flatMap((h) => ('snapshot' in h ? [h.snapshot.eventId] : []));
    expect(new Set(after)).toEqual(new Set([rehearsal.event.id]));
    output.socket.disconnect();
  });

  it('refuses a wrong key, and closes the outputs of a key that was replaced', async () => {
    const preview = await channelOf('preview');
    await expect(connect({ role: 'overlay', channel: 'preview', key: 'x'.repeat(24) })).rejects.toMatchObject({
      body: { error: { code: 'CHANNEL_KEY_INVALID' } },
    });
    await expect(connect({ role: 'overlay', channel: 'nowhere', key: preview.key })).rejects.toMatchObject({
      body: { error: { code: 'CHANNEL_KEY_INVALID' } },
    });
    const output = await connect({ role: 'overlay', channel: 'preview', key: preview.key });
    await until(() => lastSnapshot(output), 'a snapshot');
    const renewed = await app.inject({
      method: 'POST',
      url: '/api/channels/preview/key',
      headers: { cookie: operator },
    });
    expect(renewed.statusCode).toBe(200);
    const fresh = renewed.json<ChannelView>();
    expect(fresh.key).not.toBe(preview.key);
    await until(
      () => output.revoked.includes('channel-key-changed') && output.socket.disconnected,
      'the old key closed',
    );
    await expect(connect({ role: 'overlay', channel: 'preview', key: preview.key })).rejects.toMatchObject({
      body: { error: { code: 'CHANNEL_KEY_INVALID' } },
    });
    const again = await connect({ role: 'overlay', channel: 'preview', key: fresh.key });
    await until(() => lastNotice(again)?.kind === 'preview', 'the new key admitted');
    again.socket.disconnect();
  });

  it('lets the operator add, rename and remove channels, but never the last program', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/channels',
      headers: { cookie: operator },
      payload: { name: '大屏', kind: 'program', background: 'none' },
    });
    expect(created.statusCode, created.body).toBe(200);
    const channel = created.json<ChannelView>();
    const output = await connect({ role: 'overlay', channel: channel.id, key: channel.key });
    await until(() => lastNotice(output), 'the notice');
    const renamed = await app.inject({
      method: 'PUT',
      url: `/api/channels/${channel.id}`,
      headers: { cookie: operator },
      payload: { name: '场内大屏', background: 'green' },
    });
    expect(renamed.json<ChannelView>()).toMatchObject({ name: '场内大屏', background: 'green' });
    // The output applies the channel's new settings without a reload.
    await until(() => lastNotice(output)?.background === 'green', 'the new background');
    expect(lastNotice(output)?.name).toBe('场内大屏');
    const removed = await app.inject({
      method: 'DELETE',
      url: `/api/channels/${channel.id}`,
      headers: { cookie: operator },
    });
    expect(removed.statusCode).toBe(200);
    await until(() => output.socket.disconnected, 'the removed channel closed');
    // Every program channel but one removed: the last one stays.
    await app.inject({ method: 'DELETE', url: '/api/channels/green', headers: { cookie: operator } });
    const last = await app.inject({ method: 'DELETE', url: '/api/channels/program', headers: { cookie: operator } });
    expect(last.json<{ error: { code: string } }>().error.code).toBe('CHANNEL_LAST_PROGRAM');
    const supervisor = await app.inject({
      method: 'POST',
      url: '/api/channels',
      headers: { cookie: await loginCookie(app, 'supervisor', 'supervisor-test-pass') },
      payload: { name: '大屏', kind: 'program', background: 'none' },
    });
    expect(supervisor.json<{ error: { code: string } }>().error.code).toBe('AUTH_FORBIDDEN');
  });

  it('reports each output’s frame and frame rate to the monitor, validated', async () => {
    const program = await channelOf('program');
    const output = await connect({ role: 'overlay', channel: program.id, key: program.key });
    await until(() => lastSnapshot(output), 'a snapshot');
    output.socket.emit('output:stats', {
      width: 1920,
      height: 1080,
      pixelRatio: 1,
      fps: 59.9,
      revision: 3,
      graphics: [],
    });
    const row = await until(async () => {
      const connection = (await channelList()).channels
        .find((r) => r.channel.id === 'program')
        ?.connections.find((c) => c.socketId === output.socket.id);
      return connection?.stats ? connection : null;
    }, 'the report');
    const seen = row;
    expect(seen.stats).toMatchObject({ width: 1920, height: 1080, fps: 59.9 });
    expect(seen.eventId).toBe(rehearsal.event.id);
    // A malformed report changes nothing.
    output.socket.emit('output:stats', { width: -5, height: 'big' } as never);
    await new Promise((r) => setTimeout(r, 50));
    const still = (await channelList()).channels
      .find((r) => r.channel.id === 'program')
      ?.connections.find((c) => c.socketId === output.socket.id);
    expect(still?.stats?.width).toBe(1920);
    output.socket.disconnect();
  });

  it('drops an output that floods its reports', async () => {
    const program = await channelOf('program');
    const output = await connect({ role: 'overlay', channel: program.id, key: program.key });
    await until(() => lastNotice(output), 'the notice');
    const report = { width: 1920, height: 1080, pixelRatio: 1, fps: 60, revision: 1, graphics: [] };
    for (let i = 0; i < 200; i += 1) output.socket.emit('output:stats', report);
    await until(() => output.socket.disconnected, 'the flooder dropped');
  });
});

describe('venue seats', () => {
  async function venueSeat(seat: number): Promise<VenueSeatView> {
    const response = await app.inject({ method: 'GET', url: '/api/venue-seats', headers: { cookie: operator } });
    expect(response.statusCode, response.body).toBe(200);
    const found = response.json<VenueSeatView[]>().find((s) => s.seat === seat);
    if (!found) throw new Error(`no venue seat ${seat}`);
    return found;
  }

  async function joinVenue(seat: number, deviceId: string, pin?: string) {
    const view = await venueSeat(seat);
    const token = new URL(`http://x${view.joinPath}`).searchParams.get('token') ?? '';
    return app.inject({
      method: 'POST',
      url: '/api/venue-seats/join',
      payload: { seat, token, pin: pin ?? view.pin, deviceId },
    });
  }

  const submit = (f: Follower, snapshot: ShowSnapshot, points: number, eventId?: string): Promise<CommandAck> => {
    const round = snapshot.rounds.at(-1);
    if (!round) throw new Error('no round');
    return f.socket.timeout(5000).emitWithAck('judge:submit', {
      submissionId: randomUUID().replace(/-/gu, ''),
      ...(eventId === undefined ? {} : { eventId }),
      round: round.index,
      auditeeNumber: round.auditee.number,
      items: [points],
    });
  };

  async function toJudging(show: ScriptedShow): Promise<void> {
    if (show.snapshot.status !== 'live') await show.open();
    await show.entropyAndReveal();
    await show.run({ type: 'drawAuditee' });
    await show.run({ type: 'presentAuditee' });
    await show.run({ type: 'startReport' });
    await show.run({ type: 'endReport' });
    await show.run({ type: 'drawHouseholds' });
    await show.callHouseholds([{ outcome: '属实', satisfaction: '满意' }]);
    await show.run({ type: 'openJudging' });
  }

  it('scores as that seat of the followed event only, and follows the switch without a new join', async () => {
    await followEvent(live.event.id);
    const wrong = await joinVenue(2, 'venue-tablet-2', '000000');
    expect(wrong.json<{ error: { code: string } }>().error.code).toBe('JUDGE_JOIN_INVALID');
    const joined = await joinVenue(2, 'venue-tablet-2');
    expect(joined.statusCode, joined.body).toBe(200);
    const { venueKey } = joined.json<{ venueKey: string }>();
    // Another device cannot take the venue seat.
    expect((await joinVenue(2, 'someone-else-1')).json<{ error: { code: string } }>().error.code).toBe(
      'JUDGE_SEAT_TAKEN',
    );
    const tablet = await connect({ role: 'judge', venueSeat: 2, key: venueKey });
    await until(() => lastSeat(tablet)?.eventId === live.event.id, 'the live seat');
    expect(lastSeat(tablet)).toMatchObject({ seat: 2, binding: 'bound', name: '李政协', rehearsal: false });
    // The event's own link for seat 2 now finds the seat held.
    const eventSeat = live.seats.find((s) => s.seat === 2);
    const token = new URL(`http://x${eventSeat?.joinPath ?? ''}`).searchParams.get('token') ?? '';
    const direct = await app.inject({
      method: 'POST',
      url: '/api/judges/join',
      payload: { eventId: live.event.id, seat: 2, token, pin: eventSeat?.pin, deviceId: 'per-event-tablet' },
    });
    expect(direct.json<{ error: { code: string } }>().error.code).toBe('JUDGE_SEAT_TAKEN');

    await toJudging(live);
    const liveSnapshot = await until(
      () => (lastSnapshot(tablet)?.rounds.at(-1)?.step === 'judging' ? lastSnapshot(tablet) : null),
      'judging open on the tablet',
    );
    const scored = await submit(tablet, liveSnapshot, 88);
    expect(scored.ok).toBe(true);
    const liveRound = (await live.staff.until(scored.ok ? scored.revision : 0)).rounds.at(-1);
    expect(liveRound?.judging.seats.find((s) => s.seat === 2)?.submitted).toBe(true);

    // The operator switches to the rehearsal: the same tablet, untouched, is now its seat 2.
    await followEvent(rehearsal.event.id);
    await until(() => lastSeat(tablet)?.eventId === rehearsal.event.id, 'the rehearsal seat');
    expect(lastSeat(tablet)).toMatchObject({ binding: 'bound', rehearsal: true });
    await until(() => lastSnapshot(tablet)?.eventId === rehearsal.event.id, 'the rehearsal snapshot');
    // The venue key no longer opens the live event's seat.
    await expect(connect({ eventId: live.event.id, role: 'judge', key: venueKey })).rejects.toMatchObject({
      body: { error: { code: 'JUDGE_JOIN_INVALID' } },
    });
    await toJudging(rehearsal);
    const rehearsalSnapshot = await until(
      () =>
        lastSnapshot(tablet)?.eventId === rehearsal.event.id && lastSnapshot(tablet)?.rounds.at(-1)?.step === 'judging'
          ? lastSnapshot(tablet)
          : null,
      'judging open in the rehearsal',
    );
    // A score queued before the switch names the live event: it never counts in the rehearsal.
    const queued = await submit(tablet, rehearsalSnapshot, 99, live.event.id);
    expect(!queued.ok && queued.error.code).toBe('SHOW_SUBMISSION_OTHER_EVENT');
    const rehearsed = await submit(tablet, rehearsalSnapshot, 75, rehearsal.event.id);
    expect(rehearsed.ok).toBe(true);
    const rehearsalRound = (await rehearsal.staff.until(rehearsed.ok ? rehearsed.revision : 0)).rounds.at(-1);
    expect(rehearsalRound?.judging.seats.find((s) => s.seat === 2)?.submitted).toBe(true);
    // The live event's seat 2 kept its one score (88), nothing from the rehearsal.
    expect(live.staff.latest.rounds.at(-1)?.judging.seats.find((s) => s.seat === 2)?.submitted).toBe(true);

    // Releasing the followed event's seat on the desk closes the tablet and frees the venue seat.
    const released = await app.inject({
      method: 'POST',
      url: `/api/events/${rehearsal.event.id}/seats/2/release`,
      headers: { cookie: operator },
    });
    expect(released.statusCode).toBe(200);
    await until(() => tablet.revoked.includes('seat-released') && tablet.socket.disconnected, 'the tablet closed');
    await expect(connect({ role: 'judge', venueSeat: 2, key: venueKey })).rejects.toMatchObject({
      body: { error: { code: 'JUDGE_JOIN_INVALID' } },
    });
    expect((await venueSeat(2)).joined).toBe(false);
  });

  it('cannot score while the followed event’s seat is held by a tablet that joined it by the event’s own link', async () => {
    await followEvent(live.event.id);
    const eventSeat = live.seats.find((s) => s.seat === 3);
    const token = new URL(`http://x${eventSeat?.joinPath ?? ''}`).searchParams.get('token') ?? '';
    const direct = await app.inject({
      method: 'POST',
      url: '/api/judges/join',
      payload: { eventId: live.event.id, seat: 3, token, pin: eventSeat?.pin, deviceId: 'per-event-tablet-3' },
    });
    expect(direct.statusCode, direct.body).toBe(200);
    const joined = await joinVenue(3, 'venue-tablet-3');
    const { venueKey } = joined.json<{ venueKey: string }>();
    const tablet = await connect({ role: 'judge', venueSeat: 3, key: venueKey });
    await until(() => lastSeat(tablet), 'the seat notice');
    expect(lastSeat(tablet)).toMatchObject({ binding: 'taken', eventId: live.event.id });
    expect((await venueSeat(3)).binding).toBe('taken');
    const snapshot = lastSnapshot(tablet);
    if (!snapshot) throw new Error('no snapshot');
    const refused = await submit(tablet, snapshot, 80);
    expect(refused.ok ? 'accepted' : refused.error.code).toBe('AUTH_REQUIRED');
    // The per-event tablet still holds its seat: the venue key did not take it over.
    const perEvent = await connect({
      eventId: live.event.id,
      role: 'judge',
      key: direct.json<{ judgeKey: string }>().judgeKey,
    });
    expect(perEvent.socket.connected).toBe(true);
    perEvent.socket.disconnect();
    tablet.socket.disconnect();
  });

  it('prints one venue seat sheet with a QR code, link and PIN per seat', async () => {
    const sheet = await app.inject({ method: 'GET', url: '/venue/seats/sheet', headers: { cookie: operator } });
    expect(sheet.statusCode).toBe(200);
    const cards = sheet.body.match(/data-testid="venue-seat-card"/gu) ?? [];
    expect(cards.length).toBe(3);
    const one = await venueSeat(1);
    expect(sheet.body).toContain(one.joinPath.replace(/&/gu, '&amp;'));
    expect(sheet.body).toContain(one.pin);
    expect(sheet.body).toContain('<svg');
  });
});
