import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import { loadDemoCounty } from '../server/demo/load-demo';
import { defaultPlan } from '../server/draw-engine/default-plan';
import { RECTIFICATION_STATUSES, type Followups } from '../server/protocol/followups';
import type { CountyReport, Report } from '../server/protocol/reports';
import { listPrograms } from '../server/registry/programs';
import { loginCookie, SUPERVISOR_PASSWORD, testApp } from './helpers/test-app';
import { seedCounty, type CountyFixture } from './helpers/county-fixture';

/**
 * The county view over a real SQLite file: real closed shows of two programs (干部联系群众 and
 * 教师联系家长) plus a year of fixture history, rectifications registered through the API
 * (tests/helpers/county-fixture.ts). Each program's figures must be its own report's, and the 整改
 * counts those of its follow-up page.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let cookie: string;
let fixture: CountyFixture;
const YEAR = 'from=2026-01-01&to=2026-12-31';

const get = async <T>(url: string, headers: Record<string, string> = { cookie }) => {
  const response = await app.inject({ method: 'GET', url, headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<T>();
};
const county = (query = YEAR) => get<CountyReport>(`/api/county-report?${query}`);

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-01-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  cookie = await loginCookie(app);
  const versionId = app.services.draws.preview(defaultPlan('2026-01-01')).rosterVersionId;
  fixture = await seedCounty(app, base, versionId);
}, 240_000);
afterAll(async () => {
  fixture?.close();
  await close?.();
});

describe('the county view', () => {
  it('gives each program the figures of its own report, and its units those of its report by unit', async () => {
    const report = await county();
    expect(report.programs.map((p) => p.program.code)).toEqual(listPrograms(app.services.db).map((p) => p.code));
    for (const { program, figures } of report.programs) {
      const own = await get<Report>(`/api/reports?program=${program.code}&by=unit&${YEAR}`);
      expect(figures, program.code).toEqual(own.total);
      const units = report.units.filter((u) => u.program.code === program.code);
      expect(
        units.map((u) => ({ name: u.unit, ...u.figures })),
        program.code,
      ).toEqual(own.groups.map(({ rank: _rank, ...group }) => group));
    }
    const [cadres, teachers] = report.programs;
    expect(cadres?.figures.audited).toBe(fixture.historyRows + 2);
    expect(teachers?.figures.audited).toBe(2);
    expect(report.total.audited).toBe(cadres!.figures.audited + teachers!.figures.audited);
    // The built-ins' departments: 组织部 owns two programs, the bureaus one each.
    expect(report.departments.map((d) => [d.department, d.programs])).toEqual([
      ['县委组织部', ['cadre-household', 'study-group']],
      ['县教育局', ['teacher-parent']],
      ['县卫生健康局', ['medic-patient']],
    ]);
  });

  it('ranks the units of both programs together by average combined score', async () => {
    const { units } = await county();
    expect(new Set(units.map((u) => u.program.code))).toEqual(new Set(['cadre-household', 'teacher-parent']));
    const scores = units.map((u) => u.figures.averageCombined ?? -1);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(units[0]?.rank).toBe(1);
    for (const [i, unit] of units.entries()) {
      const first = units.findIndex(
        (u) =>
          u.figures.averageCombined === unit.figures.averageCombined &&
          u.figures.satisfactionRate === unit.figures.satisfactionRate,
      );
      expect(unit.rank).toBe(first + 1);
      expect(unit.rank).toBeLessThanOrEqual(i + 1);
    }
  });

  it('counts 整改 by status and overdue as the follow-up pages list them, for the period’s rounds', async () => {
    const report = await county();
    const shows = [fixture.cadreShow, fixture.teacherCheck, fixture.lastYearCheck];
    const eventDates = new Map(shows.map((s) => [s.event.id, s.event.eventDate]));
    for (const { program, rectifications } of report.programs) {
      const { items } = await get<Followups>(`/api/followups?program=${program.code}`);
      const inYear = items.filter((i) => (eventDates.get(i.eventId) ?? '').startsWith('2026-'));
      expect(rectifications.total, program.code).toBe(inYear.length);
      for (const status of RECTIFICATION_STATUSES) {
        expect(rectifications.byStatus[status], `${program.code} ${status}`).toBe(
          inYear.filter((i) => i.status === status).length,
        );
      }
      expect(rectifications.overdue, program.code).toBe(inYear.filter((i) => i.overdue).length);
    }
    expect(report.programs[0]?.rectifications).toEqual({
      total: 2,
      byStatus: { 待整改: 1, 整改中: 1, 已整改: 0, 已核验: 0 },
      overdue: 1,
    });
    expect(report.programs[1]?.rectifications).toEqual({
      total: 2,
      byStatus: { 待整改: 1, 整改中: 0, 已整改: 0, 已核验: 1 },
      overdue: 1,
    });
    expect(report.rectifications).toEqual({
      total: 4,
      byStatus: { 待整改: 2, 整改中: 1, 已整改: 0, 已核验: 1 },
      overdue: 2,
    });
    // Last year's check, with its rectification, is in last year's view.
    const lastYear = await county('from=2025-01-01&to=2025-12-31');
    expect(lastYear.total.audited).toBe(2);
    expect(lastYear.rectifications.byStatus.已整改).toBe(1);
  });

  it('limits to a kind of audit, and to the programs an account may see', async () => {
    const routine = await county(`${YEAR}&mode=routine`);
    expect(routine.programs[0]?.figures.audited).toBe(6 * 10);
    expect(routine.programs[1]?.figures.audited).toBe(2);
    expect(routine.rectifications.total).toBe(2);
    const teachersOnly = app.services.county.report({ from: '2026-01-01', to: '2026-12-31' }, ['teacher-parent']);
    expect(teachersOnly.programs.map((p) => p.program.code)).toEqual(['teacher-parent']);
    expect(teachersOnly.units.every((u) => u.program.code === 'teacher-parent')).toBe(true);
    expect(teachersOnly.total).toEqual((await county()).programs[1]?.figures);
  });

  it('exports the view to XLSX, which reopens with the same figures', async () => {
    const report = await county();
    const response = await app.inject({ method: 'GET', url: `/api/county-report.xlsx?${YEAR}`, headers: { cookie } });
    expect(response.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const programs = workbook.getWorksheet('按项目') as ExcelJS.Worksheet;
    for (const [i, p] of report.programs.entries()) {
      const row = programs.getRow(3 + i);
      expect(row.getCell(1).value).toBe(p.program.name);
      expect(row.getCell(3).value).toBe(String(p.figures.audited));
      expect(row.getCell(11).value).toBe(p.rectifications.total);
    }
    const units = workbook.getWorksheet('单位排名') as ExcelJS.Worksheet;
    expect(units.rowCount).toBe(report.units.length + 1);
    expect(units.getRow(2).getCell(2).value).toBe(report.units[0]?.unit);
    expect(workbook.getWorksheet('按部门')?.rowCount).toBe(report.departments.length + 1);
  });

  it('is for staff only, and refuses a malformed period', async () => {
    for (const url of ['/api/county-report', '/api/county-report.xlsx']) {
      const response = await app.inject({ method: 'GET', url: `${url}?${YEAR}` });
      expect(response.statusCode, url).toBe(401);
    }
    const supervisor = await loginCookie(app, 'supervisor', SUPERVISOR_PASSWORD);
    expect((await get<CountyReport>(`/api/county-report?${YEAR}`, { cookie: supervisor })).total.audited).toBe(
      (await county()).total.audited,
    );
    const bad = await app.inject({
      method: 'GET',
      url: '/api/county-report?from=2026-1-1&to=2026-12-31',
      headers: { cookie },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { code: string } }>().error.code).toBe('VALIDATION_FAILED');
  });
});
