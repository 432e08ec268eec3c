import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ErrorBody } from '../server/protocol/errors';
import type { GridView, ImportResult, SearchResult, AuditeeDetail, ImportRejection } from '../server/protocol/registry';
import {
  CADRE_HEADER,
  cadreRows,
  csvBytes,
  GRID_HEADER,
  GRID_ROWS,
  HOUSEHOLD_HEADER,
  householdRows,
} from './helpers/roster-fixture';
import { multipart } from './helpers/multipart';
import { loginCookie, SUPERVISOR_PASSWORD, testApp } from './helpers/test-app';
import { registryDigest } from './helpers/db-snapshot';

let app: FastifyInstance;
let close: () => Promise<void>;
let cookie: string;

beforeEach(async () => {
  ({ app, close } = await testApp({ maxUploadBytes: 64 * 1024 }));
  cookie = await loginCookie(app);
});
afterEach(async () => close());

const fixtureUpload = () =>
  multipart([
    { name: '网格.csv', content: csvBytes(GRID_HEADER, GRID_ROWS, 'gbk') },
    { name: '干部.csv', content: csvBytes(CADRE_HEADER, cadreRows(), 'utf8-bom') },
    { name: '联系户.csv', content: csvBytes(HOUSEHOLD_HEADER, householdRows()) },
  ]);

async function upload(body = fixtureUpload(), withCookie = cookie) {
  return app.inject({
    method: 'POST',
    url: '/api/programs/cadre-household/imports',
    headers: { ...body.headers, cookie: withCookie },
    payload: body.payload,
  });
}

describe('staff login', () => {
  it('refuses a wrong password with AUTH_INVALID_CREDENTIALS and sets no cookie', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'operator', password: 'wrong' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json<ErrorBody>().error.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('rate-limits repeated failures, even with the right password afterwards', async () => {
    for (let i = 0; i < 5; i += 1) {
      await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'supervisor', password: `guess${i}` },
      });
    }
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'supervisor', password: SUPERVISOR_PASSWORD },
    });
    expect(response.statusCode).toBe(429);
    expect(response.json<ErrorBody>().error.code).toBe('AUTH_RATE_LIMITED');
  });

  it('sets an HttpOnly, SameSite=Strict session cookie and knows who is logged in', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'operator', password: 'operator-test-pass' },
    });
    expect(String(response.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/u);
    // A lifetime (12 h), never a date from the server's clock: a browser whose clock differs keeps it.
    expect(String(response.headers['set-cookie'])).toMatch(/Max-Age=43200/u);
    expect(String(response.headers['set-cookie'])).not.toMatch(/Expires=/iu);
    const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(me.json()).toEqual({ username: 'operator', role: 'operator', programs: null, mustSetPassword: false });
  });

  it('requires a session for every registry route', async () => {
    for (const url of [
      '/api/programs',
      '/api/programs/cadre-household/grid',
      '/api/programs/cadre-household/roster-versions',
      '/api/programs/cadre-household/search?q=1',
      '/api/programs/cadre-household/templates/auditees.csv',
    ]) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(401);
      expect(response.json<ErrorBody>().error.code).toBe('AUTH_REQUIRED');
    }
    const logout = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
    expect(logout.statusCode).toBe(200);
    const after = await app.inject({ method: 'GET', url: '/api/programs', headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });
});

describe('registry over HTTP', () => {
  it('says the roster is empty before any import', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/programs/cadre-household/grid',
      headers: { cookie },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json<ErrorBody>().error.code).toBe('ROSTER_EMPTY');
  });

  it('imports an upload of mixed encodings and serves the grid, a cadre and search with masked phones', async () => {
    const imported = await upload();
    expect(imported.statusCode, imported.body).toBe(200);
    const result = imported.json<ImportResult>();
    expect(result.status).toBe('created');
    expect(result.files.map((f) => [f.kind, f.encoding])).toEqual([
      ['grid', 'GBK/GB18030'],
      ['auditees', 'UTF-8（带 BOM）'],
      ['contacts', 'UTF-8'],
    ]);

    const county = (
      await app.inject({ method: 'GET', url: '/api/programs/cadre-household/grid', headers: { cookie } })
    ).json<GridView>();
    expect(county.totals).toEqual({ auditees: 4, contacts: 20 });
    expect(county.children.map((c) => [c.name, c.leader, c.auditees, c.contacts])).toEqual([
      ['城关街道', '许云辉', 2, 10],
      ['许家湖镇', '张梅', 2, 10],
    ]);

    const village = (
      await app.inject({
        method: 'GET',
        url: `/api/programs/cadre-household/grid?town=${encodeURIComponent('城关街道')}&area=${encodeURIComponent('东片')}&village=${encodeURIComponent('东岭社区')}`,
        headers: { cookie },
      })
    ).json<GridView>();
    expect(village.level).toBe('village');
    expect(village.auditees.map((a) => [a.number, a.name, a.phoneMasked, a.contacts])).toEqual([
      ['00001', '张三', '100****5678', 5],
    ]);

    const detail = (
      await app.inject({ method: 'GET', url: '/api/programs/cadre-household/auditees/00001', headers: { cookie } })
    ).json<AuditeeDetail>();
    expect(detail.contacts).toHaveLength(5);
    expect(detail.contacts[0]?.phoneMasked).toBe('100****0001');
    expect(JSON.stringify(detail)).not.toMatch(/10000000001|10012345678/u);

    const byName = (
      await app.inject({
        method: 'GET',
        url: `/api/programs/cadre-household/search?q=${encodeURIComponent('欧阳')}`,
        headers: { cookie },
      })
    ).json<SearchResult>();
    expect(byName.auditees.map((a) => a.number)).toEqual(['00002']);
    const byNumber = (
      await app.inject({ method: 'GET', url: '/api/programs/cadre-household/search?q=1000', headers: { cookie } })
    ).json<SearchResult>();
    expect(byNumber.contacts.map((c) => c.number)).toEqual(['10001', '10002', '10003', '10004', '10005']);
    const wildcard = (
      await app.inject({ method: 'GET', url: '/api/programs/cadre-household/search?q=%25', headers: { cookie } })
    ).json<SearchResult>();
    expect(wildcard.auditees).toEqual([]);
  });

  it('answers a bad upload with IMPORT_INVALID listing file, row, column and message, and writes nothing', async () => {
    await upload();
    const before = registryDigest(app.services.db);
    const rows = cadreRows();
    (rows[1] as string[])[9] = '12345';
    const response = await upload(multipart([{ name: '干部-错误.csv', content: csvBytes(CADRE_HEADER, rows) }]));
    expect(response.statusCode).toBe(422);
    const body = response.json<ErrorBody>();
    expect(body.error.code).toBe('IMPORT_INVALID');
    expect((body.error.details as ImportRejection).problems).toEqual([
      {
        file: '干部-错误.csv',
        row: 3,
        column: '手机号',
        code: 'MALFORMED_PHONE',
        message: '手机号格式不正确：「12345」（应为 11 位手机号或带区号的固定电话）',
      },
    ]);
    expect(registryDigest(app.services.db)).toBe(before);
  });

  it('refuses an upload over the size limit with FILE_TOO_LARGE', async () => {
    const response = await upload(multipart([{ name: 'huge.csv', content: Buffer.alloc(70 * 1024, 0x41) }]));
    expect(response.statusCode).toBe(422);
    const details = response.json<ErrorBody>().error.details as ImportRejection;
    expect(details.problems[0]?.code).toBe('FILE_TOO_LARGE');
  });

  it('lets a supervisor browse but not import', async () => {
    const supervisor = await loginCookie(app, 'supervisor', SUPERVISOR_PASSWORD);
    const response = await upload(fixtureUpload(), supervisor);
    expect(response.statusCode).toBe(403);
    expect(response.json<ErrorBody>().error.code).toBe('AUTH_FORBIDDEN');
  });

  it('serves templates that import back once filled in', async () => {
    const csv = await app.inject({
      method: 'GET',
      url: '/api/programs/cadre-household/templates/auditees.csv',
      headers: { cookie },
    });
    expect(csv.headers['content-disposition']).toMatch(/filename\*=UTF-8''/u);
    expect(csv.body.replace(/^\ufeff/u, '').trim()).toBe(CADRE_HEADER.join(','));
    const xlsx = await app.inject({
      method: 'GET',
      url: '/api/programs/teacher-parent/templates/contacts.xlsx',
      headers: { cookie },
    });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const filled = Buffer.concat([csv.rawPayload, csvBytes([], cadreRows())]);
    const response = await upload(
      multipart([
        { name: 'grid.csv', content: csvBytes(GRID_HEADER, GRID_ROWS) },
        { name: 'template-filled.csv', content: filled },
        { name: 'households.csv', content: csvBytes(HOUSEHOLD_HEADER, householdRows()) },
      ]),
    );
    expect(response.statusCode, response.body).toBe(200);
  });

  it('validates query strings with VALIDATION_FAILED and unknown routes with NOT_FOUND', async () => {
    const tooLong = await app.inject({
      method: 'GET',
      url: `/api/programs/cadre-household/search?q=${'1'.repeat(100)}`,
      headers: { cookie },
    });
    expect(tooLong.json<ErrorBody>().error.code).toBe('VALIDATION_FAILED');
    const missing = await app.inject({ method: 'GET', url: '/api/nothing-here', headers: { cookie } });
    expect(missing.json<ErrorBody>().error.code).toBe('NOT_FOUND');
    const program = await app.inject({ method: 'GET', url: '/api/programs/unknown/grid', headers: { cookie } });
    expect(program.json<ErrorBody>().error.code).toBe('PROGRAM_NOT_FOUND');
  });
});
