import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../server/demo/load-demo';
import { RESULT_SHEET_TITLE, RESULT_SHEETS } from '../server/protocol/results';
import type { ShowSnapshot } from '../server/protocol/show';
import { DEMO_PLAN } from './helpers/draw-fixture';
import { ScriptedShow } from './helpers/show-script';
import { loginCookie, testApp } from './helpers/test-app';

/**
 * The results exports of a whole show, read back as the 组织部 would open them: the XLSX has a sheet
 * for rounds, households, judges' scores (every version, by seat and criterion), replacements,
 * corrections and the log, each with the expected rows; each sheet is also a CSV; formula-looking
 * text stays text; households appear by number and masked name, never by phone.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let show: ScriptedShow;
let cookie: string;
let snapshot: ShowSnapshot;
const FORMULA_REASON = '=1+2 回放录音后更正';

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  cookie = await loginCookie(app);
  show = await ScriptedShow.create(app, base, {
    rollSeconds: 2,
    plan: { ...DEMO_PLAN, auditees: { mode: 'total', count: 2 }, contactsPerAuditee: 4 },
  });
  await show.open();
  await show.entropyAndReveal();
  for (let round = 0; round < 2; round += 1) {
    await show.run({ type: 'drawAuditee' });
    if (round === 0) await show.run({ type: 'replaceAuditee', reason: 'TRIP' });
    await show.run({ type: 'presentAuditee' });
    await show.run({ type: 'startReport' });
    await show.run({ type: 'endReport' });
    await show.run({ type: 'drawHouseholds' });
    await show.callHouseholds([
      { outcome: '属实', satisfaction: '满意' },
      { outcome: round === 1 ? '不符' : '属实', satisfaction: '基本满意' },
    ]);
    if (round === 0) {
      const household = show.round.households.find((h) => h.outcome === '属实') as { number: string };
      await show.run({
        type: 'correctOutcome',
        household: household.number,
        outcome: '属实',
        satisfaction: '不满意',
        reason: FORMULA_REASON,
      });
    }
    await show.run({ type: 'openJudging' });
    await show.judgesScore([86, 90, 84, 92, 60]);
    await show.run({ type: 'lockJudging' });
    if (round === 0) await show.run({ type: 'correctScore', seat: 5, items: [88], reason: '评委本人确认录入有误' });
    await show.run({ type: 'revealScores' });
    await show.run({ type: 'showResult' });
  }
  await show.run({ type: 'close' });
  snapshot = app.services.shows.snapshot(show.event.id, 'staff');
}, 120_000);
afterAll(async () => {
  show?.close();
  await close?.();
});

const get = (url: string) => app.inject({ method: 'GET', url, headers: { cookie } });

async function workbook(): Promise<ExcelJS.Workbook> {
  const response = await get(`/api/events/${show.event.id}/results.xlsx`);
  expect(response.statusCode).toBe(200);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
  return book;
}

/** A sheet's data rows (under the title row and the header row), as text. */
function rowsOf(sheet: ExcelJS.Worksheet): string[][] {
  const rows: string[][] = [];
  sheet.eachRow((row, n) => {
    if (n > 2) rows.push((row.values as unknown[]).slice(1).map((v) => (v === undefined ? '' : String(v))));
  });
  return rows;
}

describe('the results exports', () => {
  it('has every sheet, in Chinese, with the expected rows', async () => {
    const book = await workbook();
    expect(book.worksheets.map((s) => s.name)).toEqual(RESULT_SHEETS.map((s) => RESULT_SHEET_TITLE[s]));
    const sheet = (key: (typeof RESULT_SHEETS)[number]) =>
      book.getWorksheet(RESULT_SHEET_TITLE[key]) as ExcelJS.Worksheet;
    const households = snapshot.rounds.flatMap((r) => r.households);
    const log = app.services.shows.recordLog(show.event.id);

    const rounds = rowsOf(sheet('rounds'));
    expect(rounds).toHaveLength(2);
    expect(sheet('rounds').getRow(2).getCell(20).value).toBe('反映不符户数');
    expect(rounds[1]?.[19]).toBe('2');
    expect(rounds[1]?.[21]).toContain('2 户反映情况不符');

    const householdRows = rowsOf(sheet('households'));
    expect(householdRows).toHaveLength(households.length);
    expect(householdRows.filter((r) => r[6] === '不符')).toHaveLength(2);
    expect(householdRows.filter((r) => r[8] === '未接通')).toHaveLength(2);
    for (const [i, h] of households.entries()) {
      expect(householdRows[i]?.[2]).toBe(h.number);
      expect(householdRows[i]?.[3]).not.toBe(h.name);
      expect(householdRows[i]?.[3]).toContain('*');
      expect(householdRows[i]?.join('')).not.toContain(h.phone.replace(/\D/gu, ''));
    }

    // Five seats in two rounds, and seat 5's corrected version in round 1: eleven versions.
    const judges = rowsOf(sheet('judges'));
    expect(judges).toHaveLength(11);
    const seat5 = judges.filter((r) => r[0] === '1' && r[2] === '5');
    expect(seat5.map((r) => [r[5], r[8], r[10]])).toEqual([
      ['提交', '60.00', '否（已被取代）'],
      ['更正', '88.00', '是（有效版本）'],
    ]);
    expect(seat5[1]?.[9]).toBe('评委本人确认录入有误');

    const replacements = rowsOf(sheet('replacements'));
    expect(replacements.map((r) => [r[0], r[1], r[4]])).toEqual([
      ['1', '被抽查人员', '出差'],
      ['1', '核实户', '未接通'],
      ['2', '核实户', '未接通'],
    ]);
    expect(replacements[0]?.[5]).toBe(`${snapshot.rounds[0]?.auditee.number} ${snapshot.rounds[0]?.auditee.name}`);

    const corrections = rowsOf(sheet('corrections'));
    expect(corrections.map((r) => [r[1], r[3], r[4]])).toEqual([
      ['核实结果', '属实，满意', '属实，不满意'],
      ['评委评分', '60.00', '88.00'],
    ]);
    // Text that looks like a formula is written as text, never run.
    expect(corrections[0]?.[5]).toBe(`'${FORMULA_REASON}`);
    expect(corrections[0]?.[7]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/u);

    const logRows = rowsOf(sheet('log'));
    expect(logRows).toHaveLength(log.length);
    expect(logRows.map((r) => r[6])).toEqual(log.map((e) => e.hash));
    expect(logRows[0]?.[2]).toBe(log[0]?.at);
  });

  it('gives each sheet as a CSV, the rounds by default, and refuses an unknown sheet', async () => {
    const book = await workbook();
    for (const sheet of RESULT_SHEETS) {
      const response = await get(`/api/events/${show.event.id}/results.csv?sheet=${sheet}`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      const lines = response.body.split('\r\n').filter(Boolean);
      const expected = rowsOf(book.getWorksheet(RESULT_SHEET_TITLE[sheet]) as ExcelJS.Worksheet).length;
      // Cells may hold line breaks only inside quotes; none of these do.
      expect(lines, sheet).toHaveLength(expected + 1);
    }
    const plain = await get(`/api/events/${show.event.id}/results.csv`);
    expect(plain.body.split('\r\n')[0]).toContain('轮次,人员编号,姓名');
    const corrections = await get(`/api/events/${show.event.id}/results.csv?sheet=corrections`);
    expect(corrections.body).toContain(`'${FORMULA_REASON}`);
    const unknown = await get(`/api/events/${show.event.id}/results.csv?sheet=phones`);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<{ error: { code: string } }>().error.code).toBe('VALIDATION_FAILED');
  });
});
