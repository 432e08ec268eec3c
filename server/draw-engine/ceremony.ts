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
import { commitmentOrEmpty, deriveSeed, deriveSeedV2, stageSeed } from '../draw-engine/seed';

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

/** The notary's committed secret as the seal record holds it (format 2). */
export interface NotaryCommitment {
  commitment: string;
  /** A rehearsal's second secret, held by the server in the notary's place (and said so). */
  simulated: boolean;
}

/**
 * The roster version a draw is sealed on, by hash and counts. `visitLog`, when the program has one
 * for this roster, pins the visit log (走访记录) the callers check, by hash and counts only: its
 * texts may name private people, so neither the seal nor the bundle carries them. Seals without a
 * visit log leave the field out, so every earlier seal and bundle keeps its bytes.
 */
export interface RosterPin {
  versionId: number;
  hash: string;
  auditeeCount: number;
  contactCount: number;
  visitLog?: { versionId: number; hash: string; entryCount: number; contactCount: number };
}

export interface DrawState {
  /** 1: the first format (server secret only); 2: the seal binds the notary, the show and the public log. */
  sealVersion: 1 | 2;
  /** The seal record's log hash (format 2: the seed's first input); '' in format 1. */
  sealHash: string;
  drawId: string;
  programCode: string;
  roster: RosterPin;
  plan: DrawPlan;
  planHash: string;
  pool: Pool;
  poolHash: string;
  commitment: string;
  notary: NotaryCommitment | null;
  entropy: string | null;
  secret: string | null;
  notarySecret: string | null;
  seed: string | null;
  /** Set when the draw was abandoned (作废), with the reason: no step is accepted after it. */
  abandoned: { reason: string } | null;
  auditeeStages: AuditeeStage[] | null;
  contactStages: ContactStage[];
}

export type DrawCommand =
  /** `by`: the role that typed the digits; from format 2 only the supervisor (notary) may. */
  | { type: 'lockEntropy'; entropy: string; by?: 'operator' | 'supervisor' }
  /** The server's secret; with a simulated notary, the simulated secret too. */
  | { type: 'reveal'; secret: string; notarySecret?: string }
  | { type: 'revealNotary'; secret: string }
  | { type: 'abandon'; reason: string }
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
  | 'DRAW_NO_ALTERNATE'
  | 'DRAW_NOTARY_MISMATCH'
  | 'DRAW_NOTARY_PENDING'
  | 'DRAW_NOTARY_NOT_APPLICABLE'
  | 'DRAW_ABANDONED'
  | 'DRAW_ENTROPY_ROLE';

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
  type: 'lockEntropy' | 'reveal' | 'revealNotary' | 'drawAuditees',
): Extract<DrawResult, { ok: false }> | null {
  if (state.abandoned) return fail('DRAW_ABANDONED', `本次抽取已作废（${state.abandoned.reason}），不能再执行任何步骤`);
  switch (type) {
    case 'lockEntropy':
      return state.entropy !== null ? fail('DRAW_ENTROPY_LOCKED', '公开随机数已锁定，不能更改') : null;
    case 'reveal':
      if (state.secret !== null) return fail('DRAW_ALREADY_REVEALED', '密钥已公开');
      return state.entropy === null ? fail('DRAW_ENTROPY_MISSING', '须先锁定公开随机数，才能公开密钥') : null;
    case 'revealNotary':
      if (state.notary === null || state.notary.simulated) {
        return fail('DRAW_NOTARY_NOT_APPLICABLE', '本次抽取没有需要公证员公开的密钥');
      }
      if (state.notarySecret !== null) return fail('DRAW_ALREADY_REVEALED', '公证员密钥已公开');
      // The notary reveals last: the server's secret is already public, so nothing is left to steer.
      return state.secret === null ? fail('DRAW_NOT_REVEALED', '须先锁定公开随机数并公开服务器密钥') : null;
    case 'drawAuditees':
      if (state.seed === null && state.secret !== null && state.notary !== null) {
        return fail('DRAW_NOTARY_PENDING', '须先由公证员公开其密钥，种子才能确定');
      }
      if (state.seed === null) return fail('DRAW_NOT_REVEALED', '须先锁定公开随机数并公开密钥');
      return state.auditeeStages !== null ? fail('DRAW_STAGE_EXECUTED', '本轮人员抽取已执行，不能重抽') : null;
  }
}

/** The seed once every committed secret is known (null until then). */
function seedOf(state: DrawState, secret: string, notarySecret: string | null, entropy: string): string | null {
  if (state.sealVersion === 1) {
    return deriveSeed({
      drawId: state.drawId,
      rosterHash: state.roster.hash,
      planHash: state.planHash,
      poolHash: state.poolHash,
      secret,
      entropy,
    });
  }
  if (state.notary !== null && notarySecret === null) return null;
  return deriveSeedV2({ sealHash: state.sealHash, serverSecret: secret, notarySecret: notarySecret ?? '', entropy });
}

const fail = (code: DrawErrorCode, message: string) => ({ ok: false, code, message }) as const;

/** Whether a secret (64 hex digits) is the one a commitment was made to. */
function matches(secret: string, commitment: string | undefined): boolean {
  const computed = commitmentOrEmpty(secret);
  return computed !== '' && computed === commitment;
}

export function applyDrawCommand(state: DrawState, command: DrawCommand): DrawResult {
  if (state.abandoned) {
    return refuse('DRAW_ABANDONED', `本次抽取已作废（${state.abandoned.reason}），不能再执行任何步骤`);
  }
  switch (command.type) {
    case 'abandon':
      return { ok: true, state: { ...state, abandoned: { reason: command.reason } } };
    case 'revealNotary': {
      const refused = drawStepRefusal(state, 'revealNotary');
      if (refused) return refused;
      if (!matches(command.secret, state.notary?.commitment)) {
        return refuse('DRAW_NOTARY_MISMATCH', '公证员密钥与封存时登记的承诺值不符，未被接受');
      }
      const seed = seedOf(state, state.secret ?? '', command.secret, state.entropy ?? '');
      return { ok: true, state: { ...state, notarySecret: command.secret, seed } };
    }
    case 'lockEntropy': {
      const refused = drawStepRefusal(state, 'lockEntropy');
      if (refused) return refused;
      if (state.sealVersion === 2 && command.by !== 'supervisor') {
        return refuse('DRAW_ENTROPY_ROLE', '公开随机数须由监督员（公证员）在自己的控制台录入并锁定');
      }
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
      if (!matches(command.secret, state.commitment)) {
        return refuse('DRAW_SECRET_MISMATCH', '密钥与事先公布的承诺值不符');
      }
      // A rehearsal's simulated notary is revealed with the server's secret, in the same entry.
      const simulated = state.notary?.simulated === true;
      if (simulated !== (command.notarySecret !== undefined)) {
        return refuse('DRAW_NOTARY_MISMATCH', '模拟公证员的密钥须与服务器密钥一同公开，且仅限演练');
      }
      if (simulated && !matches(command.notarySecret ?? '', state.notary?.commitment)) {
        return refuse('DRAW_NOTARY_MISMATCH', '模拟公证员密钥与封存时的承诺值不符');
      }
      const notarySecret = command.notarySecret ?? null;
      const seed = seedOf(state, command.secret, notarySecret, entropy);
      return { ok: true, state: { ...state, secret: command.secret, notarySecret, seed } };
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
      // Own keys only: `in` would take 'constructor' or 'toString' from Object.prototype as a reason.
      if (!Object.hasOwn(AUDITEE_REPLACEMENT_REASONS, command.reason))
        return refuse('DRAW_REASON_INVALID', '递补原因无效');
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
      if (!Object.hasOwn(CONTACT_REPLACEMENT_REASONS, command.reason))
        return refuse('DRAW_REASON_INVALID', '递补原因无效');
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
