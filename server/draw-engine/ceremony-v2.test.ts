import { describe, expect, it } from 'vitest';
import type { DrawCommand } from '../draw-engine/ceremony';
import { deriveSeed, deriveSeedV2 } from '../draw-engine/seed';
import {
  FIXED_ENTROPY,
  FIXED_NOTARY_SECRET,
  FIXED_SECRET,
  sealedFixture,
  sealedFixtureV2,
  ceremonyRefusal,
  runCeremony,
} from '../draw-engine/test-fixtures';

const run = runCeremony;
const refusal = ceremonyRefusal;

const lock: DrawCommand = { type: 'lockEntropy', entropy: FIXED_ENTROPY, by: 'supervisor' };

describe('the format-2 ceremony: two committed secrets, the notary types the entropy', () => {
  it('accepts the public entropy only from the supervisor (notary)', () => {
    const sealed = sealedFixtureV2('notary');
    expect(refusal(sealed, { type: 'lockEntropy', entropy: FIXED_ENTROPY, by: 'operator' })).toBe('DRAW_ENTROPY_ROLE');
    expect(refusal(sealed, { type: 'lockEntropy', entropy: FIXED_ENTROPY })).toBe('DRAW_ENTROPY_ROLE');
    expect(run(sealed, lock).entropy).toBe(FIXED_ENTROPY);
    // Format 1 logs, written before the rule, still replay with the operator's lock.
    expect(run(sealedFixture(), { type: 'lockEntropy', entropy: FIXED_ENTROPY }).entropy).toBe(FIXED_ENTROPY);
  });

  it('fixes the seed only once the notary reveals, last, a secret matching the sealed commitment', () => {
    const sealed = sealedFixtureV2('notary');
    expect(refusal(run(sealed, lock), { type: 'revealNotary', secret: FIXED_NOTARY_SECRET })).toBe('DRAW_NOT_REVEALED');
    const serverRevealed = run(sealed, lock, { type: 'reveal', secret: FIXED_SECRET });
    expect(serverRevealed.seed).toBeNull();
    expect(refusal(serverRevealed, { type: 'drawAuditees' })).toBe('DRAW_NOTARY_PENDING');
    expect(refusal(serverRevealed, { type: 'revealNotary', secret: 'c4'.repeat(32) })).toBe('DRAW_NOTARY_MISMATCH');
    expect(refusal(serverRevealed, { type: 'revealNotary', secret: 'not hex' })).toBe('DRAW_NOTARY_MISMATCH');
    const seeded = run(serverRevealed, { type: 'revealNotary', secret: FIXED_NOTARY_SECRET });
    expect(seeded.seed).toBe(
      deriveSeedV2({
        sealHash: 'c3'.repeat(32),
        serverSecret: FIXED_SECRET,
        notarySecret: FIXED_NOTARY_SECRET,
        entropy: FIXED_ENTROPY,
      }),
    );
    expect(refusal(seeded, { type: 'revealNotary', secret: FIXED_NOTARY_SECRET })).toBe('DRAW_ALREADY_REVEALED');
    expect(run(seeded, { type: 'drawAuditees' }).auditeeStages?.length).toBe(1);
  });

  it('gives a different seed for each secret, each digit string and each seal record', () => {
    const base = {
      sealHash: 'c3'.repeat(32),
      serverSecret: FIXED_SECRET,
      notarySecret: FIXED_NOTARY_SECRET,
      entropy: FIXED_ENTROPY,
    };
    const seeds = new Set([
      deriveSeedV2(base),
      deriveSeedV2({ ...base, notarySecret: 'b3'.repeat(32) }),
      deriveSeedV2({ ...base, serverSecret: 'a2'.repeat(32) }),
      deriveSeedV2({ ...base, entropy: `${FIXED_ENTROPY.slice(0, -1)}5` }),
      deriveSeedV2({ ...base, sealHash: 'c4'.repeat(32) }),
      deriveSeedV2({ ...base, notarySecret: '' }),
    ]);
    expect(seeds.size).toBe(6);
    // And never the format-1 seed of the same inputs.
    const v1 = sealedFixture();
    expect(
      seeds.has(
        deriveSeed({
          drawId: v1.drawId,
          rosterHash: v1.roster.hash,
          planHash: v1.planHash,
          poolHash: v1.poolHash,
          secret: FIXED_SECRET,
          entropy: FIXED_ENTROPY,
        }),
      ),
    ).toBe(false);
  });

  it('reveals a rehearsal simulated notary with the server secret, and refuses a notary reveal there', () => {
    const sealed = run(sealedFixtureV2('simulated'), lock);
    expect(refusal(sealed, { type: 'reveal', secret: FIXED_SECRET })).toBe('DRAW_NOTARY_MISMATCH');
    expect(refusal(sealed, { type: 'reveal', secret: FIXED_SECRET, notarySecret: 'b3'.repeat(32) })).toBe(
      'DRAW_NOTARY_MISMATCH',
    );
    const seeded = run(sealed, { type: 'reveal', secret: FIXED_SECRET, notarySecret: FIXED_NOTARY_SECRET });
    expect(seeded.seed).not.toBeNull();
    expect(refusal(seeded, { type: 'revealNotary', secret: FIXED_NOTARY_SECRET })).toBe('DRAW_NOTARY_NOT_APPLICABLE');
  });

  it('seeds a single-party draw from the server secret alone, and never takes a notary secret there', () => {
    const sealed = run(sealedFixtureV2('none'), lock);
    expect(refusal(sealed, { type: 'reveal', secret: FIXED_SECRET, notarySecret: FIXED_NOTARY_SECRET })).toBe(
      'DRAW_NOTARY_MISMATCH',
    );
    const seeded = run(sealed, { type: 'reveal', secret: FIXED_SECRET });
    expect(seeded.seed).toBe(
      deriveSeedV2({ sealHash: 'c3'.repeat(32), serverSecret: FIXED_SECRET, notarySecret: '', entropy: FIXED_ENTROPY }),
    );
  });

  it('abandons a draw for good, with its reason, at any step', () => {
    const abandon: DrawCommand = { type: 'abandon', reason: '公证员无法到场公开密钥' };
    for (const state of [
      sealedFixtureV2('notary'),
      run(sealedFixtureV2('notary'), lock, { type: 'reveal', secret: FIXED_SECRET }),
    ]) {
      const abandoned = run(state, abandon);
      expect(abandoned.abandoned).toEqual({ reason: '公证员无法到场公开密钥' });
      for (const next of [
        abandon,
        lock,
        { type: 'reveal', secret: FIXED_SECRET } as const,
        { type: 'revealNotary', secret: FIXED_NOTARY_SECRET } as const,
        { type: 'drawAuditees' } as const,
      ]) {
        expect(refusal(abandoned, next)).toBe('DRAW_ABANDONED');
      }
    }
  });
});
