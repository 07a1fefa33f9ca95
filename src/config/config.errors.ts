/** One issue found while loading configuration, addressed by its path (e.g. `/routes/0/to/1`). */
export interface ConfigIssue {
  path: string;
  message: string;
}

/**
 * Configuration problems are reported all at once: an operator fixing a YAML file should see
 * every mistake in one run, not one per restart.
 */
export class ConfigError extends Error {
  constructor(
    readonly issues: ConfigIssue[],
    readonly origin: string,
  ) {
    super(`Invalid configuration (${origin}): ${issues.length} problem(s)\n` + issues.map((i) => `  - ${i.path || '/'}: ${i.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}
