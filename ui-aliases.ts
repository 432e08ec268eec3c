import { join } from 'node:path';

/**
 * What the browser UIs may import from the server: the protocol, and the pure cores (scoring, the
 * draw engine, the run-of-show, bundle checking) that run in a browser too. ESLint holds the UIs to
 * these two names (eslint.config.js); the tsconfigs spell the same paths for the type checkers.
 */
export const uiAliases = {
  $protocol: join(import.meta.dirname, 'server/protocol'),
  $core: join(import.meta.dirname, 'server'),
};
