/**
 * First import of workers/nested-worker.ts, so that it runs before any other module of
 * that entry is evaluated: in a thread whose gates are in place (a plugin importing the
 * entry again under another URL), nothing of the entry may run, not even the captures
 * the other modules take when they load.
 */
import { gatesInstalled } from './gates/installed.js';

if (gatesInstalled()) throw new Error('workers/nested-worker.js runs only as the entry of a worker started by a plugin');
