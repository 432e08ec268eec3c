import {
  AUDITEE_REPLACEMENT_REASONS,
  CONTACT_REPLACEMENT_REASONS,
  ENTROPY_PATTERN,
  planQuotas,
  type AuditeeReplacementReason,
  type ContactReplacementReason,
  type DrawPlan,
} from '../protocol/draw';
import type { Pool } from '../draw-engine/eligibility';
import { stageOrder } from '../draw-engine/order';
import { commitmentOf, deriveSeed, stageSeed } from '../draw-engine/seed';

/**
 * The draw ceremony as a pure state machine: sealed → public entropy locked → secret revealed
 * (seed fixed) → the auditee stage executed once → replacements from the published order →
 * each drawn auditee's contact stage executed once → contact replacements.
 * `applyDrawCommand(state, command)` returns the next state or a typed refusal; it never
 * changes the state it is given.
 */
/** Why a pick was replaced: an auditee's reason code, or a contact's. */
export type ReplacementReason = AuditeeReplacementReason | ContactReplacementReason;

export interface Selection {
  number: string;
  /** Index in the stage's published order. */
  position: number;
  /** Set when this pick was replaced by the next alternate. */
  replaced?: { reason: ReplacementReason; by: string | null };
}

export interface AuditeeStage {
  stratum: string;
  stageSeed: string;
  order: string[];
  quota: number;
  selections: Selection[];
}

export interface ContactStage {
  auditeeNumber: string;
  stageSeed: string;
  order: string[];
  selections: Selection[];
}

export interface DrawState {
  drawId: string;
  programCode: string;
  roster: { versionId: number; hash: string; auditeeCount: number; contactCount: number };
  plan: DrawPlan;
  planHash: string;
  pool: Pool;
  poolHash: string;
  commitment: string;
  entropy: string | null;
  secret: string | null;
  seed: string | null;
  auditeeStages: AuditeeStage[] | null;
  contactStages: ContactStage[];
}

export type DrawCommand =
  | { type: 'lockEntropy'; entropy: string }
  | { type: 'reveal'; secret: string }
  | { type: 'drawAuditees' }
  | { type: 'replaceAuditee'; number: string; reason: AuditeeReplacementReason }
  | { type: 'drawContacts'; auditeeNumber: string }
  | { type: 'replaceContact'; auditeeNumber: string; contactNumber: string; reason: ContactReplacementReason };

export type DrawErrorCode =
  | 'DRAW_ENTROPY_INVALID'
  | 'DRAW_ENTROPY_LOCKED'
  | 'DRAW_ENTROPY_MISSING'
  | 'DRAW_ALREADY_REVEALED'
  | 'DRAW_SECRET_MISMATCH'
  | 'DRAW_NOT_REVEALED'
  | 'DRAW_STAGE_EXECUTED'
  | 'DRAW_AUDITEES_NOT_DRAWN'
  | 'DRAW_NOT_SELECTED'
  | 'DRAW_REASON_INVALID'
  | 'DRAW_REPLACEMENT_CAP'
  | 'DRAW_NO_ALTERNATE';

export type DrawResult = { ok: true; state: DrawState } | { ok: false; code: DrawErrorCode; message: string };

const refuse = (code: DrawErrorCode, message: string): DrawResult => ({ ok: false, code, message });

/** Picks in force: drawn and not replaced. */
export function activeSelections(selections: readonly Selection[]): Selection[] {
  return selections.filter((s) => !s.replaced);
}

export function auditeeReplacementCount(state: DrawState): number {
  return (state.auditeeStages ?? []).reduce((n, stage) => n + stage.selections.filter((s) => s.replaced).length, 0);
}

/** Replaces one pick by the first number of the order not yet used, recording the reason. */
function replaceIn(
  selections: readonly Selection[],
  order: readonly string[],
  number: string,
  reason: ReplacementReason,
): { ok: true; selections: Selection[] } | { ok: false; code: DrawErrorCode; message: string } {
  const index = selections.findIndex((s) => s.number === number && !s.replaced);
  if (index < 0) return { ok: false, code: 'DRAW_NOT_SELECTED', message: `编号 ${number} 不是当前抽中的对象` };
  const nextPosition = selections.reduce((max, s) => Math.max(max, s.position), -1) + 1;
  const alternate = order[nextPosition];
  const updated = selections.map((s, i) => (i === index ? { ...s, replaced: { reason, by: alternate ?? null } } : s));
  if (alternate === undefined) {
    return { ok: false, code: 'DRAW_NO_ALTERNATE', message: '已没有可递补的候补对象' };
  }
  updated.push({ number: alternate, position: nextPosition });
  return { ok: true, selections: updated };
}

/**
 * Why the ceremony would refuse a step in this state, whatever its arguments (null: the step is
 * open). The ceremony checks these first; the run-of-show asks them to say which steps are next.
 */
export function drawStepRefusal(
  state: DrawState,
  type: 'lockEntropy' | 'reveal' | 'drawAuditees',
): Extract<DrawResult, { ok: false }> | null {
  switch (type) {
    case 'lockEntropy':
      return state.entropy !== null ? fail('DRAW_ENTROPY_LOCKED', '公开随机数已锁定，不能更改') : null;
    case 'reveal':
      if (state.secret !== null) return fail('DRAW_ALREADY_REVEALED', '密钥已公开');
      return state.entropy === null ? fail('DRAW_ENTROPY_MISSING', '须先锁定公开随机数，才能公开密钥') : null;
    case 'drawAuditees':
      if (state.seed === null) return fail('DRAW_NOT_REVEALED', '须先锁定公开随机数并公开密钥');
      return state.auditeeStages !== null ? fail('DRAW_STAGE_EXECUTED', '本轮人员抽取已执行，不能重抽') : null;
  }
}

const fail = (code: DrawErrorCode, message: string) => ({ ok: false, code, message }) as const;

export function applyDrawCommand(state: DrawState, command: DrawCommand): DrawResult {
  switch (command.type) {
    case 'lockEntropy': {
      const refused = drawStepRefusal(state, 'lockEntropy');
      if (refused) return refused;
      const entropy = command.entropy.replace(/\s+/gu, '');
      if (!ENTROPY_PATTERN.test(entropy)) {
        return refuse('DRAW_ENTROPY_INVALID', '公开随机数须为 20 至 200 位数字（如现场掷骰结果）');
      }
      return { ok: true, state: { ...state, entropy } };
    }
    case 'reveal': {
      const refused = drawStepRefusal(state, 'reveal');
      if (refused) return refused;
      const entropy = state.entropy ?? ''; // locked: drawStepRefusal checked it
      let commitment: string;
      try {
        commitment = commitmentOf(command.secret);
      } catch {
        return refuse('DRAW_SECRET_MISMATCH', '密钥格式不正确');
      }
      if (commitment !== state.commitment) return refuse('DRAW_SECRET_MISMATCH', '密钥与事先公布的承诺值不符');
      const seed = deriveSeed({
        drawId: state.drawId,
        rosterHash: state.roster.hash,
        planHash: state.planHash,
        poolHash: state.poolHash,
        secret: command.secret,
        entropy,
      });
      return { ok: true, state: { ...state, secret: command.secret, seed } };
    }
    case 'drawAuditees': {
      const refused = drawStepRefusal(state, 'drawAuditees');
      if (refused) return refused;
      const seed = state.seed ?? ''; // derived: drawStepRefusal checked it
      const auditeeStages = planQuotas(state.plan).map(({ stratum, count }) => {
        const seedHex = stageSeed(seed, 'auditees', stratum);
        const order = stageOrder(
          seedHex,
          state.pool.auditees.filter((a) => a.stratum === stratum).map((a) => a.number),
        );
        return {
          stratum,
          stageSeed: seedHex,
          order,
          quota: count,
          selections: order.slice(0, count).map((number, position) => ({ number, position })),
        };
      });
      return { ok: true, state: { ...state, auditeeStages } };
    }
    case 'replaceAuditee': {
      if (state.auditeeStages === null) return refuse('DRAW_AUDITEES_NOT_DRAWN', '尚未抽取人员');
      if (!(command.reason in AUDITEE_REPLACEMENT_REASONS)) return refuse('DRAW_REASON_INVALID', '递补原因无效');
      if (auditeeReplacementCount(state) >= state.plan.replacementCaps.auditees) {
        return refuse('DRAW_REPLACEMENT_CAP', `人员递补已达方案上限 ${state.plan.replacementCaps.auditees} 次`);
      }
      const stageIndex = state.auditeeStages.findIndex((stage) =>
        stage.selections.some((s) => s.number === command.number && !s.replaced),
      );
      const stage = state.auditeeStages[stageIndex];
      if (!stage) return refuse('DRAW_NOT_SELECTED', `编号 ${command.number} 不是当前抽中的人员`);
      if (state.contactStages.some((c) => c.auditeeNumber === command.number)) {
        return refuse('DRAW_STAGE_EXECUTED', '该人员的联系对象已抽取，不能再递补');
      }
      const replaced = replaceIn(stage.selections, stage.order, command.number, command.reason);
      if (!replaced.ok) return replaced;
      const auditeeStages = state.auditeeStages.map((s, i) =>
        i === stageIndex ? { ...s, selections: replaced.selections } : s,
      );
      return { ok: true, state: { ...state, auditeeStages } };
    }
    case 'drawContacts': {
      if (state.auditeeStages === null || state.seed === null) return refuse('DRAW_AUDITEES_NOT_DRAWN', '尚未抽取人员');
      const selected = state.auditeeStages.some((stage) =>
        activeSelections(stage.selections).some((s) => s.number === command.auditeeNumber),
      );
      if (!selected) return refuse('DRAW_NOT_SELECTED', `编号 ${command.auditeeNumber} 不是当前抽中的人员`);
      if (state.contactStages.some((c) => c.auditeeNumber === command.auditeeNumber)) {
        return refuse('DRAW_STAGE_EXECUTED', '该人员的联系对象已抽取，不能重抽');
      }
      const contacts = state.pool.auditees.find((a) => a.number === command.auditeeNumber)?.contacts ?? [];
      const seedHex = stageSeed(state.seed, 'contacts', command.auditeeNumber);
      const order = stageOrder(seedHex, contacts);
      const stage: ContactStage = {
        auditeeNumber: command.auditeeNumber,
        stageSeed: seedHex,
        order,
        selections: order.slice(0, state.plan.contactsPerAuditee).map((number, position) => ({ number, position })),
      };
      return { ok: true, state: { ...state, contactStages: [...state.contactStages, stage] } };
    }
    case 'replaceContact': {
      if (!(command.reason in CONTACT_REPLACEMENT_REASONS)) return refuse('DRAW_REASON_INVALID', '递补原因无效');
      const stageIndex = state.contactStages.findIndex((c) => c.auditeeNumber === command.auditeeNumber);
      const stage = state.contactStages[stageIndex];
      if (!stage) return refuse('DRAW_NOT_SELECTED', '该人员的联系对象尚未抽取');
      if (stage.selections.filter((s) => s.replaced).length >= state.plan.replacementCaps.contactsPerAuditee) {
        return refuse(
          'DRAW_REPLACEMENT_CAP',
          `联系对象递补已达方案上限 ${state.plan.replacementCaps.contactsPerAuditee} 次`,
        );
      }
      const replaced = replaceIn(stage.selections, stage.order, command.contactNumber, command.reason);
      if (!replaced.ok) return replaced;
      const contactStages = state.contactStages.map((c, i) =>
        i === stageIndex ? { ...c, selections: replaced.selections } : c,
      );
      return { ok: true, state: { ...state, contactStages } };
    }
  }
}
