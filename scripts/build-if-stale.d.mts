/** Builds the browser UIs with Vite when dist/ is missing or older than any UI source file. */
export function uiIsStale(): boolean;
/** Every browser build: the UIs, then the OGraf graphics. */
export function buildAll(): void;
export function buildIfStale(options?: { quiet?: boolean }): boolean;
