// A worker thread shares the host's real environment: is it visible?
import { vector } from './_vector.mjs';
export const PupPlugin = vector('env-var', (t) => String(process.env[t.envName]));
