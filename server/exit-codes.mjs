// The exit codes server/main.ts ends with on purpose, read by its supervisor (scripts/start.mjs).
// Plain JS so that the supervisor, which runs before anything is compiled, can import it too.

/** A setting is wrong (sysexits.h EX_CONFIG): starting again would fail the same way, so it is not restarted. */
export const EXIT_CONFIG = 78;
