/**
 * The print button of the server-rendered pages (bulletin, seat sheet, record, 通报). The page's
 * content security policy runs no inline script, so the button's behaviour is a tiny shipped file.
 */
export const PRINT_SCRIPT_PATH = '/print.js';

export const PRINT_SCRIPT = `for (const button of document.querySelectorAll('[data-print]')) {
  button.addEventListener('click', () => window.print());
}
`;

export const PRINT_BUTTON_HTML = `<p class="noprint"><button type="button" data-print>打印</button></p>
<script src="${PRINT_SCRIPT_PATH}" defer></script>`;
