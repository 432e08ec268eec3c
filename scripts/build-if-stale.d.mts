/** The compiled primary (dist/server/main.js), as npm start runs it. */
export const SERVER_ENTRY: string;
/** Whether dist/ is missing the UIs or is older than any UI source file. */
export function uiIsStale(): boolean;
/** Whether the server's bundle is missing or older than server/, package-lock.json or this script. */
export function serverIsStale(): boolean;
/** Every browser build: the UIs, then the OGraf graphics (empties dist/). */
export function buildUis(): void;
/** The server's bundles (primary and fan-out) into dist/server/, with the import's worker beside them. */
export function buildServer(): void;
/** The UIs, then the server (`npm run build`). */
export function buildAll(): void;
/** The server alone when stale; true when it built. */
export function buildServerIfStale(options?: { quiet?: boolean }): boolean;
/** Whatever is stale (the UIs and then the server, or the server alone); true when it built. */
export function buildIfStale(options?: { quiet?: boolean }): boolean;
