import type { Command } from '../command.js';
import { addCommand } from './add.js';
import { checkCommand } from './check.js';
import { initCommand } from './init.js';
import { invokeCommand } from './invoke.js';
import { runCommand } from './run.js';

/** Every sub-command, in the order `paddock --help` lists them. */
export const commands: Command[] = [runCommand, checkCommand, invokeCommand, addCommand, initCommand];
