import { Type, type TUnsafe } from '@sinclair/typebox';

/**
 * Integers in query strings and paths. Requests are validated without type coercion (Ajv's
 * coercion reads `1e309` as Infinity, `" 1"`, `"+1"`, `"1.0"` and `"0x10"` as numbers), so a URL
 * integer is declared as text of decimal digits within finite bounds, and the server's validator
 * (server/http/strict-input.ts) turns it into a number once it has checked it: a route reads a
 * number, never a string it must parse again. JSON bodies carry JSON numbers instead.
 */
export const DECIMAL_INTEGER_KEYWORD = 'decimalInteger';

export interface DecimalBounds {
  minimum: number;
  maximum: number;
}

/**
 * The schema of a URL integer: at most as many digits as `maximum` has, no leading zero (one
 * spelling per number, as in JSON: `seat=01` is not seat 1), then the bounds.
 */
export function DecimalInteger(bounds: DecimalBounds): TUnsafe<number> {
  if (!Number.isSafeInteger(bounds.minimum) || !Number.isSafeInteger(bounds.maximum) || bounds.minimum < 0) {
    throw new Error(`decimal bounds must be finite non-negative integers: ${JSON.stringify(bounds)}`);
  }
  return Type.Unsafe<number>({
    type: 'string',
    pattern: `^(?:0|[1-9][0-9]{0,${String(bounds.maximum).length - 1}})$`,
    [DECIMAL_INTEGER_KEYWORD]: { minimum: bounds.minimum, maximum: bounds.maximum },
  });
}

/** The integer a URL's text spells in decimal digits within the bounds, or null (no sign, space, point, exponent or leading zero). */
export function parseDecimalInteger(text: unknown, { minimum, maximum }: DecimalBounds): number | null {
  if (typeof text !== 'string' || text.length > String(maximum).length || !/^(?:0|[1-9][0-9]*)$/u.test(text)) {
    return null;
  }
  const value = Number(text);
  return value >= minimum && value <= maximum ? value : null;
}

/** Bounds shared by routes: a database row id, a roster version, a show log position. */
export const ROW_ID = { minimum: 1, maximum: 2 ** 31 - 1 } as const;
