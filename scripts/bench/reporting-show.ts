import type { buildApp } from '../../server/app';
import { loadDemoCounty } from '../../server/demo/load-demo';
import { defaultPlan } from '../../server/draw-engine/default-plan';
import { senderOf } from './sender';

type App = Awaited<ReturnType<typeof buildApp>>;

/**
 * A sealed one-cadre event on a 300-cadre demo county, run up to the report: pausing and resuming
 * its timer repeats from here as often as a bench needs, each a real step of the show.
 */
export async function reportingShow(app: App, title: string): Promise<{ eventId: string; revision: number }> {
  await loadDemoCounty(app.services.db, { now: new Date().toISOString(), cadres: 300, teachers: 10 });
  const { events, shows } = app.services;
  const plan = defaultPlan(new Date().toISOString().slice(0, 10), {
    auditees: { mode: 'total', count: 1 },
    contactsPerAuditee: 3,
  });
  const settings = { plan, reportMinutes: 5, rollSeconds: 4 };
  const draft = events.createEvent(
    { title, eventDate: plan.eventDate, venue: '', mode: 'televised', settings },
    'bench',
  );
  const eventId = events.sealEvent(draft.id, 'bench').id;
  let revision = 0;
  for (const command of [
    { type: 'open' },
    { type: 'lockEntropy', entropy: '12345678901234567890' },
    { type: 'reveal' },
    { type: 'drawAuditee' },
    { type: 'presentAuditee' },
    { type: 'startReport' },
  ] as const) {
    const ack = shows.command(
      eventId,
      { revision, idempotencyKey: `${title}-setup-${revision}`, command },
      'bench',
      senderOf(command.type),
    );
    if (!ack.ok) throw new Error(ack.error.message);
    revision = ack.revision;
  }
  return { eventId, revision };
}

/** Signs a staff account in and returns its session cookie (`name=value`), for a socket's headers. */
export async function sessionCookie(base: string, username: string, password: string): Promise<string> {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!login.ok) throw new Error(`login ${username}: ${login.status}`);
  return (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
}
