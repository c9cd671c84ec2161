/** Exit codes of the `paddock` commands. */
export const EXIT = {
  ok: 0,
  /** A plugin failed to load or verify, or the command failed. */
  failed: 1,
  /** Bad command-line usage. */
  usage: 2,
  /** The config file is unreadable or invalid. */
  config: 3,
} as const;
