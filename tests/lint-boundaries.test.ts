import { join } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

/*
 * eslint.config.js encodes the architecture; these tests lint virtual files placed inside the
 * folders to prove each rule refuses what it must and lets the rest through. Accepted cases must
 * lint with zero boundary messages and refused ones with at least one from the named rule, so a
 * rule that silently stops matching (or a file the config no longer covers) fails here.
 */
const repoRoot = join(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: repoRoot });
const BOUNDARY_RULES = new Set(['no-restricted-imports', 'no-restricted-properties', 'no-restricted-syntax']);

async function lintVirtualFile(filePath: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, filePath), warnIgnored: true });
  if (!result) throw new Error(`ESLint returned no result for ${filePath}`);
  // An ignored or unparsable file yields no boundary messages for the wrong reason: refuse it.
  expect(result.messages.filter((message) => message.fatal || message.ruleId === null)).toEqual([]);
  return result.messages;
}

async function boundaryMessages(filePath: string, code: string): Promise<Linter.LintMessage[]> {
  const messages = await lintVirtualFile(filePath, code);
  return messages.filter((message) => message.ruleId !== null && BOUNDARY_RULES.has(message.ruleId));
}

interface RefusedCase {
  what: string;
  code: string;
  ruleId: string;
  reason: RegExp;
}

const impureCode: RefusedCase[] = [
  {
    what: 'the database driver',
    code: "import Database from 'better-sqlite3';\nexport { Database };\n",
    ruleId: 'no-restricted-imports',
    reason: /database/,
  },
  {
    what: 'the HTTP server',
    code: "import fastify from 'fastify';\nexport { fastify };\n",
    ruleId: 'no-restricted-imports',
    reason: /server/,
  },
  {
    what: 'the file system',
    code: "import { readFileSync } from 'node:fs';\nexport { readFileSync };\n",
    ruleId: 'no-restricted-imports',
    reason: /node I\/O/,
  },
  {
    what: 'node crypto',
    code: "import { createHash } from 'node:crypto';\nexport { createHash };\n",
    ruleId: 'no-restricted-imports',
    reason: /node crypto/,
  },
  {
    what: 'the store',
    code: "import type { Db } from '../store/db';\nexport type { Db };\n",
    ruleId: 'no-restricted-imports',
    reason: /services or edges/,
  },
  {
    what: 'the runtime edge',
    code: "import type { Clock } from '../runtime';\nexport type { Clock };\n",
    ruleId: 'no-restricted-imports',
    reason: /services or edges/,
  },
  {
    what: 'the clock through Date.now()',
    code: 'export const startedAt = Date.now();\n',
    ruleId: 'no-restricted-properties',
    reason: /time as input/,
  },
  {
    what: 'the clock through new Date()',
    code: 'export const startedAt = new Date();\n',
    ruleId: 'no-restricted-syntax',
    reason: /reads the clock/,
  },
  {
    what: 'the clock through performance.now()',
    code: 'export const startedAt = performance.now();\n',
    ruleId: 'no-restricted-properties',
    reason: /time as input/,
  },
  {
    what: 'randomness through Math.random()',
    code: 'export const pick = Math.random();\n',
    ruleId: 'no-restricted-properties',
    reason: /randomness as input/,
  },
  {
    what: 'randomness through crypto.getRandomValues()',
    code: 'export const bytes = crypto.getRandomValues(new Uint8Array(32));\n',
    ruleId: 'no-restricted-properties',
    reason: /randomness as input/,
  },
];

function expectRefusal(messages: Linter.LintMessage[], refused: RefusedCase): void {
  const fromRule = messages.filter((message) => message.ruleId === refused.ruleId);
  expect(fromRule.length).toBeGreaterThanOrEqual(1);
  for (const message of fromRule) expect(message.message).toMatch(refused.reason);
}

describe('pure folders', () => {
  it.each(impureCode)('a pure module that uses $what is refused with the reason', async (refused) => {
    expectRefusal(await boundaryMessages('server/run-of-show/fixture.ts', refused.code), refused);
  });

  it.each(impureCode)('every pure folder refuses $what', async (refused) => {
    for (const folder of ['draw-engine', 'scoring', 'verify', 'protocol']) {
      expectRefusal(await boundaryMessages(`server/${folder}/fixture.ts`, refused.code), refused);
    }
  });

  it.each(impureCode)('a service may use $what', async (refused) => {
    expect(await boundaryMessages('server/live/fixture.ts', refused.code)).toEqual([]);
  });

  it.each(impureCode)('a test beside a pure module may use $what', async (refused) => {
    expect(await boundaryMessages('server/run-of-show/fixture.test.ts', refused.code)).toEqual([]);
  });

  it('a pure module may convert a given moment and import the protocol and the other engines', async () => {
    const code = [
      "import { GRAPHICS } from '../protocol/show';",
      "import { scoreRound } from '../scoring/scoring';",
      "import { sha256Hex } from '../draw-engine/sha256';",
      "import seedrandom from 'seedrandom';",
      "export const seenAt = new Date('2026-11-01T00:00:00Z');",
      'export const dayStart = new Date(Date.parse(seenAt.toISOString()));',
      'export { GRAPHICS, scoreRound, sha256Hex, seedrandom };',
    ].join('\n');
    expect(await boundaryMessages('server/run-of-show/fixture.ts', code)).toEqual([]);
  });

  it('the protocol may import its own files but not the engines it describes', async () => {
    const own = "import { ScoringRulesSchema } from './scoring';\nexport { ScoringRulesSchema };\n";
    expect(await boundaryMessages('server/protocol/fixture.ts', own)).toEqual([]);
    const engine = "import { scoreRound } from '../scoring/scoring';\nexport { scoreRound };\n";
    expectRefusal(await boundaryMessages('server/protocol/fixture.ts', engine), {
      what: 'an engine',
      code: engine,
      ruleId: 'no-restricted-imports',
      reason: /must not depend on an engine/,
    });
  });
});

const serverReach: RefusedCase[] = [
  {
    what: 'a relative path into the server',
    code: "import type { Db } from '../../../server/store/db';\nexport type { Db };\n",
    ruleId: 'no-restricted-imports',
    reason: /only through \$protocol/,
  },
  {
    what: 'a service through $core',
    code: "import { ShowRunner } from '$core/live/show-runner';\nexport { ShowRunner };\n",
    ruleId: 'no-restricted-imports',
    reason: /browser-safe pure cores/,
  },
  {
    what: 'a climb out of an alias',
    code: "import type { Db } from '$core/scoring/../store/db';\nexport type { Db };\n",
    ruleId: 'no-restricted-imports',
    reason: /climb out of an alias/,
  },
  {
    what: 'the database driver',
    code: "import Database from 'better-sqlite3';\nexport { Database };\n",
    ruleId: 'no-restricted-imports',
    reason: /run in a browser/,
  },
];
const nodeBuiltin: RefusedCase = {
  what: 'a node built-in',
  code: "import { readFileSync } from 'node:fs';\nexport { readFileSync };\n",
  ruleId: 'no-restricted-imports',
  reason: /no node built-ins/,
};
const acceptedUiImports = [
  "import { GRAPHICS } from '$protocol/show';",
  "import { scoreRound } from '$core/scoring/scoring';",
  "import { remainingMs } from '$core/run-of-show/timer';",
  "import { verifyBundle } from '$core/verify/bundle';",
  "import { commitmentOf } from '$core/draw-engine/seed';",
  "import { io } from 'socket.io-client';",
  'export { GRAPHICS, scoreRound, remainingMs, verifyBundle, commitmentOf, io };',
].join('\n');
const inSvelteScript = (code: string): string => `<script lang="ts">\n${code}</script>\n`;

describe('UIs', () => {
  it.each([...serverReach, nodeBuiltin])('a console module that imports $what is refused', async (refused) => {
    expectRefusal(await boundaryMessages('console-ui/src/lib/fixture.ts', refused.code), refused);
  });

  it.each([...serverReach, nodeBuiltin])('an overlay component that imports $what is refused', async (refused) => {
    expectRefusal(await boundaryMessages('overlay/src/graphics/Fixture.svelte', inSvelteScript(refused.code)), refused);
  });

  it.each(serverReach)('a UI test that imports $what is refused too', async (refused) => {
    expectRefusal(await boundaryMessages('overlay/src/lib/fixture.test.ts', refused.code), refused);
  });

  it('a UI module may import the protocol, the browser-safe cores and the socket client', async () => {
    expect(await boundaryMessages('console-ui/src/lib/fixture.ts', acceptedUiImports)).toEqual([]);
    const component = inSvelteScript(acceptedUiImports);
    expect(await boundaryMessages('console-ui/src/components/Fixture.svelte', component)).toEqual([]);
  });

  it('a UI test runs in Node and may read files', async () => {
    expect(await boundaryMessages('console-ui/src/lib/fixture.test.ts', nodeBuiltin.code)).toEqual([]);
  });
});
