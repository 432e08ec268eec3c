import { PRINT_BUTTON_HTML } from '../http/print-button';

/**
 * The one layout of the server-rendered printable pages (抽查公告, 评委席位卡, 抽查记录, 通报): an A4
 * page in the shipped font, the shared rules for headings, tables, hash cells and signature lines,
 * and the print button. Text is escaped by default: a page interpolates values into `markup`, and
 * only markup built by `markup` (or drawn by this server, see `trusted`) goes through as it is.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for an element's content and for a quoted attribute value. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/gu, (c) => ENTITIES[c] ?? c);

/** HTML that is already safe, so `markup` inserts it unescaped. */
export class Markup {
  constructor(readonly html: string) {}

  toString(): string {
    return this.html;
  }
}

/** What a page may interpolate: text (escaped), markup, lists of either (joined), or nothing. */
export type MarkupValue = Markup | string | number | false | null | undefined | readonly MarkupValue[];

function render(value: MarkupValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Markup) return value.html;
  if (typeof value === 'object') return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * An HTML template whose interpolated text is escaped. (Not named `html`: Prettier would re-flow an
 * `html` template, and a line break inside Chinese text prints as a space.)
 */
export function markup(strings: TemplateStringsArray, ...values: readonly MarkupValue[]): Markup {
  let html = strings[0] ?? '';
  values.forEach((value, i) => {
    html += render(value) + (strings[i + 1] ?? '');
  });
  return new Markup(html);
}

/** Markup this server drew itself (a QR code's SVG, a stylesheet): never text from a roster or a form. */
export const trusted = (html: string): Markup => new Markup(html);

/** A table's rows of label and value; a value whose label matches `hashLabel` is set as a hash. */
export function factRows(facts: readonly (readonly [string, string])[], hashLabel: RegExp): Markup {
  const row = ([label, value]: readonly [string, string]) =>
    markup`<tr><th>${label}</th><td${hashLabel.test(label) && trusted(' class="hash"')}>${value}</td></tr>\n`;
  return markup`${facts.map(row)}`;
}

/** The signature lines under a record or a bulletin: who was there to vouch for it. */
export const signatureLines = (roles: readonly string[] = ['操作员', '监督员', '公证员']): Markup =>
  markup`<div class="sign">${roles.map((role) => markup`<div>${role}</div>`)}</div>`;

const SHARED_CSS = `  @page { size: A4; margin: 10mm; }
  body { font-family: 'Noto Sans SC', sans-serif; max-width: 900px; margin: 28px auto; color: #111; line-height: 1.6; }
  h1 { text-align: center; font-size: 26px; margin-bottom: 4px; }
  .sub { text-align: center; color: #555; margin-top: 0; }
  .rehearsal { border: 3px solid #b3261e; color: #b3261e; text-align: center; font-weight: 700; padding: 6px; }
  table { width: 100%; border-collapse: collapse; margin: 16px 0; }
  tr { break-inside: avoid; }
  th, td { border: 1px solid #999; padding: 5px 7px; text-align: left; vertical-align: top; }
  th { background: #f3f3f3; }
  .hash { font-family: monospace, 'Noto Sans SC', sans-serif; word-break: break-all; }
  .sign { display: grid; grid-template-columns: repeat(3, 1fr); gap: 24px; margin-top: 48px; break-inside: avoid; }
  .sign div { border-top: 1px solid #333; padding-top: 6px; text-align: center; }
  button { font: inherit; padding: 4px 16px; }
  @media print { body { margin: 0 auto; } .noprint { display: none; } }
`;

export interface PrintPage {
  /** The window's title (text). */
  title: string;
  /** The page's heading (text). */
  heading: string;
  /** The line under the heading (text). */
  sub: string;
  /** Names the heading `<testId>-title` and the rehearsal banner `<testId>-rehearsal` for tests. */
  testId: string;
  /** A rehearsal's page says so above the heading, so no copy passes for a real audit. */
  rehearsal?: boolean;
  /** The page's own rules, after the shared ones so they may override them. A constant, never user text. */
  css?: string;
  body: Markup;
}

/**
 * A whole printable page. Styles are one inline <style> block (the content security policy allows
 * inline styles); the only script is the print button's shipped file, since no inline script runs.
 */
export function printPage(page: PrintPage): string {
  return markup`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${page.title}</title>
<link rel="stylesheet" href="/fonts/noto-sans-sc/400.css">
<link rel="stylesheet" href="/fonts/noto-sans-sc/700.css">
<style>
${trusted(SHARED_CSS + (page.css ?? ''))}</style>
</head>
<body>
${page.rehearsal && markup`<p class="rehearsal" data-testid="${page.testId}-rehearsal">演练 · 非正式抽查</p>\n`}<h1 data-testid="${page.testId}-title">${page.heading}</h1>
<p class="sub">${page.sub}</p>
${page.body}
${trusted(PRINT_BUTTON_HTML)}
</body>
</html>`.html;
}
