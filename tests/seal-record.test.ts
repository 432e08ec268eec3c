import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DrawBundle } from '../server/verify/bundle';
import { sealRecordText } from '../server/verify/seal-record-text';
import { tsxCommand } from './helpers/tsx-cli';

/**
 * The bulletin's QR line given to both verifiers (`--seal-record`): it binds the seal record itself
 * (version, draw, seal hash) besides the commitments and the tree head, so a seal re-hashed at
 * another time under the same commitments is refused.
 */
const ROOT = join(import.meta.dirname, '..');
const bundle = (
  JSON.parse(readFileSync(join(ROOT, 'tests', 'vectors', 'draw-v2.json'), 'utf8')) as { bundle: DrawBundle }
).bundle;
const path = join(mkdtempSync(join(tmpdir(), 'choucha-seal-record-')), 'bundle.json');
writeFileSync(path, JSON.stringify(bundle));

const line = (sealHash: string) =>
  sealRecordText({
    sealVersion: 2,
    drawId: bundle.drawId,
    sealHash,
    commitment: bundle.commitment,
    notaryCommitment: bundle.notary?.commitment ?? null,
    treeHead: bundle.publicLog
      ? { treeSize: bundle.publicLog.sealTreeHead.treeSize, rootHash: bundle.publicLog.sealTreeHead.rootHash }
      : null,
  });
const real = line(bundle.log[0]?.hash ?? '');
const other = line('ab'.repeat(32));

const run = (command: string, args: string[]) => spawnSync(command, args, { cwd: ROOT, encoding: 'utf8' });

describe('--seal-record: the bulletin’s QR line, in npm run verify and the Python reference', () => {
  it('passes the real line and refuses a line naming another seal hash', () => {
    const python = join(ROOT, 'docs', 'reference', 'verify_draw.py');
    expect(run('python3', [python, path, '--seal-record', real]).status).toBe(0);
    const refused = run('python3', [python, path, '--seal-record', other]);
    expect(refused.status, refused.stdout).toBe(1);
    expect(refused.stdout).toContain('printed seal record');

    const cli = (record: string) => run(...tsxCommand('scripts/verify.ts', [path, '--seal-record', record]));
    const passed = cli(real);
    expect(passed.status, passed.stdout).toBe(0);
    // Given the whole line, nothing but the digits is left to compare by eye.
    expect(passed.stdout).not.toContain('承诺值：');
    const failed = cli(other);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain('封存记录与公告一致');
  });
});
