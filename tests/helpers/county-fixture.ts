import type { FastifyInstance } from 'fastify';
import { defaultPlan } from '../../server/draw-engine/default-plan';
import type { Followups } from '../../server/protocol/followups';
import { loginCookie } from './test-app';
import { insertHistory } from './history-fixture';
import { ScriptedShow } from './show-script';

async function runCheck(
  app: FastifyInstance,
  base: string,
  programCode: string,
  title: string,
  eventDate: string,
  televised: boolean,
): Promise<ScriptedShow> {
  const plan = defaultPlan(eventDate, {
    programCode,
    eligibility: { ...defaultPlan(eventDate).eligibility, contactsRequireConsent: false },
    auditees: { mode: 'total', count: 2 },
    contactsPerAuditee: 2,
  });
  const show = await ScriptedShow.create(app, base, {
    title,
    eventDate,
    plan,
    rollSeconds: 2,
    mode: televised ? 'televised' : 'routine',
  });
  await show.runToClose();
  return show;
}

/** What `seedCounty` wrote: the closed shows (to close), and the fixture history's row count. */
export interface CountyFixture {
  cadreShow: ScriptedShow;
  teacherCheck: ScriptedShow;
  lastYearCheck: ScriptedShow;
  historyRows: number;
  close: () => void;
}

/**
 * Two programs' audits on a demo county (load it first, roster version `versionId`): 2026's fixture
 * history of 干部联系群众 (6 monthly checks of 10, 2 shows of 4), a real televised show of it
 * (2026-03-20, 2 rounds), a real routine check of 教师联系家长 (2026-04-15, 2 rounds) and one of
 * the year before (2025-11-15). Rectifications through the API: for the cadres one overdue
 * (待整改) and one 整改中 not yet due; for the teachers one overdue and one 已核验; last year's 已整改.
 */
export async function seedCounty(app: FastifyInstance, base: string, versionId: number): Promise<CountyFixture> {
  const cookie = await loginCookie(app);
  const historyRows = insertHistory(app.services.db, { versionId, checks: 6, perCheck: 10, shows: 2, perShow: 4 });
  const cadreShow = await runCheck(app, base, 'cadre-household', '干部作风电视抽查', '2026-03-20', true);
  const teacherCheck = await runCheck(app, base, 'teacher-parent', '教师家访日常抽查', '2026-04-15', false);
  const lastYearCheck = await runCheck(app, base, 'teacher-parent', '上年教师家访抽查', '2025-11-15', false);
  const send = async (url: string, payload: Record<string, unknown>) => {
    const response = await app.inject({ method: 'POST', url, headers: { cookie }, payload });
    if (response.statusCode !== 200) throw new Error(response.body);
    return response.json<Followups>();
  };
  const register = async (program: string, show: ScriptedShow, round: number, deadline: string) => {
    const { items } = await send('/api/followups', {
      program,
      auditeeNumber: show.snapshot.rounds[round]?.auditee.number as string,
      eventId: show.event.id,
      item: '入户走访记录不全，补齐台账',
      owner: '联系干部本人',
      deadline,
    });
    return Math.max(...items.map((i) => i.id));
  };
  const setStatus = (id: number, status: string) => send(`/api/followups/${id}/status`, { status, note: '' });
  await register('cadre-household', cadreShow, 0, '2026-01-31');
  await setStatus(await register('cadre-household', cadreShow, 1, '2099-12-31'), '整改中');
  await register('teacher-parent', teacherCheck, 0, '2026-02-28');
  await setStatus(await register('teacher-parent', teacherCheck, 1, '2026-02-28'), '已核验');
  await setStatus(await register('teacher-parent', lastYearCheck, 0, '2026-01-31'), '已整改');
  return {
    cadreShow,
    teacherCheck,
    lastYearCheck,
    historyRows,
    close: () => [cadreShow, teacherCheck, lastYearCheck].forEach((s) => s.close()),
  };
}
