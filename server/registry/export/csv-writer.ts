/**
 * CSV output that spreadsheet programs open safely. A cell starting with = + - @ (or a tab or
 * CR) would run as a formula in Excel; it is written with a leading apostrophe, which the
 * importer strips again (see cleanText), so data round-trips and never executes.
 */
const FORMULA_START = /^[=+\-@\t\r]/u;

export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function csvCell(value: string): string {
  const safe = neutraliseFormula(value);
  return /[",\r\n]/u.test(safe) ? `"${safe.replace(/"/gu, '""')}"` : safe;
}

export function csvLine(values: readonly string[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** UTF-8 with BOM: Excel on Windows opens it as UTF-8 instead of guessing GBK. */
export const UTF8_BOM = '\ufeff';
