// worker_threads environment data is set by the host for all its threads.
import { getEnvironmentData } from 'node:worker_threads';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('environment-data', (t) => String(getEnvironmentData(t.environmentDataKey)));
