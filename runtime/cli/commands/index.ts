import type { Command } from '../command.js';
import { addCommand } from './add.js';

/** Every sub-command, in the order `paddock --help` lists them. */
export const commands: Command[] = [addCommand];
