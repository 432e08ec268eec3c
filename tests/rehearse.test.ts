import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadDemoCounty } from '../server/demo/load-demo';
import { OPERATOR_PASSWORD, SUPERVISOR_PASSWORD, testApp } from './helpers/test-app';
import { tempDir } from './helpers/roster-fixture';

const ROOT = join(import.meta.dirname, '..');

function run(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', script), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stdout += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout }));
  });
}

let app: FastifyInstance;
let close: () => Promise<void>;
let port = '';

beforeAll(async () => {
  ({ app, close } = await testApp());
  await loadDemoCounty(app.services.db, { now: '2026-11-01T00:00:00.000Z', cadres: 300, teachers: 10 });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  port = new URL(base).port;
});
afterAll(async () => close());

describe('npm run rehearse', () => {
  it('runs a whole show against the running server as a rehearsal, and the bundle it prints verifies', async () => {
    const rehearsal = await run('rehearse.ts', [], {
      PORT: port,
      CHOUCHA_OPERATOR_PASSWORD: OPERATOR_PASSWORD,
      CHOUCHA_SUPERVISOR_PASSWORD: SUPERVISOR_PASSWORD,
      CHOUCHA_REHEARSAL_DIR: tempDir(),
    });
    expect(rehearsal.code, rehearsal.stdout).toBe(0);
    expect(rehearsal.stdout).toMatch(/使用正在运行的服务器/u);
    const bundlePath = rehearsal.stdout.trim().split('\n').at(-1) as string;
    expect(bundlePath).toMatch(/choucha-bundle-.*\.json$/u);
    const verified = await run('verify.ts', [bundlePath], {});
    expect(verified.code, verified.stdout).toBe(0);

    const events = app.services.events.listEvents();
    expect(events.filter((e) => e.status !== 'draft').every((e) => e.rehearsal)).toBe(true);
    expect(events.find((e) => e.rehearsal)?.status).toBe('closed');
    expect(app.services.db.prepare('SELECT COUNT(*) FROM audit_history').pluck().get()).toBe(0);
  }, 90_000);

  it('starts a temporary server of its own when none answers', async () => {
    const rehearsal = await run('rehearse.ts', [], { PORT: '1', CHOUCHA_REHEARSAL_DIR: tempDir() });
    expect(rehearsal.code, rehearsal.stdout).toBe(0);
    expect(rehearsal.stdout).toMatch(/启动临时服务器/u);
    expect(rehearsal.stdout).toMatch(/验证包验证通过/u);
  }, 90_000);
});
