import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

/*
 * The architecture, as import rules. Pure folders take plain data in and give plain data out, so
 * they run the same in Node, in a browser and in a verifier years later; services and edges wrap
 * them with the store, the network and the clock. The UIs see the server only through $protocol
 * and the browser-safe pure cores under $core. tests/lint-boundaries.test.ts proves these rules bite.
 */
const PURE_ENGINES = ['draw-engine', 'run-of-show', 'scoring', 'verify', 'local-time'];
const PURE_FOLDERS = [...PURE_ENGINES, 'protocol'];
const SERVICE_FOLDERS = [
  'draws',
  'keys',
  'public-log',
  'events',
  'judges',
  'live',
  'registry',
  'reports',
  'followups',
  'channels',
  'control',
  'fanout',
  'auth',
  'http',
  'store',
  'print',
  'demo',
];
const EDGE_FILES = ['app', 'main', 'runtime'];
const NODE_IO = ['fs', 'fs/promises', 'child_process', 'net', 'http', 'https', 'worker_threads', 'os', 'path'];
const NODE_AMBIENT = ['process', 'crypto'];

/** A relative specifier that climbs out of its folder into server/<one of names>, e.g. ../store/db. */
const reachingServerFolder = (names) => `^(?:\\.\\./)+(?:server/)?(?:${names.join('|')})(?:/|$)`;
const reachingServerFile = (names) => `^(?:\\.\\./)+(?:server/)?(?:${names.join('|')})(?:\\.[cm]?[jt]s)?$`;
const withAndWithoutNodePrefix = (names) => names.flatMap((name) => [`node:${name}`, name]);

const NO_SERVICES_IN_PURE =
  'Pure modules must not import services or edges: pass plain data in from the service instead.';
const pureImportBans = {
  paths: [
    ...['fastify', 'socket.io', 'socket.io-client', 'better-sqlite3', 'exceljs'].map((name) => ({
      name,
      message: 'Pure modules take plain data in and out: the server, sockets, the database and files are services.',
    })),
    ...withAndWithoutNodePrefix(NODE_IO).map((name) => ({
      name,
      message: 'Pure modules do no node I/O: files, processes, network and paths belong to services.',
    })),
    ...withAndWithoutNodePrefix(NODE_AMBIENT).map((name) => ({
      name,
      message: 'Pure modules run in a browser too: no node process or node crypto (draw-engine/sha256 is portable).',
    })),
  ],
  patterns: [
    {
      regex: reachingServerFolder(SERVICE_FOLDERS),
      message: NO_SERVICES_IN_PURE,
    },
    {
      regex: reachingServerFile(EDGE_FILES),
      message: NO_SERVICES_IN_PURE,
    },
    { group: ['@fastify/*'], message: 'Pure modules take plain data in and out: HTTP belongs to services.' },
  ],
};

const protocolImportBans = {
  paths: pureImportBans.paths,
  patterns: [
    ...pureImportBans.patterns,
    {
      regex: reachingServerFolder(PURE_ENGINES),
      message: 'The protocol is the contract every engine and UI depends on: it must not depend on an engine.',
    },
  ],
};

const UI_FILES = [
  'console-ui/src/**/*.ts',
  'console-ui/src/**/*.svelte',
  'overlay/src/**/*.ts',
  'overlay/src/**/*.svelte',
];
const UI_TESTS = ['console-ui/src/**/*.test.ts', 'overlay/src/**/*.test.ts'];
const uiServerBans = [
  {
    regex: '^(?:\\.\\./)+(?:.*/)?server(?:/|$)',
    message: 'UIs reach the server only through $protocol/* and the browser-safe $core/* aliases.',
  },
  {
    regex: `^\\$core(?:$|/(?!(?:${PURE_ENGINES.join('|')})/))`,
    message: `UIs may import only the browser-safe pure cores through $core: ${PURE_ENGINES.join(', ')}.`,
  },
  {
    regex: '^\\$(?:core|protocol)/(?:.*/)?\\.\\.(?:/|$)',
    message: 'UIs must not climb out of an alias with "..": that escapes the browser-safe folders.',
  },
  { group: ['@fastify/*'], message: 'UIs run in a browser: HTTP serving belongs to the server.' },
];
const uiPackageBans = ['better-sqlite3', 'fastify', 'socket.io'].map((name) => ({
  name,
  message: 'UIs run in a browser: the database and the HTTP/socket server belong to the server.',
}));
const uiNodeBan = { regex: '^node:', message: 'UIs run in a browser: no node built-ins.' };

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/', '.scratch/', 'data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    // The draw engine, the show's state machine and the protocol must stay pure and reproducible.
    files: PURE_FOLDERS.map((folder) => `server/${folder}/**/*.ts`),
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'The pure core takes randomness as input.' },
        { object: 'crypto', property: 'getRandomValues', message: 'The pure core takes randomness as input.' },
        { object: 'crypto', property: 'randomUUID', message: 'The pure core takes randomness as input.' },
        { object: 'Date', property: 'now', message: 'The pure core takes time as input.' },
        { object: 'performance', property: 'now', message: 'The pure core takes time as input.' },
      ],
      'no-restricted-syntax': [
        'error',
        // new Date(value) only converts; the zero-argument forms read the clock.
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'The pure core takes time as input: new Date() reads the clock.',
        },
        {
          selector: "CallExpression[callee.name='Date']",
          message: 'The pure core takes time as input: Date() reads the clock.',
        },
      ],
      'no-restricted-imports': ['error', pureImportBans],
    },
  },
  {
    files: ['server/protocol/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', protocolImportBans] },
  },
  {
    files: UI_FILES,
    rules: { 'no-restricted-imports': ['error', { paths: uiPackageBans, patterns: [...uiServerBans, uiNodeBan] }] },
  },
  {
    // UI unit tests run in Node under vitest, so they may read files; the server stays out of reach.
    files: UI_TESTS,
    rules: { 'no-restricted-imports': ['error', { paths: uiPackageBans, patterns: uiServerBans }] },
  },
);
