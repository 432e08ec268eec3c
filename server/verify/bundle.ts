import type { DrawPlan } from '../protocol/draw';
import { REHEARSAL_NOTE, VERIFY_OUTCOME_LABEL, type VerifyOutcome } from '../protocol/verify';
import {
  applyDrawCommand,
  type AuditeeStage,
  type ContactStage,
  type DrawCommand,
  type DrawState,
} from '../draw-engine/ceremony';
import { canonicalJson } from '../draw-engine/canonical-json';
import { planHash, poolHash, strataOf, type Pool } from '../draw-engine/eligibility';
import { findChainBreak, type LogEntry } from '../draw-engine/log-chain';
import { verifyShowSection, type ShowSection } from '../verify/show-section';
import { stageOrder } from '../draw-engine/order';
import { commitmentOf, deriveSeed, stageSeed } from '../draw-engine/seed';

/**
 * The verification bundle: everything needed to re-check a draw offline, numbers and hashes
 * only (no names, no phones), and the verifier that checks it (docs/verification.md).
 * Pure: runs the same in Node (`npm run verify`) and in the browser (/verify).
 */
export const BUNDLE_FORMAT = 'choucha-draw-bundle';
export const BUNDLE_VERSION = 1;

export interface SealPayload {
  drawId: string;
  programCode: string;
  roster: DrawState['roster'];
  planHash: string;
  poolHash: string;
  commitment: string;
}

export interface DrawBundle {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_VERSION;
  drawId: string;
  programCode: string;
  roster: DrawState['roster'];
  plan: DrawPlan;
  planHash: string;
  pool: Pool;
  poolHash: string;
  poolSize: number;
  commitment: string;
  entropy: string | null;
  secret: string | null;
  seed: string | null;
  auditeeStages: AuditeeStage[] | null;
  contactStages: ContactStage[];
  replacements: { auditees: number; contacts: number };
  log: LogEntry[];
  logHead: string;
  /** The live show that ran this draw, when there was one: its log and each round's result. */
  show?: ShowSection;
}

/** The state right after sealing, before any randomness. */
export function sealedState(seal: SealPayload, plan: DrawPlan, pool: Pool): DrawState {
  return {
    ...seal,
    plan,
    pool,
    entropy: null,
    secret: null,
    seed: null,
    auditeeStages: null,
    contactStages: [],
  };
}

export function sealPayloadOf(state: DrawState): SealPayload {
  return {
    drawId: state.drawId,
    programCode: state.programCode,
    roster: state.roster,
    planHash: state.planHash,
    poolHash: state.poolHash,
    commitment: state.commitment,
  };
}

/** A log entry's command: every entry after the seal is one accepted ceremony command. */
export function commandOf(entry: LogEntry): DrawCommand {
  return { type: entry.type, ...(entry.payload as object) } as DrawCommand;
}

export function countReplacements(state: DrawState): DrawBundle['replacements'] {
  return {
    auditees: (state.auditeeStages ?? []).reduce((n, s) => n + s.selections.filter((x) => x.replaced).length, 0),
    contacts: state.contactStages.reduce((n, s) => n + s.selections.filter((x) => x.replaced).length, 0),
  };
}

export function buildBundle(state: DrawState, log: readonly LogEntry[], show?: ShowSection): DrawBundle {
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    drawId: state.drawId,
    programCode: state.programCode,
    roster: state.roster,
    plan: state.plan,
    planHash: state.planHash,
    pool: state.pool,
    poolHash: state.poolHash,
    poolSize: state.pool.auditees.length,
    commitment: state.commitment,
    entropy: state.entropy,
    secret: state.secret,
    seed: state.seed,
    auditeeStages: state.auditeeStages,
    contactStages: state.contactStages,
    replacements: countReplacements(state),
    log: [...log],
    logHead: log.at(-1)?.hash ?? '',
    ...(show ? { show } : {}),
  };
}

export interface VerificationCheck {
  id: string;
  label: string;
  ok: boolean;
  detail: string;
}

export interface VerificationReport {
  /** Every check holds (true for a sealed, undrawn bundle too: what was frozen is intact). */
  ok: boolean;
  /** What the bundle proves: failed, sealed with nothing drawn yet, or a drawn result (see outcomeOf). */
  outcome: VerifyOutcome;
  /** The bundle is a rehearsal's (演练): it verifies like any other, and never counts. */
  rehearsal: boolean;
  checks: VerificationCheck[];
}

/**
 * The verdict, kept here so the page and `npm run verify` say the same thing: a bundle whose
 * checks hold but where nobody has been drawn proves only what was frozen, not a result.
 */
export function outcomeOf(ok: boolean, bundle: Pick<DrawBundle, 'auditeeStages'>): VerifyOutcome {
  if (!ok) return 'failed';
  return bundle.auditeeStages === null || bundle.auditeeStages.length === 0 ? 'undrawn' : 'drawn';
}

/** The verdict in words, the same on /verify and in `npm run verify`: a headline and what it means. */
export function verdictOf(report: VerificationReport): { headline: string; notes: string[] } {
  const notes: string[] = [];
  if (report.rehearsal) notes.push(REHEARSAL_NOTE);
  if (report.outcome === 'undrawn')
    notes.push('密钥公开、完成抽取后才有结果可复核；现在核对的是封存时冻结的名册、方案、名单池与承诺值');
  const headline = VERIFY_OUTCOME_LABEL[report.outcome];
  return { headline: report.rehearsal ? `演练 · ${headline}` : headline, notes };
}

/** A bundle is a rehearsal's when its show says so (a rehearsal is always run as a show). */
function isRehearsal(input: unknown): boolean {
  if (typeof input !== 'object' || input === null || !('show' in input)) return false;
  const show = input.show;
  return typeof show === 'object' && show !== null && 'rehearsal' in show && show.rehearsal === true;
}

/** Checks a bundle. Each check is named; the report holds iff every check holds. */
export function verifyBundle(input: unknown): VerificationReport {
  const checks: VerificationCheck[] = [];
  const check = (id: string, label: string, ok: boolean, detail: string) => {
    checks.push({ id, label, ok, detail });
    return ok;
  };
  const bundle = input as DrawBundle;
  if (
    !check(
      'format',
      '格式与版本',
      typeof input === 'object' &&
        input !== null &&
        bundle.format === BUNDLE_FORMAT &&
        bundle.version === BUNDLE_VERSION,
      `应为 ${BUNDLE_FORMAT} 第 ${BUNDLE_VERSION} 版`,
    )
  ) {
    return { ok: false, outcome: 'failed', rehearsal: isRehearsal(input), checks };
  }
  try {
    verifyInto(bundle, check);
  } catch (error) {
    check('structure', '内容结构', false, `无法读取：${(error as Error).message}`);
  }
  const ok = checks.every((c) => c.ok);
  return { ok, outcome: outcomeOf(ok, bundle), rehearsal: isRehearsal(input), checks };
}

function safeCommitment(secret: string): string {
  try {
    return commitmentOf(secret);
  } catch {
    return '';
  }
}

function verifyInto(
  bundle: DrawBundle,
  check: (id: string, label: string, ok: boolean, detail: string) => boolean,
): void {
  const computedPlanHash = planHash(bundle.plan);
  check('plan-hash', '方案哈希', computedPlanHash === bundle.planHash, `复算 ${computedPlanHash}`);
  check('plan-program', '方案所属项目', bundle.plan.programCode === bundle.programCode, bundle.plan.programCode);
  const computedPoolHash = poolHash(bundle.pool);
  check('pool-hash', '名单池哈希', computedPoolHash === bundle.poolHash, `复算 ${computedPoolHash}`);
  check(
    'pool-size',
    '名单池人数',
    bundle.pool.auditees.length === bundle.poolSize,
    `名单池中有 ${bundle.pool.auditees.length} 人`,
  );
  let strataOk = true;
  let strataDetail = '各分层人数足以完成抽取';
  try {
    strataOf(bundle.plan, bundle.pool.auditees);
  } catch (error) {
    strataOk = false;
    strataDetail = (error as Error).message;
  }
  check('pool-strata', '名单池满足方案', strataOk, strataDetail);

  const chainBreak = findChainBreak(bundle.log);
  check(
    'log-chain',
    '日志哈希链',
    chainBreak === null && (bundle.log.at(-1)?.hash ?? '') === bundle.logHead,
    chainBreak ? `第 ${chainBreak.seq} 条：${chainBreak.problem}` : `${bundle.log.length} 条，链头 ${bundle.logHead}`,
  );

  const seal = bundle.log[0];
  const sealExpected: SealPayload = {
    drawId: bundle.drawId,
    programCode: bundle.programCode,
    roster: bundle.roster,
    planHash: bundle.planHash,
    poolHash: bundle.poolHash,
    commitment: bundle.commitment,
  };
  check(
    'seal',
    '封存记录与名册、方案、名单池、承诺值一致',
    seal?.type === 'seal' && canonicalJson(seal.payload) === canonicalJson(sealExpected),
    '日志第 1 条为封存记录',
  );

  if (bundle.secret !== null) {
    const commitment = safeCommitment(bundle.secret);
    check(
      'commitment',
      '密钥与事先公布的承诺值相符',
      commitment === bundle.commitment,
      `SHA-256(密钥) = ${commitment || '（格式错误）'}`,
    );
    if (bundle.entropy !== null) {
      const seed = deriveSeed({
        drawId: bundle.drawId,
        rosterHash: bundle.roster.hash,
        planHash: bundle.planHash,
        poolHash: bundle.poolHash,
        secret: bundle.secret,
        entropy: bundle.entropy,
      });
      check('seed', '种子可复算', seed === bundle.seed, `复算 ${seed}`);
    } else {
      check('seed', '种子可复算', false, '有密钥却没有公开随机数');
    }
  } else {
    check(
      'not-revealed',
      '尚未公开密钥',
      bundle.seed === null && bundle.auditeeStages === null && bundle.contactStages.length === 0,
      '密钥公开前不应有种子和抽取结果',
    );
  }

  // Replay every accepted command from the seal: the result must be what the bundle shows.
  let state = sealedState(sealExpected, bundle.plan, bundle.pool);
  let replayProblem = '';
  for (const entry of bundle.log.slice(1)) {
    const result = applyDrawCommand(state, commandOf(entry));
    if (!result.ok) {
      replayProblem = `第 ${entry.seq} 条（${entry.type}）无法重放：${result.message}`;
      break;
    }
    state = result.state;
  }
  const replayed = {
    entropy: state.entropy,
    secret: state.secret,
    seed: state.seed,
    auditeeStages: state.auditeeStages,
    contactStages: state.contactStages,
  };
  const shown = {
    entropy: bundle.entropy,
    secret: bundle.secret,
    seed: bundle.seed,
    auditeeStages: bundle.auditeeStages,
    contactStages: bundle.contactStages,
  };
  const replayMatches = canonicalJson(replayed) === canonicalJson(shown);
  check(
    'replay',
    '按日志重放，抽取与递补结果一致',
    replayProblem === '' && replayMatches,
    replayProblem ||
      (replayMatches ? '每次抽取都按公布的顺序取前几位，每次递补都取下一位候补' : '重放日志得到的结果与验证包所列不符'),
  );

  // Each published order, recomputed on its own from the seed and the pool.
  let orderProblem = '';
  if (bundle.seed !== null) {
    for (const stage of bundle.auditeeStages ?? []) {
      const seedHex = stageSeed(bundle.seed, 'auditees', stage.stratum);
      const numbers = bundle.pool.auditees.filter((a) => a.stratum === stage.stratum).map((a) => a.number);
      if (seedHex !== stage.stageSeed || canonicalJson(stageOrder(seedHex, numbers)) !== canonicalJson(stage.order)) {
        orderProblem = `人员抽取（${stage.stratum || '全部'}）的顺序不符`;
      }
    }
    for (const stage of bundle.contactStages) {
      const seedHex = stageSeed(bundle.seed, 'contacts', stage.auditeeNumber);
      const numbers = bundle.pool.auditees.find((a) => a.number === stage.auditeeNumber)?.contacts ?? [];
      if (seedHex !== stage.stageSeed || canonicalJson(stageOrder(seedHex, numbers)) !== canonicalJson(stage.order)) {
        orderProblem = `${stage.auditeeNumber} 的联系对象顺序不符`;
      }
    }
  }
  check('orders', '各阶段公布的顺序可复算', orderProblem === '', orderProblem || '全部相符');

  const counts = {
    auditees: (state.auditeeStages ?? []).reduce((n, s) => n + s.selections.filter((x) => x.replaced).length, 0),
    contacts: state.contactStages.reduce((n, s) => n + s.selections.filter((x) => x.replaced).length, 0),
  };
  check(
    'replacements',
    '递补次数如实报告且未超上限',
    canonicalJson(counts) === canonicalJson(bundle.replacements) &&
      counts.auditees <= bundle.plan.replacementCaps.auditees &&
      state.contactStages.every(
        (s) => s.selections.filter((x) => x.replaced).length <= bundle.plan.replacementCaps.contactsPerAuditee,
      ),
    `人员递补 ${counts.auditees} 次（上限 ${bundle.plan.replacementCaps.auditees}），联系对象递补 ${counts.contacts} 次`,
  );

  if (bundle.show) {
    const showDraw = verifyShowSection(bundle.show, sealedState(sealExpected, bundle.plan, bundle.pool), check);
    if (showDraw) {
      check(
        'show-draw',
        '直播中的抽取与抽取日志一致',
        canonicalJson({ a: showDraw.auditeeStages, c: showDraw.contactStages }) ===
          canonicalJson({ a: bundle.auditeeStages, c: bundle.contactStages }),
        '直播日志重放得到的人员与联系对象，与抽取日志相同',
      );
    }
  }
}
