import { Value } from '@sinclair/typebox/value';
import { LoggedShowCommandSchema, type LoggedShowCommand } from '../protocol/show-commands';

/**
 * The command a show log entry records, checked against the log's declared shapes; null when the
 * entry is not one (a foreign or damaged log). Runs in browsers too (the /verify page): `Value`
 * interprets the schema, where the compiler would need `eval`, which the pages' policy forbids.
 */
export function loggedCommand(entry: { type: string; payload: unknown }): LoggedShowCommand | null {
  if (typeof entry.payload !== 'object' || entry.payload === null || Array.isArray(entry.payload)) return null;
  const candidate: unknown = { type: entry.type, ...entry.payload };
  return Value.Check(LoggedShowCommandSchema, candidate) ? candidate : null;
}
