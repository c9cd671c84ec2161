import type { Command } from '../command.js';

/** Every sub-command, in the order `paddock --help` lists them. */
export const commands: Command[] = [];
