import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyBundle, type DrawBundle } from './bundle';
import { parseSealRecordText, sealRecordText } from './seal-record-text';

const vectors = JSON.parse(readFileSync(join(import.meta.dirname, '../../tests/vectors/draw-v2.json'), 'utf8')) as {
  bundle: DrawBundle;
};
const bundle = vectors.bundle;
const sealHash = bundle.log[0]?.hash ?? '';
const line = sealRecordText({
  sealVersion: 2,
  drawId: bundle.drawId,
  sealHash,
  commitment: bundle.commitment,
  notaryCommitment: bundle.notary?.commitment ?? null,
  treeHead: bundle.publicLog
    ? { treeSize: bundle.publicLog.sealTreeHead.treeSize, rootHash: bundle.publicLog.sealTreeHead.rootHash }
    : null,
});

describe('the bulletin’s seal record binds the seal itself, not only the commitments', () => {
  it('passes the vectors’ bundle against its own printed seal record', () => {
    const seal = parseSealRecordText(line);
    expect(seal).not.toBeNull();
    const report = verifyBundle(bundle, {
      seal: { sealVersion: 2, drawId: bundle.drawId, sealHash },
      commitments: [bundle.commitment],
    });
    expect(report.checks.find((c) => c.id === 'bulletin-seal')?.ok).toBe(true);
    expect(report.ok).toBe(true);
  });

  it('refuses a bundle whose seal record is not the printed one (same commitments, another seal hash)', () => {
    for (const printed of [
      { sealVersion: 2, drawId: bundle.drawId, sealHash: 'ab'.repeat(32) },
      { sealVersion: 1, drawId: bundle.drawId, sealHash },
      { sealVersion: 2, drawId: 'D20261126-00000000', sealHash },
    ]) {
      const report = verifyBundle(bundle, { seal: printed, commitments: [bundle.commitment] });
      expect(report.checks.find((c) => c.id === 'bulletin-seal')?.ok).toBe(false);
      expect(report.outcome).toBe('failed');
    }
  });
});
