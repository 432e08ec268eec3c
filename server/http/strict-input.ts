import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { refuseMalformedText } from '../errors';
import { DECIMAL_INTEGER_KEYWORD, parseDecimalInteger } from '../protocol/decimal-integer';
import { TEXT_LINES_KEYWORD } from '../protocol/text-in-values';

type AjvOptions = NonNullable<FastifyServerOptions['ajv']>;

/**
 * How every request is validated: nothing is coerced (Fastify's default turns `"5"` into 5, `"1 "`
 * into 1 and `null`, `"false"` or `0` into false, so `contactsRequireConsent: null` made households
 * without consent callable); unknown fields are refused, never dropped; URL integers are decimal
 * digits within their declared bounds (server/protocol/decimal-integer.ts), turned into numbers
 * here once checked.
 */
export const STRICT_AJV: AjvOptions = {
  customOptions: { coerceTypes: false, removeAdditional: false },
  plugins: [
    (ajv) => {
      ajv.addKeyword({
        keyword: DECIMAL_INTEGER_KEYWORD,
        type: 'string',
        schemaType: 'object',
        modifying: true,
        errors: false,
        validate: (bounds: unknown, text: unknown, _schema, where) => {
          if (!where || !isBounds(bounds)) return false;
          const value = parseDecimalInteger(text, bounds);
          if (value === null) return false;
          // The query or params object holds the number from here on, as the route's type says.
          where.parentData[where.parentDataProperty] = value;
          return true;
        },
      });
      // A declaration read by the text walker, not a validation.
      ajv.addKeyword({ keyword: TEXT_LINES_KEYWORD, schemaType: 'boolean' });
      return ajv;
    },
  ],
};

function isBounds(value: unknown): value is { minimum: number; maximum: number } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'minimum' in value &&
    'maximum' in value &&
    typeof value.minimum === 'number' &&
    typeof value.maximum === 'number'
  );
}

/**
 * Every string of every request's params, query and JSON body is checked once it is valid, before
 * any handler sees it. Socket handlers call refuseMalformedText on their payloads the same way.
 */
export function registerStrictInput(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    const schema = request.routeOptions.schema;
    refuseMalformedText('params', request.params, schema?.params);
    refuseMalformedText('query', request.query, schema?.querystring);
    refuseMalformedText('body', request.body, schema?.body);
  });
}
