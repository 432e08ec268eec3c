import { SEED_PARTIES_LABEL } from '../protocol/verify';
import { describe, expect, it } from 'vitest';
import { applyDrawCommand, activeSelections, type DrawCommand, type DrawState } from '../draw-engine/ceremony';
import { buildBundle, sealPayloadOf, verdictOf, verifyBundle, type DrawBundle } from '../verify/bundle';
import { appendEntry, type LogEntry } from '../draw-engine/log-chain';
import { FIXED_ENTROPY, FIXED_SECRET, sealedFixture } from '../draw-engine/test-fixtures';

/** A complete draw: sealed, entropy, reveal, 3 auditees with one replaced, households with replacements. */
function completedDraw(): { state: DrawState; log: LogEntry[] } {
  let state = sealedFixture();
  const log: LogEntry[] = [
    appendEntry(undefined, {
      at: '2026-11-26T10:00:00.000Z',
      actor: 'operator',
      type: 'seal',
      payload: sealPayloadOf(state),
    }),
  ];
  const apply = (command: DrawCommand) => {
    const result = applyDrawCommand(state, command);
    if (!result.ok) throw new Error(result.message);
    state = result.state;
    const { type, ...payload } = command;
    log.push(appendEntry(log.at(-1), { at: `2026-11-26T10:0${log.length}:00.000Z`, actor: 'operator', type, payload }));
  };
  apply({ type: 'lockEntropy', entropy: FIXED_ENTROPY });
  apply({ type: 'reveal', secret: FIXED_SECRET });
  apply({ type: 'drawAuditees' });
  const order = state.auditeeStages?.[0]?.order as string[];
  apply({ type: 'replaceAuditee', number: order[1] as string, reason: 'LEAVE' });
  for (const s of activeSelections(state.auditeeStages?.[0]?.selections ?? []))
    apply({ type: 'drawContacts', auditeeNumber: s.number });
  const first = state.contactStages[0];
  apply({
    type: 'replaceContact',
    auditeeNumber: first?.auditeeNumber as string,
    contactNumber: first?.order[2] as string,
    reason: 'NO_ANSWER',
  });
  return { state, log };
}

/** Every leaf of a JSON value with its path (long arrays sampled at both ends and the middle). */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [path];
  if (Array.isArray(value)) {
    const indexes =
      value.length <= 6
        ? value.map((_, i) => i)
        : [0, 1, Math.floor(value.length / 2), value.length - 2, value.length - 1];
    return indexes.flatMap((i) => leaves(value[i], [...path, i]));
  }
  return Object.entries(value).flatMap(([key, v]) => leaves(v, [...path, key]));
}

function tampered(bundle: DrawBundle, path: (string | number)[]): unknown {
  const copy = structuredClone(bundle) as unknown as Record<string | number, unknown>;
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const key = path.at(-1) as string | number;
  const old = parent[key];
  parent[key] =
    typeof old === 'string'
      ? old === ''
        ? 'x'
        : old.slice(0, -1) + (old.endsWith('0') ? '1' : '0')
      : typeof old === 'number'
        ? old + 1
        : typeof old === 'boolean'
          ? !old
          : '0';
  return copy;
}

describe('the verification bundle', () => {
  const { state, log } = completedDraw();
  const bundle = buildBundle(state, log);

  it('verifies a complete draw, every check holding', () => {
    const report = verifyBundle(JSON.parse(JSON.stringify(bundle)));
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        'plan-hash',
        'pool-hash',
        'log-chain',
        'seal',
        'commitment',
        'seed',
        'replay',
        'orders',
        'replacements',
      ]),
    );
  });

  it('carries numbers and hashes only: no names, no phones', () => {
    const text = JSON.stringify(bundle);
    expect(text).not.toMatch(/(?<![0-9a-f])100\d{8}(?!\d)/u);
    expect(bundle.replacements).toEqual({ auditees: 1, contacts: 1 });
  });

  it('verifies a bundle sealed but not yet revealed', () => {
    const sealedOnly = buildBundle(sealedFixture(), log.slice(0, 1));
    expect(verifyBundle(sealedOnly).ok).toBe(true);
  });

  const paths = leaves(bundle);
  it.each(paths.map((p) => [p.join('.'), p] as const))('fails when %s is changed', (_name, path) => {
    const report = verifyBundle(tampered(bundle, path));
    expect(report.ok).toBe(false);
    expect(report.checks.some((c) => !c.ok)).toBe(true);
  });

  it('names the failed check: a changed secret fails the commitment', () => {
    const report = verifyBundle({ ...bundle, secret: 'b2'.repeat(32) });
    expect(report.checks.find((c) => c.id === 'commitment')?.ok).toBe(false);
  });

  it('names the failed check: a redraw hidden in the selections fails the replay', () => {
    const forged = structuredClone(bundle);
    const stage = forged.auditeeStages?.[0];
    if (stage) stage.selections[0] = { number: stage.order[20] as string, position: 0 };
    const report = verifyBundle(forged);
    expect(report.checks.find((c) => c.id === 'replay')?.ok).toBe(false);
  });

  it('refuses what is not a bundle', () => {
    expect(verifyBundle(null).ok).toBe(false);
    expect(verifyBundle({ format: 'other' }).checks[0]?.id).toBe('format');
    expect(verifyBundle({ ...bundle, log: 'x' }).ok).toBe(false);
  });
});

describe('the verdict', () => {
  const { state, log } = completedDraw();
  const bundle = buildBundle(state, log);
  const show = { eventId: 'E1', reportMinutes: 5, rollSeconds: 4, judges: [], log: [], logHead: '', rounds: [] };

  it('a drawn, verified bundle is a drawn result, not a rehearsal', () => {
    const report = verifyBundle(JSON.parse(JSON.stringify(bundle)));
    expect(report).toMatchObject({ ok: true, outcome: 'drawn', rehearsal: false });
    // A format-1 bundle: the server alone held the secret, and the bulletin is still to be compared by eye.
    const verdict = verdictOf(report);
    expect(verdict.headline).toBe('验证通过：本次抽取可复算，未被改动');
    expect(verdict.notes).toEqual([
      SEED_PARTIES_LABEL['single-party'],
      expect.stringContaining(`承诺值：${bundle.commitment}`),
    ]);
    expect(verdict.notes[1]).toContain(`公开随机数：${bundle.entropy}`);
  });

  it('a sealed bundle with nothing drawn proves only what was frozen', () => {
    const report = verifyBundle(buildBundle(sealedFixture(), log.slice(0, 1)));
    expect(report).toMatchObject({ ok: true, outcome: 'undrawn' });
    const verdict = verdictOf(report);
    expect(verdict.headline).toContain('尚未抽取');
    expect(verdict.headline).not.toContain('验证通过');
    expect(verdict.notes.join()).toContain('承诺值');
  });

  it('revealed but not yet drawn is still nothing drawn', () => {
    const upToReveal = log.filter((e) => e.type === 'seal' || e.type === 'lockEntropy' || e.type === 'reveal');
    let revealed = sealedFixture();
    for (const entry of upToReveal.slice(1)) {
      const result = applyDrawCommand(revealed, { type: entry.type, ...(entry.payload as object) } as DrawCommand);
      if (result.ok) revealed = result.state;
    }
    expect(verifyBundle(buildBundle(revealed, upToReveal))).toMatchObject({ ok: true, outcome: 'undrawn' });
  });

  it('a rehearsal bundle verifies and says it is a rehearsal, drawn or not', () => {
    const drawn = verifyBundle({ ...bundle, show: { ...show, rehearsal: true } });
    expect(drawn.checks.find((c) => c.id === 'show-log')).toBeDefined();
    expect(drawn.rehearsal).toBe(true);
    expect(verdictOf(drawn).headline.startsWith('演练')).toBe(true);
    expect(verdictOf(drawn).notes[0]).toContain('不计入');
    const real = verifyBundle({ ...bundle, show: { ...show, rehearsal: false } });
    expect(real.rehearsal).toBe(false);
    expect(verdictOf(real).notes).toEqual([]);
  });

  it('a failed bundle is failed, and a rehearsal one still says rehearsal', () => {
    const report = verifyBundle({ ...bundle, secret: 'b2'.repeat(32), show: { ...show, rehearsal: true } });
    expect(report).toMatchObject({ ok: false, outcome: 'failed', rehearsal: true });
    expect(verdictOf(report).headline).toBe('演练 · 验证未通过');
  });
});
