/**
 * Judges under load for `npm run bench`: 15 tablets submit at the same moment, 20 rounds, and some
 * lose their connection right after sending and send again when they are back (same submission
 * id). Counts lost and duplicated scores, and the time from the last submission to the operator's
 * count of 15.
 */
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { buildApp } from '../../server/app';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { defaultPlan } from '../../server/draw-engine/default-plan';
import type {
  ClientToServerEvents,
  CommandAck,
  ServerToClientEvents,
  ShowCommandBody,
  ShowSnapshot,
} from '../../server/protocol/show';
import { readLog, SHOW_LOG } from '../../server/store/log-store';
import { type BenchRecord, judged, median } from './record';
import { senderOf } from './sender';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const JUDGES = 15;
const ROUNDS = 20;

/** A small deterministic generator for which tablets drop (no Math.random in benches either). */
function* dropPattern(): Generator<boolean> {
  let x = 2463534242;
  for (;;) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    yield (x >>> 0) % 5 === 0; // about one tablet in five per round
  }
}

export async function benchJudgesLoad(records: BenchRecord[], work: string): Promise<void> {
  const password = 'bench-operator-pass';
  const app = await buildApp({ dbPath: join(work, 'judges.db'), initialPasswords: { operator: password } });
  await loadDemoCounty(app.services.db, { now: new Date().toISOString(), cadres: 300, teachers: 10 });
  const { events, shows } = app.services;
  const plan = defaultPlan(new Date().toISOString().slice(0, 10), {
    auditees: { mode: 'total', count: ROUNDS },
    contactsPerAuditee: 1,
    replacementCaps: { auditees: 0, contactsPerAuditee: 0 },
  });
  const judges = Array.from({ length: JUDGES }, (_, i) => ({
    seat: i + 1,
    name: `评委${i + 1}`,
    pin: String(1000 + i),
    recusals: [],
  }));
  const draft = events.createEvent(
    {
      title: '评委压力测试',
      eventDate: plan.eventDate,
      venue: '',
      mode: 'televised',
      settings: { plan, reportMinutes: 1, rollSeconds: 2, judges },
    },
    'bench',
  );
  const eventId = events.sealEvent(draft.id, 'bench').id;
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'operator', password }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;

  const connect = (auth: Record<string, unknown>, headers?: Record<string, string>) =>
    new Promise<Client>((resolve, reject) => {
      const socket: Client = io(base, {
        auth,
        transports: ['websocket'],
        forceNew: true,
        reconnectionDelay: 50,
        reconnectionDelayMax: 200,
        ...(headers ? { extraHeaders: headers } : {}),
      });
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });

  const operator = await connect({ eventId, role: 'staff', label: 'bench' }, { cookie });
  let latest: ShowSnapshot | null = null;
  const waiters: { test: (s: ShowSnapshot) => boolean; resolve: (at: number) => void }[] = [];
  operator.on('show:snapshot', (snapshot) => {
    latest = snapshot;
    for (const waiter of [...waiters]) {
      if (waiter.test(snapshot)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(performance.now());
      }
    }
  });
  const until = (test: (s: ShowSnapshot) => boolean) =>
    new Promise<number>((resolve) => {
      if (latest && test(latest)) resolve(performance.now());
      else waiters.push({ test, resolve });
    });
  let key = 0;
  const run = (command: ShowCommandBody) => {
    const ack: CommandAck = shows.command(
      eventId,
      { revision: shows.revision(eventId), idempotencyKey: `judges-load-${(key += 1)}`, command },
      'bench',
      senderOf(command.type),
    );
    if (!ack.ok) throw new Error(`${command.type}: ${ack.error.message}`);
  };

  const tablets: Client[] = [];
  for (const judge of judges) {
    const token = app.services.db
      .prepare('SELECT token FROM judge_seats WHERE event_id = ? AND seat = ?')
      .pluck()
      .get(eventId, judge.seat) as string;
    const { judgeKey } = await app.services.seats.joinSeat(
      {
        eventId,
        seat: judge.seat,
        token,
        pin: judge.pin,
        deviceId: `bench-${judge.seat}-dev`,
      },
      '127.0.0.1',
    );
    tablets.push(await connect({ eventId, role: 'judge', key: judgeKey }));
  }

  const drops = dropPattern();
  const delays: number[] = [];
  let dropped = 0;
  try {
    run({ type: 'open' });
    run({ type: 'lockEntropy', entropy: '31415926535897932384626433' });
    run({ type: 'reveal' });
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const type of ['drawAuditee', 'presentAuditee', 'startReport', 'endReport', 'drawHouseholds'] as const)
        run({ type });
      const current = shows.snapshot(eventId, 'staff').rounds[round] as ShowSnapshot['rounds'][number];
      for (const h of current.households) {
        run({ type: 'recordOutcome', household: h.number, outcome: '属实', satisfaction: '满意' });
      }
      run({ type: 'openJudging' });
      await until((s) => s.rounds[round]?.step === 'judging');
      // Every tablet sends at the same moment; some lose the connection at once and send again.
      const pressedAt = performance.now();
      const sends = tablets.map(async (tablet, i) => {
        const submission = {
          submissionId: `r${round}s${i + 1}x`.padEnd(12, '0'),
          round,
          auditeeNumber: current.auditee.number,
          items: [60 + ((i * 7 + round) % 40)],
        };
        const drop = drops.next().value as boolean;
        if (drop) {
          dropped += 1;
          tablet.emit('judge:submit', submission, () => undefined);
          tablet.io.engine.close(); // the Wi-Fi drops right after sending
          await new Promise<void>((resolve) => tablet.once('connect', () => resolve()));
        }
        for (;;) {
          try {
            const ack = await tablet.timeout(5000).emitWithAck('judge:submit', submission);
            if (!ack.ok) throw new Error(`seat ${i + 1}: ${ack.error.code}`);
            return;
          } catch (error) {
            if ((error as Error).message.startsWith('seat')) throw error;
          }
        }
      });
      const counted = until((s) => s.rounds[round]?.judging.submitted === JUDGES);
      await Promise.all(sends);
      const countedAt = await counted;
      delays.push(countedAt - pressedAt);
      run({ type: 'lockJudging' });
      run({ type: 'revealScores' });
      run({ type: 'showResult' });
    }
  } finally {
    for (const tablet of tablets) tablet.disconnect();
    operator.disconnect();
  }

  const log = readLog(app.services.db, SHOW_LOG, eventId).filter((e) => e.type === 'submitScore');
  const final = shows.snapshot(eventId, 'staff');
  const lost = final.rounds.reduce((n, r) => n + (JUDGES - (r.judging.scores?.length ?? 0)), 0);
  const bySeatRound = new Map<string, number>();
  for (const entry of log) {
    const p = entry.payload as { seat: number; round: number };
    bySeatRound.set(`${p.round}:${p.seat}`, (bySeatRound.get(`${p.round}:${p.seat}`) ?? 0) + 1);
  }
  const duplicated = [...bySeatRound.values()].reduce((n, c) => n + (c - 1), 0);
  records.push(
    judged(
      {
        name: `judges: ${JUDGES} tablets × ${ROUNDS} rounds at once, ${dropped} dropped right after sending — scores lost`,
        value: lost,
        unit: '',
      },
      { text: '0', test: (r) => r.value === 0 },
    ),
  );
  records.push(
    judged(
      { name: 'judges: scores recorded twice', value: duplicated, unit: '' },
      { text: '0', test: (r) => r.value === 0 },
    ),
  );
  records.push({
    name: 'judges: 15 press 提交 at once (some dropping) → operator sees 15/15, median',
    value: median(delays),
    unit: 'ms',
  });
  records.push({
    name: 'judges: 15 press 提交 at once (some dropping) → operator sees 15/15, worst',
    value: Math.max(...delays),
    unit: 'ms',
  });
  await app.close();
}
