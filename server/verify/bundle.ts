import type { DrawPlan } from '../protocol/draw';
import { checkAgainstBulletin, eyeChecks, type BulletinExpectations } from '../verify/bulletin-checks';
import {
  endedOf,
  isRehearsal,
  outcomeOf,
  partiesOf,
  type VerificationCheck,
  type VerificationReport,
} from '../verify/verdict';
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
import { commitmentOrEmpty, deriveSeed, deriveSeedV2, stageSeed } from '../draw-engine/seed';
import type { EventMode } from '../protocol/modes';
import type { JudgeSeat } from '../run-of-show/show-state';
import type { NotaryCommitment } from '../draw-engine/ceremony';
import { checkFormat2, sealedShowOf } from '../verify/format2-checks';
import type { PublicLogProof } from '../verify/public-log';

/**
 * The verification bundle: everything needed to re-check a draw offline, numbers and hashes
 * only (no names, no phones), and the verifier that checks it (docs/verification.md).
 * Pure: runs the same in Node (`npm run verify`) and in the browser (/verify).
 */
export const BUNDLE_FORMAT = 'choucha-draw-bundle';
/** Bundles of format 1 (server secret only, nothing public-logged) still verify as such. */
export const BUNDLE_VERSIONS = [1, 2] as const;
export type BundleVersion = (typeof BUNDLE_VERSIONS)[number];

/** What the seal record says of the show that will run the draw (format 2): all of it hashed. */
export interface SealedShow {
  eventId: string;
  rehearsal: boolean;
  mode: EventMode;
  reportMinutes: number;
  rollSeconds: number;
  judges: JudgeSeat[];
}

/** The draw log's first entry. Format 2 adds its version, the notary's commitment and the show. */
export interface SealPayload {
  drawId: string;
  programCode: string;
  roster: DrawState['roster'];
  planHash: string;
  poolHash: string;
  commitment: string;
  version?: 2;
  notary?: NotaryCommitment | null;
  show?: SealedShow | null;
}

export interface DrawBundle {
  format: typeof BUNDLE_FORMAT;
  version: BundleVersion;
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
  /** Format 2: the notary's commitment and secret, the seal's hash, whether it was abandoned. */
  sealHash?: string;
  notary?: NotaryCommitment | null;
  notarySecret?: string | null;
  abandoned?: { reason: string } | null;
  /** Format 2: the draw's records in the county's public log, with their proofs. */
  publicLog?: PublicLogProof;
}

/** The state right after sealing, before any randomness; `sealHash` is the seal entry's log hash. */
export function sealedState(seal: SealPayload, plan: DrawPlan, pool: Pool, sealHash: string): DrawState {
  const v2 = seal.version === 2;
  return {
    sealVersion: v2 ? 2 : 1,
    sealHash: v2 ? sealHash : '',
    drawId: seal.drawId,
    programCode: seal.programCode,
    roster: seal.roster,
    plan,
    planHash: seal.planHash,
    pool,
    poolHash: seal.poolHash,
    commitment: seal.commitment,
    notary: seal.notary ?? null,
    entropy: null,
    secret: null,
    notarySecret: null,
    seed: null,
    auditeeStages: null,
    contactStages: [],
    abandoned: null,
  };
}

type SealFields = Pick<DrawState, 'drawId' | 'programCode' | 'roster' | 'planHash' | 'poolHash' | 'commitment'>;

/** A format-1 seal payload's fields (format 2 adds version, notary and show; see sealPayloadV2). */
export function sealPayloadOf(state: SealFields): SealPayload {
  return {
    drawId: state.drawId,
    programCode: state.programCode,
    roster: state.roster,
    planHash: state.planHash,
    poolHash: state.poolHash,
    commitment: state.commitment,
  };
}

/** The format-2 seal payload: the draw, the notary's commitment and the show, all under one hash. */
export function sealPayloadV2(
  state: SealFields,
  notary: NotaryCommitment | null,
  show: SealedShow | null,
): SealPayload {
  return { ...sealPayloadOf(state), version: 2, notary, show };
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

export function buildBundle(
  state: DrawState,
  log: readonly LogEntry[],
  show?: ShowSection,
  publicLog?: PublicLogProof,
): DrawBundle {
  const v2 = state.sealVersion === 2;
  return {
    format: BUNDLE_FORMAT,
    version: state.sealVersion,
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
    ...(v2
      ? {
          sealHash: state.sealHash,
          notary: state.notary,
          notarySecret: state.notarySecret,
          abandoned: state.abandoned,
          ...(publicLog ? { publicLog } : {}),
        }
      : {}),
  };
}

export { outcomeOf, verdictOf, UNENDED_NOTE, type VerificationCheck, type VerificationReport } from '../verify/verdict';

/**
 * Checks a bundle. Each check is named; the report holds iff every check holds. `expected`: what
 * the bulletin printed (commitments, tree head, key fingerprint), compared when given.
 */
export function verifyBundle(input: unknown, expected: BulletinExpectations = {}): VerificationReport {
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
        BUNDLE_VERSIONS.some((v) => v === bundle.version),
      `应为 ${BUNDLE_FORMAT} 第 ${BUNDLE_VERSIONS.join(' 或 ')} 版`,
    )
  ) {
    return {
      ok: false,
      outcome: 'failed',
      rehearsal: isRehearsal(input),
      parties: 'single-party',
      eyeChecks: [],
      ended: null,
      checks,
    };
  }
  let eye: string[] = [];
  try {
    verifyInto(bundle, check);
    checkAgainstBulletin(bundle, expected, check);
    eye = eyeChecks(bundle, expected);
  } catch (error) {
    check('structure', '内容结构', false, `无法读取：${(error as Error).message}`);
  }
  const ok = checks.every((c) => c.ok);
  return {
    ok,
    outcome: outcomeOf(ok, bundle),
    rehearsal: isRehearsal(input),
    parties: partiesOf(input),
    eyeChecks: eye,
    ended: endedOf(input),
    checks,
  };
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
  const v2 = bundle.version === 2;
  const fields = sealPayloadOf(bundle);
  // Format 2: the seal also names the notary's commitment and the show, as the bundle shows them.
  const sealExpected = v2
    ? sealPayloadV2(fields, bundle.notary ?? null, bundle.show ? sealedShowOf(bundle.show) : null)
    : fields;
  check(
    'seal',
    v2 ? '封存记录与名册、方案、名单池、双方承诺值、直播设置一致' : '封存记录与名册、方案、名单池、承诺值一致',
    seal?.type === 'seal' && canonicalJson(seal.payload) === canonicalJson(sealExpected),
    '日志第 1 条为封存记录',
  );
  const sealHash = seal?.hash ?? '';
  if (v2) checkFormat2(bundle, check);

  if (bundle.secret !== null) {
    const commitment = commitmentOrEmpty(bundle.secret);
    check(
      'commitment',
      '密钥与事先公布的承诺值相符',
      commitment === bundle.commitment,
      `SHA-256(密钥) = ${commitment || '（格式错误）'}`,
    );
    if (bundle.entropy !== null) {
      const seed = v2
        ? bundle.notary && bundle.notarySecret == null
          ? null
          : deriveSeedV2({
              sealHash,
              serverSecret: bundle.secret,
              notarySecret: bundle.notarySecret ?? '',
              entropy: bundle.entropy,
            })
        : deriveSeed({
            drawId: bundle.drawId,
            rosterHash: bundle.roster.hash,
            planHash: bundle.planHash,
            poolHash: bundle.poolHash,
            secret: bundle.secret,
            entropy: bundle.entropy,
          });
      check(
        'seed',
        '种子可复算',
        seed === bundle.seed,
        seed === null ? '公证员尚未公开密钥：种子尚未确定' : `复算 ${seed}`,
      );
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
  let state = sealedState(sealExpected, bundle.plan, bundle.pool, sealHash);
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
    ...(v2 ? { notarySecret: state.notarySecret, abandoned: state.abandoned } : {}),
    seed: state.seed,
    auditeeStages: state.auditeeStages,
    contactStages: state.contactStages,
  };
  const shown = {
    entropy: bundle.entropy,
    secret: bundle.secret,
    ...(v2 ? { notarySecret: bundle.notarySecret ?? null, abandoned: bundle.abandoned ?? null } : {}),
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
    const showDraw = verifyShowSection(
      bundle.show,
      sealedState(sealExpected, bundle.plan, bundle.pool, sealHash),
      check,
    );
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
