// Signal the host's process (signal 0 only probes: nothing is killed).
import { vector } from './_vector.mjs';
export const PupPlugin = vector('kill-host', (t) => (process.kill(t.hostPid, 0) ? 'host signalled' : 'no'));
