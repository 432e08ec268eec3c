import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * How to run a script as `npm run verify` (package.json: `tsx scripts/verify.ts`) runs it: this
 * Node with the tsx command-line program that node_modules/.bin/tsx links to, without the npx or
 * npm in front, which costs 1–1.5 s of start-up per run and checks nothing (measured: `npx tsx
 * scripts/verify.ts` 2.4 s, this 0.9 s, on the two-core machine).
 */
export function tsxCommand(script: string, args: readonly string[] = []): [string, string[]] {
  return [process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, script), ...args]];
}
