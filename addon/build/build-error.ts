// One error type for the add-on build: a stable code and a one-line message the CLI prints.

export type BuildErrorCode =
  | 'bundle_failed'
  | 'missing_entry_points'
  | 'node_builtin'
  | 'sidebar_invalid'
  | 'manifest_invalid'
  | 'bad_backend_url';

export class BuildError extends Error {
  override readonly name = 'BuildError';
  constructor(
    readonly code: BuildErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
