import { verifyBundle, type DrawBundle, type VerificationReport } from '$core/verify/bundle';

/**
 * The public verification page's state. The bundle is checked here, in the browser, by the same
 * module as `npm run verify`: nothing is uploaded anywhere.
 */
export class VerifyState {
  source = $state('');
  bundle = $state<DrawBundle | null>(null);
  report = $state<VerificationReport | null>(null);
  error = $state('');
  busy = $state(false);

  check(text: string, source: string): void {
    this.source = source;
    this.error = '';
    this.report = null;
    this.bundle = null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.error = '文件不是有效的 JSON，无法验证';
      return;
    }
    this.report = verifyBundle(parsed);
    this.bundle = this.report.checks[0]?.ok ? (parsed as DrawBundle) : null;
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
}
