import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../server/demo/load-demo';
import { readLog, SHOW_LOG } from '../server/store/log-store';
import { testApp } from './helpers/test-app';
import { DICE, ScriptedShow } from './helpers/show-script';
import { ShowClient } from './helpers/show-client';

/**
 * The notary's digits as typed, over real socket.io: relayed from the supervisor's socket to the
 * outputs and the public, never from the operator's, never logged, and kept for a late output.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let base: string;
let show: ScriptedShow;

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 120, teachers: 0 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  show = await ScriptedShow.create(app, base, { mode: 'routine', notary: true });
});
afterAll(async () => {
  show?.close();
  await close?.();
});

const heard = (client: ShowClient) => {
  const typed: string[] = [];
  client.socket.on('entropy:typing', ({ digits }) => typed.push(digits));
  return typed;
};

describe('entropy:typing', () => {
  it('relays the supervisor’s digits only, only while the lock is open, and logs none of it', async () => {
    const output = await ShowClient.connect(base, { eventId: show.event.id, role: 'overlay', key: show.overlayKey });
    const viewer = await ShowClient.connect(base, { eventId: show.event.id, role: 'public' });
    const onAir = heard(output);
    const publicly = heard(viewer);
    const supervisor = await show.supervisor();
    // Before the show opens the lock is not open: nothing is relayed.
    supervisor.socket.emit('entropy:typing', { digits: '1 2 3' });
    await show.open();
    show.staff.socket.emit('entropy:typing', { digits: '999' }); // the operator's: ignored
    supervisor.socket.emit('entropy:typing', { digits: '3 1 4' });
    supervisor.socket.emit('entropy:typing', { digits: '31x' }); // malformed: dropped
    await expect.poll(() => onAir).toEqual(['314']);
    await expect.poll(() => publicly).toEqual(['314']);

    // An output connecting mid-typing gets the digits so far at once.
    const late = await ShowClient.connect(base, { eventId: show.event.id, role: 'overlay', key: show.overlayKey });
    const lateHeard = heard(late);
    late.socket.disconnect().connect();
    await expect.poll(() => lateHeard).toEqual(['314']);

    expect(readLog(app.services.db, SHOW_LOG, show.event.id).map((e) => e.type)).toEqual(['open']);
    await show.run({ type: 'lockEntropy', entropy: DICE });
    supervisor.socket.emit('entropy:typing', { digits: '2718' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(onAir).toEqual(['314']);
    for (const client of [output, viewer, late]) client.close();
  });
});
