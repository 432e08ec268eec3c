import { Type, type StringOptions, type TString } from '@sinclair/typebox';
import { literalUnion } from './literal-union';
import { findTextFault, TEXT_FAULTS, type TextFault, type TextFaultAt } from './text-rules';

/**
 * The text rules (text-rules.ts) applied to every string of a request: a JSON body, a query, path
 * parameters, a socket payload. One walker over the validated value, so no field can be forgotten;
 * the value's schema only says which strings are multi-line.
 */

/** Where the refused text was: a request's part, a socket payload, or text stored before these rules (a draft being sealed). */
export const TEXT_PLACES = ['body', 'query', 'params', 'payload', 'stored'] as const;
export const TextPlaceSchema = literalUnion(TEXT_PLACES);
export type TextPlace = (typeof TEXT_PLACES)[number];

/**
 * The schema option that makes a string multi-line (U+000A allowed, nothing else that ends a line).
 * Declared on the field itself, so the rule travels with the contract: today the note of a
 * rectification (整改说明), the one free text a person may write as several lines.
 */
export const TEXT_LINES_KEYWORD = 'textLines';

export function MultilineText(options: StringOptions = {}): TString {
  return Type.String({ ...options, [TEXT_LINES_KEYWORD]: true });
}

/** A refused character and where it sits: a JSON pointer (RFC 6901) into the value, e.g. `/plan/title`. */
export interface TextFaultIn extends TextFaultAt {
  path: string;
}

/** The details of a TEXT_MALFORMED refusal, over HTTP and socket acks alike. */
export interface TextMalformedDetails extends TextFaultIn {
  part: TextPlace;
}

export function isTextMalformedDetails(value: unknown): value is TextMalformedDetails {
  if (!isNode(value)) return false;
  const { part, path, fault, codePoint, index } = value;
  return (
    TEXT_PLACES.some((p) => p === part) &&
    TEXT_FAULTS.some((f: TextFault) => f === fault) &&
    typeof path === 'string' &&
    typeof codePoint === 'string' &&
    typeof index === 'number'
  );
}

type SchemaNode = Record<string, unknown>;
const isNode = (value: unknown): value is SchemaNode => typeof value === 'object' && value !== null;
const pointer = (key: string) => key.replace(/~/gu, '~0').replace(/\//gu, '~1');

const NONE: readonly SchemaNode[] = [];

/** The plain schemas a value may match: unions and intersections opened, union members picked by their constants. */
function members(schemas: readonly unknown[], value: unknown): readonly SchemaNode[] {
  if (schemas.length === 0) return NONE;
  const out: SchemaNode[] = [];
  const open = [...schemas];
  for (let schema = open.pop(); schema !== undefined; schema = open.pop()) {
    if (!isNode(schema)) continue;
    const union = schema.anyOf ?? schema.oneOf;
    if (Array.isArray(union)) open.push(...union.filter((member) => constantsMatch(member, value)));
    if (Array.isArray(schema.allOf)) open.push(...schema.allOf);
    out.push(schema);
  }
  return out;
}

/** A union member whose constant properties (a command's `type`) differ from the value's cannot be the one. */
function constantsMatch(member: unknown, value: unknown): boolean {
  if (!isNode(member) || !isNode(member.properties) || !isNode(value)) return true;
  return Object.entries(member.properties).every(
    ([key, property]) =>
      !isNode(property) || !('const' in property) || !(key in value) || property.const === value[key],
  );
}

function childSchemas(schemas: readonly SchemaNode[], key: string | number): unknown[] {
  if (schemas.length === 0) return [];
  return schemas.flatMap((schema) => {
    if (typeof key === 'number') {
      if (Array.isArray(schema.items)) return [schema.items[key] ?? schema.additionalItems];
      return [schema.items];
    }
    const found: unknown[] = [];
    if (isNode(schema.properties) && key in schema.properties) found.push(schema.properties[key]);
    if (isNode(schema.patternProperties)) {
      for (const [pattern, property] of Object.entries(schema.patternProperties)) {
        if (new RegExp(pattern, 'u').test(key)) found.push(property);
      }
    }
    if (found.length === 0 && isNode(schema.additionalProperties)) found.push(schema.additionalProperties);
    return found;
  });
}

/** One place still to look at; its path is spelled only when something is found there. */
interface Place {
  value: unknown;
  /** The schemas it may match, opened; a key's are none (keys are single-line). */
  schemas: readonly SchemaNode[];
  parent: Place | null;
  key: string | number | null;
}

function pathOf(place: Place): string {
  const keys: string[] = [];
  for (let at: Place | null = place; at && at.key !== null; at = at.parent) keys.push(pointer(String(at.key)));
  return keys
    .reverse()
    .map((key) => `/${key}`)
    .join('');
}

/**
 * The first refused character of any string in the value (object keys included), in document
 * order, or null. Strings are single-line unless the schema reached at their place declares
 * TEXT_LINES; with no schema, every string is single-line. Iterative, so a deeply nested body
 * cannot exhaust the stack.
 */
export function findTextFaultIn(value: unknown, schema?: unknown): TextFaultIn | null {
  const stack: Place[] = [{ value, schemas: members([schema], value), parent: null, key: null }];
  for (let place = stack.pop(); place; place = stack.pop()) {
    const here = place.value;
    if (typeof here === 'string') {
      const fault = findTextFault(here, { lines: place.schemas.some((s) => s[TEXT_LINES_KEYWORD] === true) });
      if (fault) return { ...fault, path: pathOf(place) };
      continue;
    }
    if (!isNode(here)) continue;
    // Pushed last-first, so the document's first string is looked at first; an object's key before its value.
    if (Array.isArray(here)) {
      for (let index = here.length - 1; index >= 0; index -= 1) {
        const item: unknown = here[index];
        stack.push({
          value: item,
          schemas: members(childSchemas(place.schemas, index), item),
          parent: place,
          key: index,
        });
      }
      continue;
    }
    for (const [key, item] of Object.entries(here).reverse()) {
      stack.push(
        { value: item, schemas: members(childSchemas(place.schemas, key), item), parent: place, key },
        { value: key, schemas: NONE, parent: place, key },
      );
    }
  }
  return null;
}
