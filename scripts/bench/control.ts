/**
 * A control surface's button, for `npm run bench -- control`: a Companion press (POST with the bearer
 * token, over HTTP) from the send to its answer, and from the send to the tally on the control
 * websocket, against the desk's own command round trip over its socket.io socket in the same run
 * (pausing and resuming the report timer, one after another). Clients run in this process, as
 * Companion would beside a desk: what is compared is the path, not the machine.
 */
import { join } from 'node:path';
import WebSocket from 'ws';
import { io } from 'socket.io-client';
import { buildApp } from '../../server/app';
import { reportingShow, sessionCookie } from './reporting-show';
import type { CommandAck } from '../../server/protocol/show';
import type { ControlDone, ControlState } from '../../server/protocol/control';
import { judged, percentile, type BenchRecord } from './record';

/** Presses per path; at a person's pace (under the token's bucket of 5 a second) they take about 25 s. */
const PRESSES = 100;

export async function benchControl(records: BenchRecord[], work: string): Promise<void> {
  const password = 'bench-operator-pass';
  const app = await buildApp({ dbPath: join(work, 'control.db'), initialPasswords: { operator: password } });
  const { follow, control } = app.services;
  const { eventId, revision: reporting } = await reportingShow(app, 'control bench');
  let revision = reporting;
  follow.follow(eventId, 'bench');
  const { token } = control.tokens.create('bench', 'bench');
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    // The desk: the operator's socket, the same two commands.
    const cookie = await sessionCookie(base, 'operator', password);
    const staff = io(base, {
      auth: { eventId, role: 'staff', label: 'bench' },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie },
    });
    await new Promise<void>((resolve, reject) => {
      staff.once('connect', () => resolve());
      staff.once('connect_error', reject);
    });
    const desk: number[] = [];
    for (let i = 0; i < PRESSES; i += 1) {
      const command = i % 2 === 0 ? ({ type: 'pauseReport' } as const) : ({ type: 'resumeReport' } as const);
      const sent = performance.now();
      const ack = (await staff
        .timeout(30_000)
        .emitWithAck('show:command', { revision, idempotencyKey: `control-desk-${i}`, command })) as CommandAck;
      desk.push(performance.now() - sent);
      if (!ack.ok) throw new Error(`${command.type}: ${ack.error.code}`);
      revision = ack.revision;
    }
    staff.disconnect();

    // Companion: the same presses as HTTP POSTs; the websocket's tally for each.
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/control/v1/ws?token=${token}`);
    const waiting = new Map<number, () => void>();
    ws.on('message', (data) => {
      const state = JSON.parse(String(data)) as ControlState;
      const revisionSeen = state.event?.revision ?? -1;
      for (const [wanted, resolve] of waiting) if (revisionSeen >= wanted) resolve();
    });
    await new Promise((resolve) => ws.once('message', resolve));
    const press: number[] = [];
    const tally: number[] = [];
    for (let i = 0; i < PRESSES; i += 1) {
      const path = i % 2 === 0 ? 'timer/pause' : 'timer/resume';
      const next = revision + 1;
      const seen = new Promise<void>((resolve) => waiting.set(next, resolve));
      const sent = performance.now();
      const response = await fetch(`${base}/api/control/v1/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      const body = (await response.json()) as ControlDone;
      press.push(performance.now() - sent);
      if (response.status !== 200) throw new Error(`${path}: ${JSON.stringify(body)}`);
      await seen;
      tally.push(performance.now() - sent);
      waiting.delete(next);
      revision = body.revision;
      // A person presses a few times a second at most: stay under the token's bucket.
      await new Promise((r) => setTimeout(r, 220));
    }
    ws.close();

    // The first presses run the control path's code for the first time (the desk's is warm by then):
    // shown apart, so the steady figures compare like with like.
    const [first, second, ...warm] = press;
    const warmTally = tally.slice(2);
    const deskP99 = percentile(desk, 99);
    const baseline = { name: 'desk socket p99', value: deskP99 };
    const twiceDesk = { text: '≤ 2× the desk', test: (r: BenchRecord) => (r.ratio ?? Infinity) <= 2 };
    records.push({
      name: 'control surface: first two presses after start (cold path)',
      value: Math.max(first ?? 0, second ?? 0),
      unit: 'ms',
    });
    records.push({ name: 'control surface: press → answer (HTTP), p50', value: percentile(warm, 50), unit: 'ms' });
    records.push(
      judged(
        {
          name: 'control surface: press → answer (HTTP), p99',
          value: percentile(warm, 99),
          unit: 'ms',
          baseline,
          ratio: percentile(warm, 99) / deskP99,
        },
        twiceDesk,
      ),
    );
    records.push(
      judged(
        {
          name: 'control surface: press → tally on its websocket, p99',
          value: percentile(warmTally, 99),
          unit: 'ms',
          baseline,
          ratio: percentile(warmTally, 99) / deskP99,
        },
        twiceDesk,
      ),
    );
  } finally {
    await app.close();
  }
}
