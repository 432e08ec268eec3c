import { verifyBundle, type DrawBundle, type VerificationReport } from '$core/verify/bundle';
import { parseTreeHead, type BulletinExpectations } from '$core/verify/bulletin-checks';
import { checkCurrentHead, type CurrentHeadCheck } from '$core/verify/current-head';
import { parseSealRecordText } from '$core/verify/seal-record-text';
import type { PublicLogHead } from '$protocol/public-log';
import { api, ApiError } from './api';

const HEX64 = /^[0-9a-fA-F]{64}$/u;

/**
 * The public verification page's state. The bundle is checked here, in the browser, by the same
 * module as `npm run verify`: nothing is uploaded anywhere. What the printed bulletin says
 * (commitments, the tree head at sealing, the key's fingerprint) may be typed in, or read from its
 * QR code's text, and is compared too: without it a bundle only certifies itself.
 */
export class VerifyState {
  source = $state('');
  bundle = $state<DrawBundle | null>(null);
  report = $state<VerificationReport | null>(null);
  error = $state('');
  busy = $state(false);
  /** The bulletin's values as typed: up to two commitments, the tree head (`SIZE:ROOT` or ROOT), the key. */
  commitments = $state(['', '']);
  treeHead = $state('');
  keyId = $state('');
  /** What was wrong with a typed bulletin value (the bundle is not checked against a misread value). */
  inputError = $state('');
  /** The seal record read from the bulletin's QR line (its version, draw and hash), compared too. */
  seal = $state<BulletinExpectations['seal'] | null>(null);
  /** The log's current head checked against the bundle's (null: not asked yet). */
  current = $state<CurrentHeadCheck | null>(null);
  private parsed: unknown = null;

  /** The typed bulletin values as the verifier takes them, or an error naming the bad one. */
  expectations(): BulletinExpectations | string {
    const expected: BulletinExpectations = {};
    const commitments = this.commitments.map((c) => c.trim()).filter((c) => c !== '');
    const badCommitment = commitments.find((c) => !HEX64.test(c));
    if (badCommitment !== undefined) return `承诺值应为 64 位十六进制数：${badCommitment}`;
    if (commitments.length > 0) expected.commitments = commitments;
    if (this.treeHead.trim() !== '') {
      const head = parseTreeHead(this.treeHead);
      if (!head) return '树头应写作「条数:树根哈希」或只写树根哈希（64 位十六进制）';
      expected.treeHead = head;
    }
    if (this.keyId.trim() !== '') {
      if (!HEX64.test(this.keyId.trim())) return '密钥指纹应为 64 位十六进制数';
      expected.keyId = this.keyId.trim();
    }
    if (this.seal) expected.seal = this.seal;
    return expected;
  }

  /** Fills the bulletin's fields from its QR code's text (choucha:seal:…); false when it is not one. */
  fillFromSealRecord(text: string): boolean {
    const seal = parseSealRecordText(text);
    if (!seal) {
      this.inputError = '这不是公告二维码上的封存记录（应以 choucha:seal: 开头）';
      return false;
    }
    this.commitments = [seal.commitment, seal.notaryCommitment ?? ''];
    this.seal = { sealVersion: seal.sealVersion, drawId: seal.drawId, sealHash: seal.sealHash };
    this.treeHead = seal.treeHead ? `${seal.treeHead.treeSize}:${seal.treeHead.rootHash}` : '';
    this.inputError = '';
    this.recheck();
    return true;
  }

  check(text: string, source: string): void {
    this.source = source;
    this.error = '';
    this.report = null;
    this.bundle = null;
    this.current = null;
    try {
      this.parsed = JSON.parse(text);
    } catch {
      this.parsed = null;
      this.error = '文件不是有效的 JSON，无法验证';
      return;
    }
    this.recheck();
  }

  /** Checks the bundle in hand again, against the bulletin's values as they are typed now. */
  recheck(): void {
    if (this.parsed === null) return;
    const expected = this.expectations();
    if (typeof expected === 'string') {
      // No verdict rather than one that silently left out what was typed.
      this.inputError = expected;
      this.report = null;
      this.bundle = null;
      return;
    }
    this.inputError = '';
    this.report = verifyBundle(this.parsed, expected);
    this.bundle = this.report.checks[0]?.ok ? (this.parsed as DrawBundle) : null;
  }

  async checkFile(file: File): Promise<void> {
    this.busy = true;
    try {
      this.check(await file.text(), file.name);
    } finally {
      this.busy = false;
    }
  }

  async checkDraw(drawId: string): Promise<void> {
    this.busy = true;
    try {
      const response = await fetch(`/api/draws/${encodeURIComponent(drawId)}/bundle`);
      if (!response.ok) {
        this.error = response.status === 404 ? `没有编号为 ${drawId} 的抽取` : `无法取得验证包（${response.status}）`;
        return;
      }
      this.check(await response.text(), `服务器上的抽取 ${drawId}`);
    } catch {
      this.error = '无法连接服务器；也可以把下载的验证包文件拖到这里离线验证';
    } finally {
      this.busy = false;
    }
  }

  /**
   * Fetches the log's current signed head and the consistency proof from the bundle's head to it,
   * and checks both here: the server is asked for data, never for a verdict.
   */
  async checkCurrentHead(): Promise<void> {
    const log = this.bundle?.publicLog;
    if (!log) return;
    this.busy = true;
    try {
      const now = await api.get<PublicLogHead>('/api/public-log/head');
      if (!now.head) {
        this.current = { ok: false, detail: '服务器的公开日志是空的，却有验证包记入其中：公开日志被删改过' };
        return;
      }
      // A smaller log needs no proof to fail; checkCurrentHead says so.
      const proof =
        now.head.treeSize >= log.treeHead.treeSize
          ? (
              await api.get<{ proof: string[] }>('/api/public-log/proof/consistency', {
                from: log.treeHead.treeSize,
                to: now.head.treeSize,
              })
            ).proof
          : [];
      this.current = checkCurrentHead(log, now.head, proof);
    } catch (error) {
      this.current = {
        ok: false,
        detail: error instanceof ApiError ? `无法取得当前树头或一致性证明：${error.message}` : '无法取得当前树头',
      };
    } finally {
      this.busy = false;
    }
  }
}
