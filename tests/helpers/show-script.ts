import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { DrawPlan } from '../../server/protocol/draw';
import type { CommandAck, EventSummary, SeatView, ShowCommandBody, ShowSnapshot } from '../../server/protocol/show';
import { DEMO_PLAN } from './draw-fixture';
import { ShowClient } from './show-client';
import { loginCookie, SUPERVISOR_PASSWORD } from './test-app';
import { rolesFor } from '../../server/protocol/show-commands';

/** Public entropy as a notary would type it from dice. */
export const DICE = '31415926535897932384626433';

export const JUDGE_NAMES = ['王人大', '李政协', '张代表', '刘专家', '陈群众'];

/**
 * A sealed event with five judges, driven through the real server by a staff socket, step by
 * step, as the console would. Used by the overlay tests and the bench.
 */
export class ScriptedShow {
  private constructor(
    readonly app: FastifyInstance,
    readonly base: string,
    readonly event: EventSummary,
    readonly overlayKey: string,
    readonly staff: ShowClient,
    readonly seats: SeatView[],
    /** The notary's own secret (generated here as on the notary's device), when the plan calls for one. */
    readonly notarySecret: string | null,
  ) {}

  private supervisorClient: ShowClient | null = null;

  /** The supervisor's (notary's) console socket, connected on first use. */
  async supervisor(): Promise<ShowClient> {
    if (this.supervisorClient === null) {
      const cookie = await loginCookie(this.app, 'supervisor', SUPERVISOR_PASSWORD);
      this.supervisorClient = await ShowClient.connect(
        this.base,
        { eventId: this.event.id, role: 'staff', label: '测试监督员控制台' },
        cookie,
      );
    }
    return this.supervisorClient;
  }

  static async create(
    app: FastifyInstance,
    base: string,
    options: {
      title?: string;
      plan?: DrawPlan;
      rollSeconds?: number;
      reportMinutes?: number;
      /** How many judges' seats (the first of JUDGE_NAMES); five when not said. */
      judges?: number;
      /** Auditee numbers each seat must not score (by seat number). */
      recusals?: Record<number, string[]>;
      eventDate?: string;
      /** Run a rehearsal copy of the sealed event instead of the event itself. */
      rehearsal?: boolean;
      /** A routine or special check: no judges, no report. */
      mode?: 'televised' | 'special' | 'routine';
      /** A notary's committed secret joins the seed (plan `notary: 'required'`), registered before sealing. */
      notary?: boolean;
      /** Whose desk declares, seals and runs the show (a department's operator); the county's operator when not said. */
      operatorCookie?: string;
    } = {},
  ): Promise<ScriptedShow> {
    const cookie = options.operatorCookie ?? (await loginCookie(app));
    const basePlan = options.plan ?? {
      ...DEMO_PLAN,
      auditees: { mode: 'total' as const, count: 2 },
      contactsPerAuditee: 4,
    };
    const plan: DrawPlan = options.notary ? { ...basePlan, notary: 'required' } : basePlan;
    const judges = JUDGE_NAMES.slice(0, options.judges ?? JUDGE_NAMES.length).map((name, i) => ({
      seat: i + 1,
      name,
      pin: `${i + 1}`.repeat(4),
      recusals: options.recusals?.[i + 1] ?? [],
    }));
    const created = await app.inject({
      method: 'POST',
      url: '/api/events',
      headers: { cookie },
      payload: {
        title: options.title ?? '示范县干部作风电视抽查',
        eventDate: options.eventDate ?? '2026-11-26',
        venue: '县广播电视台演播厅',
        mode: options.mode ?? 'televised',
        settings: {
          plan,
          reportMinutes: options.reportMinutes ?? 5,
          rollSeconds: options.rollSeconds ?? 4,
          judges: (options.mode ?? 'televised') === 'televised' ? judges : [],
        },
      },
    });
    if (created.statusCode !== 200) throw new Error(created.body);
    let id = created.json<EventSummary>().id;
    const notarySecret = options.notary ? randomBytes(32).toString('hex') : null;
    // Registered for a rehearsal too: the event it copies is sealed first, and its plan needs the
    // commitment; the rehearsal copy then gets a server-simulated notary of its own.
    if (notarySecret !== null) {
      const registered = await app.inject({
        method: 'PUT',
        url: `/api/events/${id}/notary-commitment`,
        headers: { cookie: await loginCookie(app, 'supervisor', SUPERVISOR_PASSWORD) },
        payload: { commitment: createHash('sha256').update(Buffer.from(notarySecret, 'hex')).digest('hex') },
      });
      if (registered.statusCode !== 200) throw new Error(registered.body);
    }
    const sealed = await app.inject({ method: 'POST', url: `/api/events/${id}/seal`, headers: { cookie } });
    if (sealed.statusCode !== 200) throw new Error(sealed.body);
    if (options.rehearsal) {
      const copy = await app.inject({ method: 'POST', url: `/api/events/${id}/rehearsal`, headers: { cookie } });
      if (copy.statusCode !== 200) throw new Error(copy.body);
      id = copy.json<EventSummary>().id;
    }
    // A rehearsal's notary is simulated by the server: nothing for the test's notary to reveal.
    return ScriptedShow.attach(app, base, id, options.rehearsal ? null : notarySecret, cookie);
  }

  /** The event's rehearsal copy (演练), sealed and driven like any show. */
  async rehearsal(): Promise<ScriptedShow> {
    const cookie = await loginCookie(this.app);
    const copy = await this.app.inject({
      method: 'POST',
      url: `/api/events/${this.event.id}/rehearsal`,
      headers: { cookie },
    });
    if (copy.statusCode !== 200) throw new Error(copy.body);
    return ScriptedShow.attach(this.app, this.base, copy.json<EventSummary>().id, null);
  }

  private static async attach(
    app: FastifyInstance,
    base: string,
    id: string,
    notarySecret: string | null,
    operatorCookie?: string,
  ): Promise<ScriptedShow> {
    const cookie = operatorCookie ?? (await loginCookie(app));
    const details = (await app.inject({ method: 'GET', url: `/api/events/${id}`, headers: { cookie } })).json<{
      event: EventSummary;
      overlayKey: string;
    }>();
    const seats = (await app.inject({ method: 'GET', url: `/api/events/${id}/seats`, headers: { cookie } })).json<
      SeatView[]
    >();
    const staff = await ShowClient.connect(base, { eventId: id, role: 'staff', label: '测试操作台' }, cookie);
    return new ScriptedShow(app, base, details.event, details.overlayKey, staff, seats, notarySecret);
  }

  /** A seat's join link, as printed on the seat's sheet. */
  joinUrl(seat: number): string {
    return `${this.base}${this.seats.find((s) => s.seat === seat)?.joinPath ?? ''}`;
  }

  overlayUrl(query = ''): string {
    return `${this.base}/overlay?event=${this.event.id}&key=${encodeURIComponent(this.overlayKey)}${query}`;
  }

  get snapshot(): ShowSnapshot {
    return this.staff.latest;
  }

  get round(): ShowSnapshot['rounds'][number] {
    const round = this.snapshot.rounds.at(-1);
    if (!round) throw new Error('no round yet');
    return round;
  }

  /**
   * Sends one command from the console whose role may send it (the supervisor's for the entropy and
   * the notary's secret) and waits until the staff socket has the new state.
   */
  async run(command: ShowCommandBody): Promise<ShowSnapshot> {
    const byOperator = rolesFor(command.type).includes('operator');
    const client = byOperator ? this.staff : await this.supervisor();
    if (!byOperator) await client.until(this.staff.latest.revision);
    const ack: CommandAck = await client.send(command);
    if (!ack.ok) throw new Error(`${command.type}: ${ack.error.code} ${ack.error.message}`);
    return this.staff.until(ack.revision);
  }

  async open(): Promise<void> {
    await this.run({ type: 'open' });
  }

  /** Sends a command from the supervisor's console (abandoning after the seed is the notary's alone). */
  async runAsSupervisor(command: ShowCommandBody): Promise<ShowSnapshot> {
    const client = await this.supervisor();
    await client.until(this.staff.latest.revision);
    const ack: CommandAck = await client.send(command);
    if (!ack.ok) throw new Error(`${command.type}: ${ack.error.code} ${ack.error.message}`);
    return this.staff.until(ack.revision);
  }

  /** The notary locks the dice, the server reveals its secret, then the notary reveals theirs. */
  async entropyAndReveal(): Promise<void> {
    await this.run({ type: 'lockEntropy', entropy: DICE });
    await this.run({ type: 'reveal' });
    if (this.notarySecret !== null) await this.run({ type: 'revealNotary', secret: this.notarySecret });
  }

  /** Records every pending household: the first is replaced (no answer), the rest answer. */
  async callHouseholds(
    answers: { outcome: '属实' | '不符' | '未联系上'; satisfaction: string | null; answers?: number[] }[],
  ): Promise<void> {
    let first = true;
    let i = 0;
    for (;;) {
      const pending = this.round.households.find((h) => h.replaced === null && h.outcome === null);
      if (!pending) return;
      await this.run({ type: 'setCallStatus', household: pending.number, callStatus: '呼叫中' });
      if (first) {
        first = false;
        await this.run({ type: 'setCallStatus', household: pending.number, callStatus: '未接通' });
        await this.run({ type: 'replaceHousehold', household: pending.number, reason: 'NO_ANSWER' });
        continue;
      }
      const answer = answers[i % answers.length] as (typeof answers)[number];
      i += 1;
      await this.run({ type: 'setCallStatus', household: pending.number, callStatus: '已接通' });
      await this.run({
        type: 'recordOutcome',
        household: pending.number,
        outcome: answer.outcome,
        satisfaction: answer.satisfaction as never,
        ...(answer.answers ? { answers: answer.answers } : {}),
      });
    }
  }

  /** Each judge joins its seat from a tablet and submits a score for the current round. */
  async judgesScore(scores: (number | number[])[]): Promise<void> {
    const round = this.round;
    for (const [i, score] of scores.entries()) {
      const seat = this.seats[i] as SeatView;
      const token = new URL(`http://x${seat.joinPath}`).searchParams.get('token') as string;
      const joined = await this.app.inject({
        method: 'POST',
        url: '/api/judges/join',
        payload: { eventId: this.event.id, seat: seat.seat, token, pin: seat.pin, deviceId: `tablet-${seat.seat}-x` },
      });
      if (joined.statusCode !== 200) throw new Error(joined.body);
      const judge = await ShowClient.connect(this.base, {
        eventId: this.event.id,
        role: 'judge',
        key: joined.json<{ judgeKey: string }>().judgeKey,
      });
      const ack = await judge.socket.timeout(5000).emitWithAck('judge:submit', {
        submissionId: randomUUID().replace(/-/gu, ''),
        round: round.index,
        auditeeNumber: round.auditee.number,
        items: Array.isArray(score) ? score : [score],
      });
      judge.close();
      if (!ack.ok) throw new Error(`judge ${seat.seat}: ${ack.error.code}`);
      await this.staff.until(ack.revision);
    }
  }

  /** Opens the show and runs every planned round to its result, then closes it. */
  async runToClose(scores: number[] = [88, 90, 86, 92, 85]): Promise<void> {
    await this.open();
    await this.entropyAndReveal();
    for (let i = 0; i < this.snapshot.draw.plannedRounds; i += 1) {
      await this.run({ type: 'drawAuditee' });
      await this.run({ type: 'presentAuditee' });
      if (this.snapshot.judgeSeats === 0) {
        await this.run({ type: 'drawHouseholds' });
        await this.callHouseholds([{ outcome: '属实', satisfaction: '满意' }]);
        await this.run({ type: 'finishRound' });
        continue;
      }
      await this.run({ type: 'startReport' });
      await this.run({ type: 'endReport' });
      await this.run({ type: 'drawHouseholds' });
      await this.callHouseholds([
        { outcome: '属实', satisfaction: '满意' },
        { outcome: '属实', satisfaction: '基本满意' },
      ]);
      await this.run({ type: 'openJudging' });
      await this.judgesScore(scores);
      await this.run({ type: 'lockJudging' });
      await this.run({ type: 'revealScores' });
      await this.run({ type: 'showResult' });
    }
    await this.run({ type: 'close' });
  }

  close(): void {
    this.supervisorClient?.close();
    this.staff.close();
  }
}
