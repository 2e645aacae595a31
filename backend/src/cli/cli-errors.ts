// Errors of the command line that main.ts turns into one line and exit code 1.

/** A bad flag value: printed with the usage text. */
export class FlagError extends Error {}

/** A run that cannot start (the pre-flight said no): printed alone, and no file was changed. */
export class RunRefused extends Error {}
