import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OVERLAY_LABEL_TEXT } from './label-text';
import { JUDGE_LABEL_TEXT } from '../../../console-ui/src/lib/judge-label-text';

const root = join(import.meta.dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(svelte|ts)$/u.test(name) && !name.endsWith('.test.ts') && name !== 'label-text.ts' ? [path] : [];
  });
}

/** Text that reaches the screen: code without its comments. */
function shownText(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//gu, '')
    .replace(/<!--[\s\S]*?-->/gu, '')
    .replace(/\/\/[^\n]*/gu, '');
}

describe('outputs preload every glyph of their labels', () => {
  it('lists every non-ASCII character of the overlay sources and the labels they show', () => {
    const files = [
      ...sources(join(root, 'overlay', 'src')),
      // The protocol's labels the outputs show: a round's values and graphics, events' modes, the draw's words.
      join(root, 'server', 'protocol', 'round.ts'),
      join(root, 'server', 'protocol', 'air.ts'),
      join(root, 'server', 'protocol', 'events.ts'),
      join(root, 'server', 'protocol', 'draw.ts'),
      // The households' claim summary in words (claimSummaryText).
      join(root, 'server', 'protocol', 'show-views.ts'),
      join(root, 'server', 'scoring', 'scoring.ts'),
    ];
    const missing = new Set<string>();
    for (const file of files) {
      for (const char of shownText(readFileSync(file, 'utf8'))) {
        if (char.charCodeAt(0) > 0x7f && !OVERLAY_LABEL_TEXT.includes(char)) missing.add(char);
      }
    }
    expect([...missing].join('')).toBe('');
  });

  it('the judges’ tablet lists every non-ASCII character of its labels and messages', () => {
    const files = [
      join(root, 'console-ui', 'src', 'Judge.svelte'),
      join(root, 'console-ui', 'src', 'components', 'judge', 'JudgeJoin.svelte'),
      join(root, 'console-ui', 'src', 'lib', 'judge.svelte.ts'),
      join(root, 'server', 'protocol', 'errors.ts'),
      join(root, 'server', 'protocol', 'scoring.ts'),
      join(root, 'server', 'scoring', 'scoring.ts'),
    ];
    const missing = new Set<string>();
    for (const file of files) {
      for (const char of shownText(readFileSync(file, 'utf8'))) {
        if (char.charCodeAt(0) > 0x7f && !JUDGE_LABEL_TEXT.includes(char)) missing.add(char);
      }
    }
    expect([...missing].join('')).toBe('');
  });
});
