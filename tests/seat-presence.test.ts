import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { SeatStatus, SeatView } from '../server/protocol/show';
import { loadDemoCounty } from '../server/demo/load-demo';
import { testApp } from './helpers/test-app';
import { ShowClient } from './helpers/show-client';
import { ScriptedShow } from './helpers/show-script';

let app: FastifyInstance;
let close: () => Promise<void>;
let base: string;
let show: ScriptedShow;

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  show = await ScriptedShow.create(app, base, { rollSeconds: 2, judges: 2 });
});
afterAll(async () => {
  show.close();
  await close();
});

async function tablet(seat: SeatView): Promise<ShowClient> {
  const token = new URL(`http://x${seat.joinPath}`).searchParams.get('token') ?? '';
  const joined = await app.inject({
    method: 'POST',
    url: '/api/judges/join',
    payload: { eventId: show.event.id, seat: seat.seat, token, pin: seat.pin, deviceId: `tablet-${seat.seat}-p` },
  });
  const judgeKey = joined.json<{ judgeKey: string }>().judgeKey;
  return ShowClient.connect(base, { eventId: show.event.id, role: 'judge', key: judgeKey });
}

describe("judges' tablets as the desk sees them", () => {
  it('sends staff each seat online, then offline with its last contact, and a reported unsent score', async () => {
    const seen: SeatStatus[][] = [];
    show.staff.socket.on('show:seats', (seats) => seen.push(seats));
    const latest = (seat: number) => seen.at(-1)?.find((s) => s.seat === seat);
    const seat = show.seats[0] as SeatView;
    const judge = await tablet(seat);
    await expect.poll(() => latest(seat.seat)?.online).toBe(true);
    judge.socket.emit('judge:status', { unsent: true });
    await expect.poll(() => latest(seat.seat)?.unsent).toBe(true);
    // A malformed report changes nothing.
    judge.socket.emit('judge:status', { unsent: 'yes' } as unknown as { unsent: boolean });
    judge.socket.emit('judge:status', { unsent: false });
    await expect.poll(() => latest(seat.seat)?.unsent).toBe(false);
    judge.socket.emit('judge:status', { unsent: true });
    await expect.poll(() => latest(seat.seat)?.unsent).toBe(true);
    const before = Date.now();
    judge.close();
    await expect.poll(() => latest(seat.seat)?.online).toBe(false);
    const gone = latest(seat.seat);
    // Kept after the drop, when it matters: the last report and when the tablet was last heard from.
    expect(gone?.unsent).toBe(true);
    expect(gone?.lastContactAt).toBeGreaterThanOrEqual(before - 1000);
    expect(latest(2)).toBeUndefined(); // a seat never joined is not listed
  });

  it('ignores a status sent by anything but a judge', async () => {
    let messages = 0;
    show.staff.socket.on('show:seats', () => (messages += 1));
    show.staff.socket.emit('judge:status', { unsent: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(messages).toBe(0);
  });
});
