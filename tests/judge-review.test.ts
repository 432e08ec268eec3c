import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import { loadDemoCounty } from '../server/demo/load-demo';
import type { JudgeReview } from '../server/protocol/judge-review';
import { BIASED_SHOW_ROUNDS as ROUNDS, runBiasedShows } from './helpers/biased-shows';
import { JUDGE_NAMES } from './helpers/show-script';
import { loginCookie, SUPERVISOR_PASSWORD, testApp } from './helpers/test-app';

/**
 * The judges' report over real stored shows: two closed events of five judges, one drawn from each
 * of two units, with 张代表 (seat 3) scoring the first unit's cadres 8 points above the others.
 * The report is read back through the supervisor's routes, as JSON, CSV and XLSX.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let supervisor: string;
let units: string[];
const get = async (url: string, cookie = supervisor) => app.inject({ method: 'GET', url, headers: { cookie } });

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-01-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  units = await runBiasedShows(app, base);
  supervisor = await loginCookie(app, 'supervisor', SUPERVISOR_PASSWORD);
}, 60_000);
afterAll(async () => {
  await close?.();
});

describe('judges’ report over stored shows', () => {
  it('flags 张代表 high for the unit they favoured, and no one else', async () => {
    const response = await get('/api/judge-review?from=2026-01-01&to=2026-12-31');
    expect(response.statusCode, response.body).toBe(200);
    const review = response.json<JudgeReview>();
    expect(review.events.map((e) => e.title)).toEqual(['春季电视抽查', '秋季电视抽查']);
    expect(review.rounds).toBe(2 * ROUNDS);
    expect(review.judges.map((j) => j.judge)).toEqual(JUDGE_NAMES);
    const biased = review.judges.find((j) => j.judge === '张代表');
    expect(biased?.flags).toContainEqual(
      expect.objectContaining({ kind: 'high', dimension: 'unit', group: units[0], rounds: ROUNDS }),
    );
    expect(biased?.flags.find((f) => f.dimension === 'unit')?.valueHundredths).toBeGreaterThanOrEqual(700);
    for (const judge of review.judges.filter((j) => j.judge !== '张代表')) expect(judge.flags, judge.judge).toEqual([]);
    expect(biased).toMatchObject({ rounds: 2 * ROUNDS, trimmedHigh: ROUNDS });
  });

  it('counts the recheck asked of seat 2 and the correction of seat 4, and reads the corrected score', async () => {
    const review = (await get('/api/judge-review?from=2026-10-01&to=2026-10-31')).json<JudgeReview>();
    expect(review.events.map((e) => e.title)).toEqual(['秋季电视抽查']);
    const byName = Object.fromEntries(review.judges.map((j) => [j.judge, j]));
    expect(byName['李政协']).toMatchObject({ rechecks: 1, corrections: 0 });
    expect(byName['刘专家']).toMatchObject({ corrections: 1, rechecks: 0 });
    const corrected = review.rows.find((r) => r.corrected);
    expect(corrected).toMatchObject({ round: 2, seat: 4, scoreHundredths: 8500 });
    // One event's report: the same figures through ?event=.
    const one = (
      await get(`/api/judge-review?from=2026-01-01&to=2026-12-31&event=${review.events[0]?.id}`)
    ).json<JudgeReview>();
    expect(one.judges).toEqual(review.judges);
  });

  it('exports the report as XLSX sheets and a CSV with Chinese headers', async () => {
    const review = (await get('/api/judge-review?from=2026-01-01&to=2026-12-31')).json<JudgeReview>();
    const xlsx = await get('/api/judge-review.xlsx?from=2026-01-01&to=2026-12-31');
    expect(xlsx.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const judges = workbook.getWorksheet('评委汇总') as ExcelJS.Worksheet;
    expect(judges.getRow(1).getCell(1).value).toBe('评委');
    expect(judges.rowCount).toBe(1 + JUDGE_NAMES.length);
    expect(String(judges.getRow(4).getCell(11).value)).toContain(`持续偏高：单位「${units[0]}」`);
    expect(workbook.getWorksheet('逐轮明细')?.rowCount).toBe(1 + review.rows.length);
    expect(workbook.getWorksheet('分组偏差')?.rowCount).toBe(
      1 + review.judges.reduce((n, j) => n + j.groups.length, 0),
    );
    const csv = await get('/api/judge-review.csv?from=2026-01-01&to=2026-12-31');
    const lines = csv.body
      .replace(/^\ufeff/u, '')
      .trim()
      .split('\r\n');
    expect(lines[0]?.split(',').slice(0, 3)).toEqual(['评委', '席位', '评分轮数']);
    expect(lines).toHaveLength(1 + JUDGE_NAMES.length);
  });

  it('is for supervisors only: an operator is refused, the public must log in', async () => {
    const operator = await loginCookie(app);
    for (const url of ['/api/judge-review', '/api/judge-review.csv', '/api/judge-review.xlsx']) {
      const query = `${url}?from=2026-01-01&to=2026-12-31`;
      expect((await get(query, operator)).json<{ error: { code: string } }>().error.code, url).toBe('AUTH_FORBIDDEN');
      expect((await app.inject({ method: 'GET', url: query })).statusCode, url).toBe(401);
    }
  });
});
