/** Builds the browser UIs with Vite when dist/ is missing or older than any UI source file. */
export function uiIsStale(): boolean;
export function buildIfStale(options?: { quiet?: boolean }): boolean;
