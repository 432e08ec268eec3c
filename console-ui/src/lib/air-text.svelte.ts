import { AIR_TEXT_MAX, AUTO_OUT_MAX_SECONDS, TEXT_TEMPLATES, type ShowCommandBody } from '$protocol/show';

export type TextGraphic = keyof typeof TEXT_TEMPLATES;

/**
 * The desk's text box for a strap, a ticker or a slate: the words (typed, or a template to edit),
 * and an optional auto-out time. It only builds the cue; the server checks and keeps it.
 */
export class AirTextDraft {
  graphic = $state<TextGraphic>('strap');
  text = $state('');
  /** Seconds as typed ('' for no auto-out). */
  autoOut = $state('');

  get templates(): readonly string[] {
    return TEXT_TEMPLATES[this.graphic];
  }

  /** The auto-out seconds, or null when empty; undefined when what was typed is not a whole 1…3600. */
  get autoOutSeconds(): number | null | undefined {
    const typed = this.autoOut.trim();
    if (typed === '') return null;
    if (!/^\d+$/u.test(typed)) return undefined;
    const seconds = Number(typed);
    return seconds >= 1 && seconds <= AUTO_OUT_MAX_SECONDS ? seconds : undefined;
  }

  get problem(): string | null {
    if (this.text.trim() === '') return '请输入文字或选择模板';
    if (this.text.length > AIR_TEXT_MAX) return `文字最多 ${AIR_TEXT_MAX} 字`;
    if (this.autoOutSeconds === undefined) return `自动撤下时间应为 1–${AUTO_OUT_MAX_SECONDS} 秒的整数`;
    return null;
  }

  /** The cue command, or null while the draft is not complete. */
  command(): ShowCommandBody | null {
    const autoOutSeconds = this.autoOutSeconds;
    if (this.problem !== null || autoOutSeconds === undefined) return null;
    return {
      type: 'cue',
      graphic: this.graphic,
      round: null,
      text: this.text.trim(),
      ...(autoOutSeconds === null ? {} : { autoOutSeconds }),
    };
  }
}
