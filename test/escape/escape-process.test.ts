// Escape vectors against plugins in child processes under Node's permission model (see suite.ts).
import { escapeSuite } from './suite.js';

escapeSuite('process');
