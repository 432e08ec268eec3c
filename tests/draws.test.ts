import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app';
import { loadDemoCounty } from '../server/demo/load-demo';
import type { ErrorBody } from '../server/protocol/errors';
import type { DrawPlan, DrawView, PoolPreview } from '../server/protocol/draw';
import type { DrawBundle } from '../server/verify/bundle';
import { verifyBundle } from '../server/verify/bundle';
import { generateDemoCounty } from '../server/demo/demo-county';
import { loginCookie, OPERATOR_PASSWORD, SUPERVISOR_PASSWORD, testApp } from './helpers/test-app';

const ROOT = join(import.meta.dirname, '..');
let app: FastifyInstance;
let close: () => Promise<void>;
let dir: string;
let operator: string;
let supervisor: string;

const plan: DrawPlan = {
  version: 1,
  programCode: 'cadre-household',
  eventDate: '2026-11-26',
  eligibility: {
    grid: [],
    units: [],
    industries: [],
    statuses: ['在岗', '请假', '出差'],
    coolDownDays: 90,
    avoid: [{ number: '00003', reason: '与评委有亲属关系' }],
    contactsRequirePhone: true,
    contactsRequireConsent: true,
  },
  auditees: {
    mode: 'strata',
    by: 'town',
    quotas: [
      { stratum: '城关街道', count: 1 },
      { stratum: '龙泉街道', count: 1 },
    ],
  },
  contactsPerAuditee: 5,
  replacementCaps: { auditees: 2, contactsPerAuditee: 3 },
};

beforeAll(async () => {
  ({ app, close, dir } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 400, teachers: 10 });
  app.services.db
    .prepare(
      "INSERT INTO audit_history (program_code, auditee_number, audited_on, event_id, mode, result) VALUES ('cadre-household', '00019', '2026-10-20', 'old', 'routine', '{}')",
    )
    .run();
  operator = await loginCookie(app);
  supervisor = await loginCookie(app, 'supervisor', SUPERVISOR_PASSWORD);
});
afterAll(async () => close());

async function command(drawId: string, body: object, cookie = operator) {
  return app.inject({ method: 'POST', url: `/api/draws/${drawId}/commands`, headers: { cookie }, payload: body });
}

const code = (response: { json: <T>() => T }) => response.json<ErrorBody>().error.code;

describe('a draw from sealing to the bundle, over HTTP', () => {
  let drawId = '';
  let bundlePath = '';

  it('previews the pool of a plan with its exclusions, before anything is frozen', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/draws/preview',
      headers: { cookie: operator },
      payload: { plan },
    });
    expect(response.statusCode, response.body).toBe(200);
    const preview = response.json<PoolPreview>();
    expect(preview.excluded.avoidance).toBe(1);
    expect(preview.excluded.coolDown).toBe(1);
    expect(preview.strata.map((s) => s.stratum)).toEqual(['城关街道', '龙泉街道']);
    const tooMany = await app.inject({
      method: 'POST',
      url: '/api/draws/preview',
      headers: { cookie: operator },
      payload: { plan: { ...plan, auditees: { mode: 'total', count: 1000 } } },
    });
    expect(tooMany.json<PoolPreview>().problem?.code).toBe('PLAN_POOL_TOO_SMALL');
  });

  it('seals: frozen pool and plan with their hashes and a commitment, no secret, no seed', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/draws',
      headers: { cookie: operator },
      payload: { title: '示范县干部作风电视抽查', plan },
    });
    expect(response.statusCode, response.body).toBe(200);
    const view = response.json<DrawView>();
    drawId = view.drawId;
    expect(view.status).toBe('sealed');
    expect(view.commitment).toMatch(/^[0-9a-f]{64}$/u);
    expect(view.secret).toBeNull();
    expect(view.seed).toBeNull();
    const publicView = await app.inject({ method: 'GET', url: `/api/draws/${drawId}` });
    expect(publicView.statusCode).toBe(200);
    expect(publicView.json<DrawView>().secret).toBeNull();
    expect(verifyBundle((await app.inject({ method: 'GET', url: `/api/draws/${drawId}/bundle` })).json()).ok).toBe(
      true,
    );
  });

  it('refuses the wrong order of steps and the wrong roles with typed codes', async () => {
    expect(code(await command(drawId, { type: 'reveal' }))).toBe('DRAW_ENTROPY_MISSING');
    expect(code(await command(drawId, { type: 'drawAuditees' }))).toBe('DRAW_NOT_REVEALED');
    // The operator may not type the digits (format 2: only the supervisor, the notary, locks them).
    expect(code(await command(drawId, { type: 'lockEntropy', entropy: '12345678901234567890' }))).toBe(
      'AUTH_FORBIDDEN',
    );
    expect(code(await command(drawId, { type: 'lockEntropy', entropy: '123' }, supervisor))).toBe(
      'DRAW_ENTROPY_INVALID',
    );
    expect(code(await command(drawId, { type: 'lockEntropy', entropy: { digits: 1 } }, supervisor))).toBe(
      'VALIDATION_FAILED',
    );
    expect(code(await command(drawId, { type: 'drawAuditees', extra: true }))).toBe('VALIDATION_FAILED');
    expect(code(await command(drawId, { type: 'redraw' }))).toBe('VALIDATION_FAILED');
    expect(code(await command(drawId, { type: 'reveal' }, supervisor))).toBe('AUTH_FORBIDDEN');
    expect((await command(drawId, { type: 'reveal' }, '')).statusCode).toBe(401);
  });

  it('runs the ceremony: the notary locks entropy, the secret is revealed, auditees and households drawn, replacements made', async () => {
    expect(
      (await command(drawId, { type: 'lockEntropy', entropy: '6 2 4 1 5 3 3 6 1 2 4 5 6 6 1 2 3 4 5 1' }, supervisor))
        .statusCode,
    ).toBe(200);
    expect(code(await command(drawId, { type: 'lockEntropy', entropy: '11111111111111111111' }, supervisor))).toBe(
      'DRAW_ENTROPY_LOCKED',
    );
    const revealed = (await command(drawId, { type: 'reveal' })).json<DrawView>();
    expect(revealed.secret).toMatch(/^[0-9a-f]{64}$/u);
    expect(revealed.seed).toMatch(/^[0-9a-f]{64}$/u);
    const drawn = (await command(drawId, { type: 'drawAuditees' })).json<DrawView>();
    expect(drawn.auditeeStages?.map((s) => s.selections.length)).toEqual([1, 1]);
    expect(code(await command(drawId, { type: 'drawAuditees' }))).toBe('DRAW_STAGE_EXECUTED');

    const first = drawn.auditeeStages?.[0]?.selections[0]?.number as string;
    const replacing = await command(drawId, { type: 'replaceAuditee', number: first, reason: 'LEAVE' });
    expect(replacing.statusCode, replacing.body).toBe(200);
    const replaced = replacing.json<DrawView>();
    const substitute = replaced.auditeeStages?.[0]?.selections[1]?.number as string;
    expect(replaced.auditeeStages?.[0]?.selections[0]?.replaced).toEqual({ reason: 'LEAVE', by: substitute });
    expect(code(await command(drawId, { type: 'replaceAuditee', number: first, reason: 'LEAVE' }))).toBe(
      'DRAW_NOT_SELECTED',
    );

    const withContacts = (await command(drawId, { type: 'drawContacts', auditeeNumber: substitute })).json<DrawView>();
    const households = withContacts.contactStages[0]?.selections ?? [];
    expect(households).toHaveLength(5);
    const after = (
      await command(drawId, {
        type: 'replaceContact',
        auditeeNumber: substitute,
        contactNumber: households[0]?.number,
        reason: 'NO_ANSWER',
      })
    ).json<DrawView>();
    expect(after.replacements).toEqual({ auditees: 1, contacts: 1 });
    expect(after.logLength).toBe(7);
  });

  it('exports a bundle that npm run verify accepts, and any change to it is refused by name', async () => {
    const exported = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/export-bundle.ts',
        drawId,
        '--db',
        join(dir, 'choucha.db'),
        '--out',
        join(dir, 'bundle.json'),
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(exported.status, exported.stderr).toBe(0);
    bundlePath = exported.stdout.trim().split('\n').at(-1) as string;
    const verified = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/verify.ts', bundlePath], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(verified.status, verified.stdout).toBe(0);
    expect(verified.stdout).toMatch(/全部检查通过/u);

    const bundle = JSON.parse((await import('node:fs')).readFileSync(bundlePath, 'utf8')) as DrawBundle;
    bundle.entropy = '62415336124566123452';
    const forged = join(dir, 'forged.json');
    writeFileSync(forged, JSON.stringify(bundle));
    const refused = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/verify.ts', forged], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(refused.status).toBe(1);
    expect(refused.stdout).toMatch(/✗ 种子可复算/u);
  }, 60_000);

  it('checks the roster file too: the demo county’s CSVs rebuild the hash and the pool', async () => {
    const files = generateDemoCounty({ cadres: 400, teachers: 10 });
    const paths = ['grid', 'cadres', 'households'].map((name) => {
      const path = join(dir, `${name}.csv`);
      writeFileSync(path, files[name as 'grid' | 'cadres' | 'households']);
      return path;
    });
    const verified = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/verify.ts', bundlePath, '--roster', ...paths],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(verified.stdout).toMatch(/✓ 名册文件哈希/u);
    expect(verified.stdout).toMatch(/✓ 由名册文件和方案重建名单池/u);
    expect(verified.status, verified.stdout).toBe(0);
  }, 60_000);

  it('keeps names and phones out of the public view and the bundle', async () => {
    const names = app.services.db
      .prepare('SELECT name FROM contacts WHERE version_id = 1 LIMIT 200')
      .pluck()
      .all() as string[];
    const text =
      (await app.inject({ method: 'GET', url: `/api/draws/${drawId}/bundle` })).body +
      (await app.inject({ method: 'GET', url: `/api/draws/${drawId}` })).body;
    expect(text).not.toMatch(/(?<![0-9a-f])100\d{8}(?!\d)/u);
    for (const name of names) expect(text.includes(`"${name}"`)).toBe(false);
  });

  it('comes back identical after a restart: the state is the fold of the log', async () => {
    const before = (await app.inject({ method: 'GET', url: `/api/draws/${drawId}` })).json<DrawView>();
    const again = await buildApp({
      dbPath: join(dir, 'choucha.db'),
      initialPasswords: { operator: OPERATOR_PASSWORD },
    });
    try {
      const after = (await again.inject({ method: 'GET', url: `/api/draws/${drawId}` })).json<DrawView>();
      expect(after).toEqual(before);
    } finally {
      await again.close();
    }
    expect(() => app.services.db.exec(`UPDATE draw_log SET actor = 'x' WHERE draw_id = '${drawId}'`)).toThrow(
      /DRAW_IMMUTABLE/u,
    );
  });
});
