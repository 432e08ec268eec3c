import { Type, type SchemaOptions, type TLiteral, type TUnion } from '@sinclair/typebox';

type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };

/**
 * The schema of a value list declared once as a `const` array: the array gives the runtime list and
 * the labels' keys, this gives the TypeBox schema, and `(typeof LIST)[number]` the TypeScript union.
 */
export function literalUnion<const T extends readonly [string, ...string[]]>(
  values: T,
  options?: SchemaOptions,
): TUnion<Literals<T>> {
  // TypeBox types Union's members as a plain array; the mapped tuple above is what it holds.
  return Type.Union(
    values.map((value) => Type.Literal(value)),
    options,
  ) as TUnion<Literals<T>>;
}

/** The member of a value list a string names (a `<select>`'s value, a query parameter), or undefined. */
export function listValue<const T extends readonly string[]>(list: T, value: string): T[number] | undefined {
  return list.find((member) => member === value);
}
