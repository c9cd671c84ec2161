// System information: the host's name and user.
import os from 'node:os';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('sys-info', () => os.hostname());
