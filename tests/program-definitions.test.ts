import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoCounty } from '../server/demo/load-demo';
import type { DrawView } from '../server/protocol/draw';
import type { ProgramDefinitions, ProgramFields } from '../server/protocol/programs';
import type { ProgramDto } from '../server/protocol/registry';
import { verifyBundle, type DrawBundle } from '../server/verify/bundle';
import { definitionHash } from '../server/registry/programs';
import { canonicalJson } from '../server/draw-engine/canonical-json';
import { DEMO_PLAN } from './helpers/draw-fixture';
import { ScriptedShow } from './helpers/show-script';
import { ADMIN_PASSWORD, loginCookie, testApp } from './helpers/test-app';

/**
 * Programs a department defines (issue 22): the administrator's versions on a real database, a
 * sealed plan naming the version with its questionnaire, answers recorded on a real show, and the
 * bundle whose household scores `npm run verify` and the Python reference recompute (and refuse
 * once an answer or a point is changed).
 */
const ROOT = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'choucha-programs-'));
let app: FastifyInstance;
let close: () => Promise<void>;
let base: string;
let admin: string;

const QUESTIONNAIRE: ProgramFields['questionnaire'] = {
  questions: [
    {
      text: '是否上门走访',
      options: [
        { label: '是', points: 30 },
        { label: '否', points: 0 },
      ],
    },
    {
      text: '是否讲解政策',
      options: [
        { label: '是', points: 20 },
        { label: '部分', points: 10 },
        { label: '否', points: 0 },
      ],
    },
    {
      text: '问题是否解决',
      options: [
        { label: '已解决', points: 30 },
        { label: '正在解决', points: 15 },
        { label: '未解决', points: 0 },
      ],
    },
  ],
};
const CADRE: ProgramFields = {
  name: '干部联系群众',
  department: '县委组织部',
  auditeeLabel: '干部',
  contactLabel: '户',
  unitLabel: '单位',
  questionnaire: QUESTIONNAIRE,
  householdScoreRule: 'questionnaire',
};

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 60, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  admin = await loginCookie(app, 'admin', ADMIN_PASSWORD);
});
afterAll(async () => {
  await close?.();
});

const definitions = async () =>
  (await app.inject({ url: '/api/program-definitions', headers: { cookie: admin } })).json<ProgramDefinitions>();

describe('program versions', () => {
  it('the built-ins are version 1 with no questionnaire; staff read programs with version and rule', async () => {
    const list = await definitions();
    expect(list.map((p) => [p.code, p.builtin, p.current.definition.version, p.versions.length])).toEqual([
      ['cadre-household', true, 1, 1],
      ['teacher-parent', true, 1, 1],
      ['medic-patient', true, 1, 1],
      ['study-group', true, 1, 1],
    ]);
    const first = list[0]?.current;
    expect(first?.definition).toMatchObject({ questionnaire: { questions: [] }, householdScoreRule: 'satisfaction' });
    expect(first?.hash).toBe(definitionHash(first?.definition as never));
    const staff = await app.inject({ url: '/api/programs', headers: { cookie: await loginCookie(app) } });
    expect(staff.json<ProgramDto[]>()[1]).toMatchObject({
      code: 'teacher-parent',
      department: '县教育局',
      version: 1,
      householdScoreRule: 'satisfaction',
    });
  });

  it('only the administrator defines programs; creating one and editing it makes versions, old ones kept', async () => {
    const operator = await loginCookie(app);
    const body = {
      code: 'after-school',
      ...CADRE,
      name: '校外培训家访',
      department: '县教育局',
      auditeeLabel: '教师',
      contactLabel: '家长',
      unitLabel: '学校',
    };
    const refused = await app.inject({
      method: 'POST',
      url: '/api/program-definitions',
      headers: { cookie: operator },
      payload: body,
    });
    expect(refused.json<{ error: { code: string } }>().error.code).toBe('AUTH_FORBIDDEN');
    const created = await app.inject({
      method: 'POST',
      url: '/api/program-definitions',
      headers: { cookie: admin },
      payload: body,
    });
    expect(created.statusCode).toBe(200);
    const again = await app.inject({
      method: 'POST',
      url: '/api/program-definitions',
      headers: { cookie: admin },
      payload: body,
    });
    expect(again.json<{ error: { code: string } }>().error.code).toBe('PROGRAM_EXISTS');

    const { code: _code, ...fields } = body;
    const unchanged = await app.inject({
      method: 'PUT',
      url: '/api/program-definitions/after-school',
      headers: { cookie: admin },
      payload: fields,
    });
    expect(unchanged.json<{ error: { code: string } }>().error.code).toBe('PROGRAM_UNCHANGED');
    const invalid = await app.inject({
      method: 'PUT',
      url: '/api/program-definitions/after-school',
      headers: { cookie: admin },
      payload: { ...fields, questionnaire: { questions: [] } },
    });
    expect(invalid.json<{ error: { code: string; message: string } }>().error).toEqual({
      code: 'PROGRAM_INVALID',
      message: '按问卷计分须至少有一道题',
    });
    const tooMany = await app.inject({
      method: 'PUT',
      url: '/api/program-definitions/after-school',
      headers: { cookie: admin },
      payload: {
        ...fields,
        questionnaire: { questions: [{ text: '是否上门', options: [{ label: '是', points: 1 }] }] },
      },
    });
    expect(tooMany.json<{ error: { code: string } }>().error.code).toBe('VALIDATION_FAILED');

    const edited = await app.inject({
      method: 'PUT',
      url: '/api/program-definitions/after-school',
      headers: { cookie: admin },
      payload: { ...fields, name: '校外培训家访抽查' },
    });
    const program = edited.json<ProgramDefinitions>().find((p) => p.code === 'after-school');
    expect(program?.versions.map((v) => [v.definition.version, v.definition.name, v.createdBy])).toEqual([
      [2, '校外培训家访抽查', 'admin'],
      [1, '校外培训家访', 'admin'],
    ]);
    expect(program?.current.definition.version).toBe(2);
    // The stored text is the definition's canonical JSON, and never changes.
    const stored = app.services.db
      .prepare("SELECT definition, hash FROM program_versions WHERE program_code = 'after-school' AND version = 1")
      .get() as { definition: string; hash: string };
    expect(stored.definition).toBe(canonicalJson(program?.versions[1]?.definition));
    expect(stored.hash).toBe(program?.versions[1]?.hash);
    expect(() => app.services.db.prepare("UPDATE program_versions SET hash = 'x'").run()).toThrow(/immutable/u);
  });
});

function save(bundle: unknown, name: string): string {
  const path = join(work, `${name}.json`);
  writeFileSync(path, JSON.stringify(bundle));
  return path;
}
function cli(path: string): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['tsx', join(ROOT, 'scripts', 'verify.ts'), path], { cwd: ROOT });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (status) => resolve({ status, stdout: out }));
  });
}
const python = (path: string) => {
  const result = spawnSync('python3', [join(ROOT, 'docs', 'reference', 'verify_draw.py'), path], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout + result.stderr };
};
const failed = (bundle: DrawBundle) =>
  verifyBundle(bundle)
    .checks.filter((c) => !c.ok)
    .map((c) => c.id);

describe('a show under a questionnaire', () => {
  let bundle: DrawBundle;
  let eventId = '';

  beforeAll(async () => {
    const saved = await app.inject({
      method: 'PUT',
      url: '/api/program-definitions/cadre-household',
      headers: { cookie: admin },
      payload: CADRE,
    });
    expect(saved.statusCode).toBe(200);
    const show = await ScriptedShow.create(app, base, {
      mode: 'routine',
      plan: { ...DEMO_PLAN, auditees: { mode: 'total', count: 1 }, contactsPerAuditee: 4 },
    });
    await show.open();
    await show.entropyAndReveal();
    await show.run({ type: 'drawAuditee' });
    await show.run({ type: 'presentAuditee' });
    await show.run({ type: 'drawHouseholds' });
    // The first is replaced (no answer); then 180, 155 and 55 points of 180.
    await show.callHouseholds([
      { outcome: '属实', satisfaction: '满意', answers: [0, 0, 0] },
      { outcome: '属实', satisfaction: '满意', answers: [0, 1, 1] },
      { outcome: '不符', satisfaction: '不满意', answers: [1, 2, 2] },
      { outcome: '未联系上', satisfaction: null },
    ]);
    const round = show.snapshot.rounds[0];
    expect(show.snapshot.questionnaire).toMatchObject({ version: 2, householdScoreRule: 'questionnaire' });
    expect(round?.households.filter((h) => h.replaced === null).map((h) => [h.answers, h.scoreHundredths])).toEqual([
      [[0, 0, 0], 10_000],
      [[0, 1, 1], 8611],
      [[1, 2, 2], 3056],
      [null, null],
    ]);
    await show.run({ type: 'finishRound' });
    await show.run({ type: 'close' });
    const drawId = show.snapshot.draw.drawId;
    eventId = show.event.id;
    const view = (await app.inject({ url: `/api/draws/${drawId}` })).json<DrawView>();
    expect(view.plan.program).toMatchObject({
      version: 2,
      householdScoreRule: 'questionnaire',
      questionnaire: QUESTIONNAIRE,
    });
    bundle = JSON.parse((await app.inject({ url: `/api/draws/${drawId}/bundle` })).body) as DrawBundle;
    show.close();
  }, 60_000);

  it("the round's households' score follows the questionnaire's points", () => {
    const households = bundle.show?.rounds[0]?.score?.households;
    // (180 + 155 + 55) × 10000 ÷ (3 × 180) = 7222.2 → 7222
    expect(households).toMatchObject({
      counted: 3,
      scoreHundredths: 7222,
      questionnaire: { possiblePoints: 180, earnedTotal: 390 },
    });
    expect(bundle.show?.rounds[0]?.score?.combinedHundredths).toBe(7222);
    expect(bundle.show?.rounds[0]?.households.map((h) => h.answers ?? null)).toEqual([
      null,
      [0, 0, 0],
      [0, 1, 1],
      [1, 2, 2],
      null,
    ]);
  });

  it('the export carries each household’s answers in words and its score', async () => {
    const csv = await app.inject({
      url: `/api/events/${eventId}/results.csv?sheet=households`,
      headers: { cookie: await loginCookie(app) },
    });
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.split('\n');
    expect(lines[0]).toMatch(/问卷回答,户得分/u);
    expect(lines.find((l) => l.includes('是否上门走访：是；是否讲解政策：部分；问题是否解决：正在解决'))).toMatch(
      /,86\.11/u,
    );
  });

  it('the printed record shows each answer in words and the household score', async () => {
    const page = await app.inject({ url: `/events/${eventId}/record`, headers: { cookie: await loginCookie(app) } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('问卷：是 / 部分 / 正在解决');
    expect(page.body).toContain('满意（户得分 86.11）');
  });

  it('the bundle verifies in TypeScript, `npm run verify` and Python', async () => {
    expect(failed(bundle)).toEqual([]);
    const path = save(bundle, 'questionnaire');
    const ran = await cli(path);
    expect(ran.stdout).toMatch(/household/iu);
    expect(ran.status).toBe(0);
    const py = python(path);
    expect(py.stdout).toMatch(/ALL CHECKS PASSED/u);
    expect(py.status).toBe(0);
  }, 60_000);

  it('a changed answer or a changed point is refused', async () => {
    const answer = structuredClone(bundle);
    const households = answer.show?.rounds[0]?.households ?? [];
    (households[1] as { answers?: number[] }).answers = [1, 0, 0];
    expect(failed(answer)).toEqual(['show-scores']);
    expect(python(save(answer, 'answer')).status).toBe(1);

    // The published score raised to match the changed answer: still refused (the log says otherwise).
    const both = structuredClone(answer);
    const score = both.show?.rounds[0]?.score;
    if (score?.households.questionnaire) {
      score.households.questionnaire.earnedTotal -= 30;
      score.households.scoreHundredths = 6667;
    }
    expect(failed(both)).toContain('show-scores');

    const points = structuredClone(bundle);
    const option = points.plan.program?.questionnaire.questions[0]?.options[1];
    if (option) option.points = 30;
    expect(failed(points)).toContain('plan-hash');
    const py = python(save(points, 'points'));
    expect(py.status).toBe(1);
    expect(py.stdout).toMatch(/FAIL plan/u);
    const ran = await cli(save(points, 'points-cli'));
    expect(ran.status).not.toBe(0);
  }, 60_000);
});
