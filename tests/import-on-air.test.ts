import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadDemoCounty } from '../server/demo/load-demo';
import type { ErrorBody } from '../server/protocol/errors';
import { registryDigest } from './helpers/db-snapshot';
import { multipart } from './helpers/multipart';
import {
  CADRE_HEADER,
  cadreRows,
  csvBytes,
  GRID_HEADER,
  GRID_ROWS,
  HOUSEHOLD_HEADER,
  householdRows,
  writeTemp,
} from './helpers/roster-fixture';
import { ScriptedShow } from './helpers/show-script';
import { loginCookie, testApp } from './helpers/test-app';

/**
 * A roster import holds the database's write lock for a second or more: while a televised show
 * is on air it would stall every step on the program output, so it waits until the show closes.
 */
let app: FastifyInstance;
let close: () => Promise<void>;
let dir: string;
let base: string;
let cookie: string;
const shows: ScriptedShow[] = [];

const ROOT = join(import.meta.dirname, '..');
const files = {
  '网格.csv': csvBytes(GRID_HEADER, GRID_ROWS),
  '干部.csv': csvBytes(CADRE_HEADER, cadreRows()),
  '联系户.csv': csvBytes(HOUSEHOLD_HEADER, householdRows()),
};

function upload() {
  const body = multipart(Object.entries(files).map(([name, content]) => ({ name, content })));
  return app.inject({
    method: 'POST',
    url: '/api/programs/cadre-household/imports',
    headers: { ...body.headers, cookie },
    payload: body.payload,
  });
}

function importOnCommandLine() {
  const paths = Object.entries(files).map(([name, content]) => writeTemp(dir, name, content));
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'scripts', 'import.ts'), '--db', app.services.db.name, ...paths],
    { cwd: ROOT, encoding: 'utf8' },
  );
}

async function show(options: Parameters<typeof ScriptedShow.create>[2]): Promise<ScriptedShow> {
  const created = await ScriptedShow.create(app, base, { rollSeconds: 2, ...options });
  shows.push(created);
  return created;
}

beforeAll(async () => {
  ({ app, close, dir } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-01-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  cookie = await loginCookie(app);
});
afterAll(async () => {
  for (const s of shows) s.close();
  await close?.();
});

it('refuses a roster import from the console and the command line while a televised show is on air', async () => {
  const onAir = await show({ title: '直播中的作风抽查' });
  await onAir.open();
  const before = registryDigest(app.services.db);

  const response = await upload();
  expect(response.statusCode).toBe(409);
  const body = response.json<ErrorBody>();
  expect(body.error.code).toBe('IMPORT_DURING_LIVE_SHOW');
  expect(body.error.message).toContain('「直播中的作风抽查」正在直播');

  const cli = importOnCommandLine();
  expect(cli.status, cli.stderr).toBe(2);
  expect(cli.stderr).toContain('IMPORT_DURING_LIVE_SHOW');
  expect(cli.stderr).toContain('直播结束后再导入');
  expect(registryDigest(app.services.db)).toBe(before);

  // Once the show is closed, the same import goes through.
  await onAir.entropyAndReveal();
  await onAir.run({ type: 'close' });
  expect(onAir.snapshot.status).toBe('closed');
  const after = await upload();
  expect(after.statusCode, after.body).toBe(200);
  expect(after.json<{ status: string }>().status).toBe('created');
});

it('lets an import through while a routine check without outputs is in progress', async () => {
  const routine = await show({ title: '日常抽查', mode: 'routine' });
  await routine.open();
  expect(routine.snapshot.status).toBe('live');
  const cli = importOnCommandLine();
  expect(cli.status, cli.stderr).toBe(0);
  expect(cli.stdout).toContain('内容与当前版本'); // the same files as the console's import above
});
