/** The shape of one `paddock` sub-command. Each lives in commands/<name>.ts. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface Command {
  name: string;
  /** One line for `paddock --help`. */
  summary: string;
  /** Full usage text with examples, for `paddock <name> --help`. */
  usage: string;
  /** A few example command lines, listed by `paddock --help` too. */
  examples?: string[];
  /** Returns the exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** A failure to report as one line on stderr with a non-zero exit. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}
