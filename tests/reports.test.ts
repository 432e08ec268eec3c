import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import { loadDemoCounty } from '../server/demo/load-demo';
import type { Report } from '../server/protocol/reports';
import { loginCookie, testApp } from './helpers/test-app';
import { insertHistory } from './helpers/history-fixture';
import { defaultPlan } from '../server/draw-engine/default-plan';

/**
 * Reports over the audit history, checked against figures recomputed here from the raw rows with
 * independent (floating-point) arithmetic.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let cookie: string;

interface RawRecord {
  placement: Record<string, string>;
  households: { sampled: number; reached: number; counted: number; confirmed: number; satisfied: number };
  combinedHundredths: number | null;
  judgesHundredths: number | null;
  tier: string | null;
}
const raw = () =>
  (
    app.services.db.prepare('SELECT audited_on, mode, result FROM audit_history').all() as {
      audited_on: string;
      mode: string;
      result: string;
    }[]
  ).map((r) => ({ on: r.audited_on, mode: r.mode, record: JSON.parse(r.result) as RawRecord }));

const pct = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 10_000));
const avg = (values: number[]) =>
  values.length === 0 ? null : Math.round(values.reduce((s, v) => s + v, 0) / values.length);

function recompute(rows: ReturnType<typeof raw>) {
  const sum = (key: keyof RawRecord['households']) => rows.reduce((s, r) => s + r.record.households[key], 0);
  return {
    audited: rows.length,
    households: sum('sampled'),
    verifiedRate: pct(sum('confirmed'), sum('reached')),
    satisfactionRate: pct(sum('satisfied'), sum('counted')),
    responseRate: pct(sum('reached'), sum('sampled')),
    averageCombined: avg(
      rows.flatMap((r) => (r.record.combinedHundredths === null ? [] : [r.record.combinedHundredths])),
    ),
    averageJudges: avg(rows.flatMap((r) => (r.record.judgesHundredths === null ? [] : [r.record.judgesHundredths]))),
  };
}

const get = async (query: string) => {
  const response = await app.inject({
    method: 'GET',
    url: `/api/reports?program=cadre-household&${query}`,
    headers: { cookie },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Report>();
};

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-01-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  const versionId = app.services.draws.preview(defaultPlan('2026-01-01')).rosterVersionId;
  insertHistory(app.services.db, { versionId, checks: 12, perCheck: 20, shows: 4, perShow: 5 });
  cookie = await loginCookie(app);
});
afterAll(async () => {
  await close?.();
});

describe('reports', () => {
  it('gives the county’s and each 乡镇’s figures for the year, as recomputed from the raw rows', async () => {
    const rows = raw();
    expect(rows).toHaveLength(260);
    const report = await get('by=town&from=2026-01-01&to=2026-12-31');
    expect(report.total).toMatchObject(recompute(rows));
    const towns = new Set(rows.map((r) => r.record.placement.town));
    expect(report.groups.map((g) => g.name).sort()).toEqual([...towns].sort());
    for (const group of report.groups) {
      expect(group, group.name).toMatchObject(recompute(rows.filter((r) => r.record.placement.town === group.name)));
    }
    // Ranked by average combined score, best first; ranks count from 1.
    const combined = report.groups.map((g) => g.averageCombined ?? -1);
    expect(combined).toEqual([...combined].sort((a, b) => b - a));
    expect(report.groups[0]?.rank).toBe(1);
    expect(report.months.map((m) => m.month)).toEqual(
      Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`),
    );
    for (const month of report.months) {
      expect(month).toMatchObject(recompute(rows.filter((r) => r.on.startsWith(month.month))));
    }
  });

  it('limits to a period, a kind of audit, and groups by unit or industry', async () => {
    const rows = raw();
    const spring = await get('by=unit&from=2026-04-01&to=2026-06-30');
    expect(spring.total).toMatchObject(recompute(rows.filter((r) => r.on >= '2026-04-01' && r.on <= '2026-06-30')));
    const shows = await get('by=industry&from=2026-01-01&to=2026-12-31&mode=televised');
    expect(shows.total.audited).toBe(20);
    expect(shows.total).toMatchObject(recompute(rows.filter((r) => r.mode === 'televised')));
    for (const group of shows.groups) {
      expect(group).toMatchObject(
        recompute(rows.filter((r) => r.mode === 'televised' && r.record.placement.industry === group.name)),
      );
    }
  });

  it('exports the report to XLSX, which reopens with the same figures', async () => {
    const report = await get('by=town&from=2026-01-01&to=2026-12-31');
    const response = await app.inject({
      method: 'GET',
      url: '/api/reports.xlsx?program=cadre-household&by=town&from=2026-01-01&to=2026-12-31',
      headers: { cookie },
    });
    expect(response.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('按乡镇') as ExcelJS.Worksheet;
    for (const [i, group] of report.groups.entries()) {
      const row = sheet.getRow(3 + i);
      expect(row.getCell(2).value).toBe(group.name);
      expect(row.getCell(3).value).toBe(String(group.audited));
    }
    expect(workbook.getWorksheet('按月')?.rowCount).toBe(13);
  });

  it('prints a 通报 for the period, and keeps reports from anyone not logged in', async () => {
    const report = await get('by=town&from=2026-01-01&to=2026-12-31');
    const notice = await app.inject({
      method: 'GET',
      url: '/reports/notice?program=cadre-household&by=town&from=2026-01-01&to=2026-12-31',
      headers: { cookie },
    });
    expect(notice.body).toContain(`本期共抽查 ${report.total.audited} 人次`);
    expect(notice.body).toContain(report.groups.at(-1)?.name as string);
    for (const url of ['/api/reports', '/api/reports.xlsx', '/reports/notice']) {
      const response = await app.inject({
        method: 'GET',
        url: `${url}?program=cadre-household&by=town&from=2026-01-01&to=2026-12-31`,
      });
      expect(response.statusCode, url).toBe(401);
    }
  });
});
