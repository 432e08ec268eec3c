import { describe, expect, it } from 'vitest';
import { escapeHtml, factRows, markup, printPage, trusted } from './layout';

describe('escapeHtml', () => {
  it('escapes all five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
    expect(escapeHtml('示范县 · 2026')).toBe('示范县 · 2026');
  });
});

describe('markup', () => {
  it('escapes interpolated text, keeps markup built by markup or trusted, joins lists, drops nothing-values', () => {
    const name = '<script>alert(1)</script>';
    const cells = ['a&b', 'c'].map((c) => markup`<td>${c}</td>`);
    expect(markup`<tr>${cells}</tr><p>${name}</p>${false}${null}${undefined}${3}`.html).toBe(
      '<tr><td>a&amp;b</td><td>c</td></tr><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>3',
    );
    expect(markup`${trusted('<svg/>')}`.html).toBe('<svg/>');
  });

  it('marks hash cells by their label', () => {
    expect(
      factRows(
        [
          ['方案哈希', 'ab'],
          ['活动', '"x"'],
        ],
        /哈希/u,
      ).html,
    ).toBe('<tr><th>方案哈希</th><td class="hash">ab</td></tr>\n<tr><th>活动</th><td>&quot;x&quot;</td></tr>\n');
  });
});

describe('printPage', () => {
  const page = printPage({
    title: '抽查公告 · <b>县</b>',
    heading: '抽查公告',
    sub: `"县" <script>alert(1)</script>`,
    testId: 'bulletin',
    rehearsal: true,
    css: '  .steps { font-size: 14px; }\n',
    body: markup`<p>${'<img src=x>'}</p>`,
  });

  it('loads the print button script from /print.js and runs no inline script', () => {
    expect(page).toContain('<script src="/print.js" defer></script>');
    expect(page).toContain('<button type="button" data-print>打印</button>');
    expect(page.match(/<script\b/giu)).toHaveLength(1);
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/iu);
    expect(page).not.toMatch(/\son[a-z]+\s*=/iu);
  });

  it('is a whole page: doctype, charset, escaped title and sub, shared and own styles, the font, the banner', () => {
    expect(page.startsWith('<!doctype html>\n<html lang="zh-CN">')).toBe(true);
    expect(page).toContain('<meta charset="utf-8">');
    expect(page).toContain('<title>抽查公告 · &lt;b&gt;县&lt;/b&gt;</title>');
    expect(page).toContain('<p class="sub">&quot;县&quot; &lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(page).toContain('<link rel="stylesheet" href="/fonts/noto-sans-sc/400.css">');
    expect(page).toContain('@page { size: A4;');
    expect(page).toContain("font-family: 'Noto Sans SC'");
    expect(page).toContain('  .steps { font-size: 14px; }\n</style>');
    expect(page).toContain('<p class="rehearsal" data-testid="bulletin-rehearsal">演练 · 非正式抽查</p>');
    expect(page).toContain('<h1 data-testid="bulletin-title">抽查公告</h1>');
    expect(page).toContain('<p>&lt;img src=x&gt;</p>');
    expect(page.trimEnd().endsWith('</body>\n</html>')).toBe(true);
  });

  it('prints no rehearsal banner for a real audit', () => {
    const real = printPage({ title: 't', heading: 'h', sub: 's', testId: 'x', body: markup`` });
    expect(real).not.toContain('class="rehearsal"');
  });
});
